import type {
  ApiKey,
  ContentRecord,
  Detection as DetectionDto,
  SigningKey,
  Tenant,
  Verification,
} from '@synthguard/contract';
import { publicKeyPem } from '@synthguard/labels';
import type * as store from '@synthguard/store';
import type { Detection } from './detection.js';
import { type PublishedKey, publicKeyOf } from './signing-keys.js';
import type * as engine from './verification.js';
import type { SignatureReport } from './verification.js';

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Store rows to the wire shapes of `@synthguard/contract`. */
export function tenantDto(t: store.Tenant): Tenant {
  return {
    id: t.id,
    name: t.name,
    uscc: t.uscc,
    providerCode: t.providerCode,
    filingNumbers: [...t.filingNumbers],
    createdAt: iso(t.createdAt),
  };
}

export function apiKeyDto(k: store.ApiKey): ApiKey {
  return {
    id: k.id,
    tenantId: k.tenantId,
    name: k.name ?? '',
    role: k.role,
    scopes: [...k.scopes] as ApiKey['scopes'],
    createdAt: iso(k.createdAt),
    revokedAt: isoOrNull(k.revokedAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
  };
}

export function contentRecordDto(r: store.ContentRecord): ContentRecord {
  return {
    produceId: r.produceId,
    tenantId: r.tenantId,
    service: r.service,
    modality: r.modality as ContentRecord['modality'],
    format: r.format,
    mediaType: r.mediaType,
    inputSha256: r.inputSha256,
    outputSha256: r.outputSha256,
    inputBytes: r.inputBytes,
    outputBytes: r.outputBytes,
    label: r.label as ContentRecord['label'],
    createdAt: iso(r.createdAt),
    createdBy: r.createdBy,
    action: r.action,
    previousLabel: r.previousLabel as ContentRecord['previousLabel'],
    signingKeyId: r.signingKeyId,
  };
}

function reportDto(r: SignatureReport): Verification['producer'] {
  if (r.status !== 'checked') return r;
  const { keyStatus, keyProvider, keyMatchesLabel, ...rest } = r;
  return {
    ...rest,
    ...(keyStatus === undefined ? {} : { keyStatus }),
    ...(keyProvider === undefined ? {} : { keyProvider }),
    ...(keyMatchesLabel === undefined ? {} : { keyMatchesLabel }),
  };
}

export function verificationDto(v: engine.Verification): Verification {
  return {
    format: v.format,
    mediaType: v.mediaType,
    bytes: v.bytes,
    sha256: v.sha256,
    status: v.status,
    label:
      v.label === undefined
        ? null
        : { fields: v.label.fields, form: v.label.form, problems: [...v.label.problems] },
    producer: reportDto(v.producer),
    propagator: reportDto(v.propagator),
    c2pa: v.c2pa === undefined ? null : { ...v.c2pa, failures: [...v.c2pa.failures] },
  };
}

export function detectionDto(d: Detection): DetectionDto {
  return {
    format: d.format,
    verdict: d.verdict,
    wording: d.wording,
    evidence: d.evidence.map((e) => {
      switch (e.kind) {
        case 'implicit_label':
          return {
            kind: e.kind,
            trusted: e.trusted,
            reason: e.reason,
            status: e.verification.status,
            ...(e.verification.label ? { label: e.verification.label.fields } : {}),
          };
        case 'unreadable_label':
          return { kind: e.kind, code: e.code, message: e.message };
        case 'declaration':
          return { kind: e.kind };
        case 'digital_source_type':
          return { kind: e.kind, value: e.value };
        case 'c2pa':
          return {
            kind: e.kind,
            ...(e.report.digitalSourceType === undefined ? {} : { value: e.report.digitalSourceType }),
            c2pa: { ...e.report, failures: [...e.report.failures] },
          };
      }
    }),
  };
}

export function signingKeyDto(k: PublishedKey): SigningKey {
  return {
    kid: k.kid,
    tenantId: k.tenantId,
    providerCode: k.providerCode,
    alg: k.alg,
    publicKey: k.publicKey,
    publicKeyPem: publicKeyPem(publicKeyOf(k)),
    status: k.status,
    createdAt: iso(k.createdAt),
    retiredAt: isoOrNull(k.retiredAt),
  };
}
