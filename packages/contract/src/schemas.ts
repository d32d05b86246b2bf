import { z } from 'zod';
import { ROLES, SCOPES } from './roles.js';

// Identifiers as the law names them. Validation of check characters happens in the engine;
// these schemas describe the shapes a caller sends and receives.

export const Uscc = z
  .string()
  .length(18)
  .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/)
  .describe('Unified social credit code (GB 32100-2015), 18 characters with check character');

export const ProviderCode = z
  .string()
  .length(27)
  .regex(/^[0-9A-Z]{27}$/)
  .describe('Provider code per TC260-PG-20252A, used as GB 45438 ContentProducer');

export const FilingNumber = z
  .string()
  .regex(/^网信算备\d{21}号$/)
  .describe('Algorithm filing number: 网信算备 + 21 digits + 号');

export const ProduceId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)
  .describe('GB 45438 ProduceID: unique content id, printable ASCII without space, " and \\');

export const ServiceCode = z
  .string()
  .regex(/^[0-9A-Z]{4}$/)
  .describe('4-character service code (last part of the provider code)');

export const Role = z.enum(ROLES);
export const Scope = z.enum(SCOPES);

export const TenantCreate = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Legal name of the provider organisation'),
    uscc: Uscc,
    providerCode: ProviderCode.optional().describe('Derived from the USCC when omitted'),
    serviceCode: ServiceCode.optional().describe('Service code used when deriving the provider code'),
    filingNumbers: z.array(FilingNumber).max(100).default([]),
  })
  .strict();

export const Tenant = z.object({
  id: z.string(),
  name: z.string(),
  uscc: Uscc,
  providerCode: ProviderCode,
  filingNumbers: z.array(z.string()),
  createdAt: z.iso.datetime(),
});

export const ApiKeyCreate = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: Role,
    tenantId: z.string().min(1).nullable().optional().describe("Omit to use the caller's tenant"),
    scopes: z.array(Scope).min(1).optional().describe("A subset of the role's scopes; default all of them"),
  })
  .strict();

export const ApiKey = z.object({
  id: z.string(),
  tenantId: z.string().nullable(),
  name: z.string(),
  role: Role,
  scopes: z.array(Scope),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const ApiKeyCreated = ApiKey.extend({
  secret: z.string().describe('The bearer token. Shown once; store it now.'),
});

export const LabelKind = z.enum(['1', '2', '3']);

/** GB 45438-2025 Annex E: the seven fields of the implicit label. */
export const AigcLabel = z.object({
  Label: LabelKind,
  ContentProducer: z.string(),
  ProduceID: z.string(),
  ReservedCode1: z.string(),
  ContentPropagator: z.string(),
  PropagateID: z.string(),
  ReservedCode2: z.string(),
});

export const Modality = z.enum(['image', 'video', 'audio', 'text', 'document']);

export const ContentRecord = z.object({
  produceId: ProduceId,
  tenantId: z.string(),
  service: z.string(),
  modality: Modality,
  format: z.string(),
  mediaType: z.string(),
  inputSha256: z.string().length(64),
  outputSha256: z.string().length(64),
  inputBytes: z.number().int().nullable(),
  outputBytes: z.number().int().nullable(),
  label: AigcLabel,
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
  action: z
    .enum(['produce', 'propagate'])
    .describe('produce: labelled output; propagate: a platform added its fields'),
  previousLabel: AigcLabel.nullable().describe('The label this write replaced (relabel, propagation)'),
  signingKeyId: z.string().nullable().describe('Key id of the signature written'),
});

export const LedgerRecord = z.object({
  id: z.string(),
  type: z.string().describe('Event type, e.g. content.labeled, admin.action'),
  tenantId: z.string().nullable().describe('null for installation-wide events'),
  time: z.iso.datetime(),
  index: z.number().int().describe('Leaf index in the log'),
  leaf: z
    .string()
    .describe('The log entry: RFC 8785 canonical JSON; SHA-256(0x00 || UTF-8) is the leaf hash'),
  produceId: z.string().optional(),
  contentDigest: z.string().optional(),
  facts: z.record(z.string(), z.unknown()),
  retainUntil: z.iso.datetime().describe('Personal fields are dropped (crypto-shredded) after this instant'),
  personal: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Personal fields, decrypted; absent once erased or expired'),
  erased: z.boolean(),
});

export const LedgerRecordList = z.object({ items: z.array(LedgerRecord) });

export const LabelQuery = z
  .object({
    service: ServiceCode.optional().describe("Service code; default the one in the tenant's provider code"),
    tenant: z.string().optional().describe('Tenant id; only for installation-wide keys'),
    filename: z.string().max(255).optional().describe('Name of the file, for the download name'),
    relabel: z
      .enum(['true', 'false'])
      .optional()
      .describe('Replace a label the file already carries (recorded); a forged label is never replaced'),
  })
  .strict();

export const PropagateQuery = z
  .object({
    tenant: z.string().optional().describe('Platform tenant id; only for installation-wide keys'),
    filename: z.string().max(255).optional().describe('Name of the file, for the download name'),
  })
  .strict();

export const VerifyQuery = z
  .object({
    filename: z
      .string()
      .max(255)
      .optional()
      .describe('Name of the file: identifies formats without magic bytes (Markdown)'),
  })
  .strict();

export const DetectQuery = z
  .object({
    filename: z
      .string()
      .max(255)
      .optional()
      .describe('Name of the file: identifies formats without magic bytes (Markdown)'),
    declared: z
      .enum(['true', 'false'])
      .optional()
      .describe('The uploader declared the content AI-generated (Labeling Measures Art. 10)'),
  })
  .strict();

export const SignatureAlgorithm = z.enum(['Ed25519', 'SM2-SM3']);

export const SignatureReport = z.discriminatedUnion('status', [
  z.object({ status: z.literal('absent') }),
  z.object({ status: z.literal('foreign'), problem: z.string() }),
  z.object({
    status: z.literal('checked'),
    alg: z.string(),
    keyId: z.string(),
    signatureValid: z.boolean(),
    contentUnchanged: z.boolean(),
    bindingsComplete: z.boolean(),
    keyKnown: z.boolean(),
    keyStatus: z.enum(['active', 'retired']).optional(),
    keyProvider: z.string().optional(),
    keyMatchesLabel: z.boolean().optional(),
  }),
]);

export const VerificationStatus = z.enum([
  'valid',
  'unlabeled',
  'unsigned',
  'foreign',
  'forged',
  'content_changed',
  'key_unknown',
  'key_mismatch',
]);

export const C2paReport = z.object({
  present: z.boolean(),
  state: z.enum(['trusted', 'valid', 'invalid']).optional(),
  failures: z.array(z.string()).describe('C2PA 2.x status codes of failed checks'),
  digitalSourceType: z.string().optional(),
  produceId: z.string().optional().describe('The GB 45438 ProduceID bound into the manifest'),
  claimGenerator: z.string().optional(),
});

export const Verification = z.object({
  format: z.string(),
  mediaType: z.string(),
  bytes: z.number().int(),
  sha256: z.string().length(64),
  status: VerificationStatus,
  label: z
    .object({ fields: AigcLabel, form: z.enum(['bare', 'wrapped']), problems: z.array(z.string()) })
    .nullable(),
  producer: SignatureReport,
  propagator: SignatureReport,
  c2pa: C2paReport.nullable().describe('The C2PA manifest; null for formats without a C2PA embedding'),
});

export const VerdictWording = z.object({
  zh: z.string(),
  en: z.string(),
  basis: z.string().describe('The provision the wording implements'),
});

export const Evidence = z.object({
  kind: z.enum(['implicit_label', 'unreadable_label', 'declaration', 'digital_source_type', 'c2pa']),
  trusted: z.boolean().optional(),
  reason: z.string().optional(),
  status: VerificationStatus.optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  value: z.string().optional(),
  label: AigcLabel.optional(),
  c2pa: C2paReport.optional(),
});

export const Detection = z.object({
  format: z.string(),
  verdict: LabelKind.nullable().describe('"1" is, "2" may be, "3" suspected AI-generated; null: no trace'),
  wording: VerdictWording.nullable(),
  evidence: z.array(Evidence),
});

export const SigningKey = z.object({
  kid: z.string(),
  tenantId: z.string(),
  providerCode: z.string(),
  alg: SignatureAlgorithm,
  publicKey: z.string().describe('DER SubjectPublicKeyInfo, base64url'),
  publicKeyPem: z.string(),
  status: z.enum(['active', 'retired']),
  createdAt: z.iso.datetime(),
  retiredAt: z.iso.datetime().nullable(),
});

export const SigningKeyRotate = z
  .object({ alg: SignatureAlgorithm.optional().describe('Default: the installation default (Ed25519)') })
  .strict();

export const PublishedSigningKeys = z.object({
  keys: z.array(SigningKey.omit({ tenantId: true })),
  c2pa: z
    .object({
      trustAnchorsPem: z.string().describe('Roots the C2PA manifests of this installation chain to'),
      development: z.boolean().describe('True for the generated development chain, trusted nowhere else'),
    })
    .optional(),
});

/** RFC 9457 problem details, with the stable error code as an extension member. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().describe('Stable error code, e.g. format.truncated'),
  requestId: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), z.string()).optional(),
});

export type TenantCreate = z.input<typeof TenantCreate>;
export type Tenant = z.infer<typeof Tenant>;
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;
export type ApiKey = z.infer<typeof ApiKey>;
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
export type ContentRecord = z.infer<typeof ContentRecord>;
export type Verification = z.infer<typeof Verification>;
export type Detection = z.infer<typeof Detection>;
export type SigningKey = z.infer<typeof SigningKey>;
export type Problem = z.infer<typeof Problem>;
