import { schemas } from '@synthguard/contract';
import { type Clock, newUlid, sha256Hex } from '@synthguard/core';
import { canonicalJsonBytes } from '@synthguard/ledger';
import { type FormatHandler, detectFormat, handlerByMediaType } from '@synthguard/formats';
import {
  type AigcLabel,
  type LabelVerification,
  type SigningKey,
  canCarryLabel,
  encodeAigcLabel,
  verifyImplicitLabel,
  writeSignedLabel,
} from '@synthguard/labels';
import type { ContentRecord, Store, Tenant } from '@synthguard/store';
import { EngineError } from './errors.js';
import type { LedgerRecorder } from './ledger/record.js';
import { type Principal, authorize, resolveTenantId } from './principal.js';
import { type C2paIdentity, addManifest, dropOwnManifest, integrityOptionsFor } from './provenance.js';
import type { Keyring } from './signing-keys.js';
import { requireTenant } from './tenants.js';

/** What labeling needs: the store, the providers' signing keys and the time. */
export interface LabelingContext {
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clock: Clock;
  /** The installation's C2PA signing identity; without it no manifest is written. */
  readonly c2pa?: C2paIdentity | undefined;
  /**
   * The ledger's recorder («03»): every label write and propagation is recorded before its
   * content record is stored; when it cannot record, the write fails. The runtime always has
   * one (`runtime.recorder`). Required: nothing is labeled unlogged.
   */
  readonly recorder: LedgerRecorder;
}

/** SHA-256 hex of a label's canonical JSON (RFC 8785): how the ledger names a label it replaced. */
export function labelDigest(label: AigcLabel): string {
  return sha256Hex(canonicalJsonBytes({ ...label }));
}

export interface LabelRequest {
  readonly file: Uint8Array;
  /** Tenant to act on; required for installation-wide principals. */
  readonly tenantId?: string | undefined;
  /** 4-character service code; default: the one inside the tenant's provider code. */
  readonly service?: string | undefined;
  /** Media type the caller declared (Content-Type); checked against the bytes when specific. */
  readonly declaredMediaType?: string | undefined;
  /** The file's name, when known: identifies formats without magic bytes (Markdown). */
  readonly fileName?: string | undefined;
  /**
   * Replace a label the file already carries (recorded as the previous label). Without it, a
   * labeled file is refused with content.already_labeled. A forged label is never replaced.
   */
  readonly relabel?: boolean | undefined;
}

export interface LabelOutcome {
  readonly file: Uint8Array;
  readonly record: ContentRecord;
  readonly handler: FormatHandler;
  /** The label the file carried before, when this was a relabel. */
  readonly previousLabel: AigcLabel | undefined;
  /** A C2PA manifest was added. */
  readonly c2pa: boolean;
}

/** The format of an upload, checked against what the caller declared. */
export function detectUpload(
  file: Uint8Array,
  declaredMediaType: string | undefined,
  fileName?: string,
): FormatHandler {
  const handler = detectFormat(file, { mediaType: declaredMediaType, fileName });
  if (declaredMediaType !== undefined) {
    const known = handlerByMediaType(declaredMediaType);
    if (known !== undefined && known.id !== handler.id) {
      throw new EngineError(
        'content.media_type_mismatch',
        `The body is ${handler.mediaType} but was declared as ${declaredMediaType}. Send the right Content-Type or application/octet-stream.`,
        { details: { declared: declaredMediaType, detected: handler.mediaType } },
      );
    }
  }
  if (!canCarryLabel(handler)) {
    throw new EngineError(
      'content.format_not_labelable',
      `Implicit labels for ${handler.id} are not supported yet.`,
    );
  }
  return handler;
}

/**
 * Refuses to overwrite a label whose signature we can check and is invalid (GB 45438 / Measures
 * Art. 10: no forging or tampering; the file is reported, never silently relabeled).
 */
export function refuseForged(existing: LabelVerification): void {
  for (const [slot, check] of [
    ['ReservedCode1', existing.producer],
    ['ReservedCode2', existing.propagator],
  ] as const) {
    if (check.status === 'checked' && !check.signatureValid) {
      throw new EngineError(
        'content.label_forged',
        `The file carries a label whose signature (${slot}) does not verify: it was forged or tampered with. It is reported, not overwritten.`,
        {
          details: {
            produceId: existing.label.label.ProduceID,
            contentProducer: existing.label.label.ContentProducer,
            slot,
          },
        },
      );
    }
  }
}

/** The label a tenant's next output gets (unsigned; ReservedCode1 is filled by signing). */
export function newLabel(tenant: Tenant, service: string | undefined, clock: Clock): AigcLabel {
  const code = service ?? tenant.providerCode.slice(-4);
  if (!schemas.ServiceCode.safeParse(code).success) {
    throw new EngineError('request.invalid', 'The service code must be 4 characters of 0-9 and A-Z.', {
      details: { field: 'service' },
    });
  }
  return {
    Label: '1',
    ContentProducer: tenant.providerCode.slice(0, -4) + code,
    ProduceID: newUlid(clock.now()),
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  };
}

export interface AppliedLabel {
  readonly file: Uint8Array;
  readonly handler: FormatHandler;
  readonly label: AigcLabel;
  readonly previousLabel: AigcLabel | undefined;
  /** A C2PA manifest was added (JPEG, PNG, WebP, WAV, MP3, MP4 without a manifest of their own). */
  readonly c2pa: boolean;
}

/**
 * The CPU part of labeling, with no store: checks the file (format, declared type, an existing
 * label: refused unless `relabel`, a forged one always) and writes `label` signed with `key`.
 * Batch labeling runs it in worker threads; `labelContent` composes it with the record.
 */
export function applyLabel(
  file: Uint8Array,
  label: AigcLabel,
  key: SigningKey,
  options: {
    declaredMediaType?: string | undefined;
    fileName?: string | undefined;
    relabel?: boolean | undefined;
    c2pa?: C2paIdentity | undefined;
  } = {},
): AppliedLabel {
  const handler = detectUpload(file, options.declaredMediaType, options.fileName);
  // Reading walks and validates the whole file (the carrier contract in @synthguard/formats); a
  // label that cannot be read at all (bad JSON, two labels) is an error here, never overwritten.
  const integrity = integrityOptionsFor(handler.id);
  const existing = verifyImplicitLabel(handler, file, integrity);
  checkExistingLabel(existing, options.relabel);
  // Our own manifest for the replaced label goes; a fresh one covers the new label.
  const input =
    existing === undefined ? file : dropOwnManifest(file, handler.id, existing.label.label.ProduceID);
  // writeImplicitLabel (inside) re-reads its output through the handler (a full walk of the new
  // file) and fails unless exactly this label comes back, so nothing records a bad file.
  const signed = writeSignedLabel(handler, input, label, key, integrity);
  // The manifest last, so its hard binding covers the label.
  const manifest = addManifest(
    signed.file,
    handler.id,
    options.c2pa,
    signed.label.ProduceID,
    encodeAigcLabel(signed.label),
  );
  return {
    file: manifest.file,
    handler,
    label: signed.label,
    previousLabel: existing?.label.label,
    c2pa: manifest.written,
  };
}

/** Records an applied label as the tenant's content record. */
/**
 * A file that already carries a label: a forged one is refused always (content.label_forged),
 * a valid one unless the caller asked to relabel (content.already_labeled).
 */
export function checkExistingLabel(
  existing: LabelVerification | undefined,
  relabel: boolean | undefined,
): void {
  if (existing === undefined) return;
  refuseForged(existing);
  if (relabel !== true) {
    throw new EngineError(
      'content.already_labeled',
      'The file already carries an implicit label. Pass relabel=true to replace it (the old label is recorded).',
      {
        details: {
          produceId: existing.label.label.ProduceID,
          contentProducer: existing.label.label.ContentProducer,
        },
      },
    );
  }
}

/** Digest and size of a file, as a content record keeps them. */
export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

export function digestOf(file: Uint8Array): FileDigest {
  return { sha256: sha256Hex(file), bytes: file.length };
}

/** What a labeling write produced, in the terms of its content record. */
export interface LabelWrite {
  readonly handler: FormatHandler;
  readonly label: AigcLabel;
  readonly previousLabel: AigcLabel | undefined;
  readonly input: FileDigest;
  readonly output: FileDigest;
  readonly signingKeyId: string;
}

/**
 * Records a labeling write: first in the ledger (content.labeled, durable), then as the tenant's
 * content record (action `produce`). When the ledger cannot record, nothing is stored and the
 * labeled file is not handed out.
 */
export async function recordWrite(
  ctx: LabelingContext,
  principal: Principal,
  tenant: Tenant,
  write: LabelWrite,
): Promise<ContentRecord> {
  const service = write.label.ContentProducer.slice(-4);
  await ctx.recorder.record({
    type: 'content.labeled',
    tenantId: tenant.id,
    produceId: write.label.ProduceID,
    contentDigest: write.output.sha256,
    facts: {
      action: write.previousLabel === undefined ? 'label' : 'relabel',
      actor: principal.actor,
      service,
      format: write.handler.id,
      mediaType: write.handler.mediaType,
      input: write.input.sha256,
      inputBytes: write.input.bytes,
      outputBytes: write.output.bytes,
      previousLabel: write.previousLabel === undefined ? null : labelDigest(write.previousLabel),
      previousProduceId: write.previousLabel?.ProduceID ?? null,
      signingKeyId: write.signingKeyId,
    },
  });
  return ctx.store.contentRecords.create({
    produceId: write.label.ProduceID,
    tenantId: tenant.id,
    service,
    modality: write.handler.modality,
    format: write.handler.id,
    mediaType: write.handler.mediaType,
    inputSha256: write.input.sha256,
    outputSha256: write.output.sha256,
    inputBytes: write.input.bytes,
    outputBytes: write.output.bytes,
    label: { ...write.label },
    createdAt: ctx.clock.now(),
    createdBy: principal.actor,
    action: 'produce',
    previousLabel: write.previousLabel === undefined ? null : { ...write.previousLabel },
    signingKeyId: write.signingKeyId,
  });
}

/** Records an applied label (in memory) as the tenant's content record. */
export function recordLabel(
  ctx: LabelingContext,
  principal: Principal,
  tenant: Tenant,
  input: Uint8Array | FileDigest,
  applied: AppliedLabel,
  signingKeyId: string,
): Promise<ContentRecord> {
  return recordWrite(ctx, principal, tenant, {
    handler: applied.handler,
    label: applied.label,
    previousLabel: applied.previousLabel,
    input: input instanceof Uint8Array ? digestOf(input) : input,
    output: digestOf(applied.file),
    signingKeyId,
  });
}

/** The tenant a labeling request acts on, after the scope check. */
export async function labelingTenant(
  ctx: LabelingContext,
  principal: Principal,
  tenantId: string | undefined,
): Promise<Tenant> {
  authorize(principal, 'labels:write');
  return requireTenant(ctx.store, resolveTenantId(principal, tenantId));
}

/**
 * The first path of the pipeline: label a generated file with its GB 45438 implicit label,
 * signed with the provider's key (SecurityData in ReservedCode1), and record it. Nothing is
 * recorded unless the labeled file was produced and re-read.
 */
export async function labelContent(
  ctx: LabelingContext,
  principal: Principal,
  req: LabelRequest,
): Promise<LabelOutcome> {
  const tenant = await labelingTenant(ctx, principal, req.tenantId);
  const label = newLabel(tenant, req.service, ctx.clock);
  const key = await ctx.keyring.activeKey(tenant.id);
  const applied = applyLabel(req.file, label, key, {
    declaredMediaType: req.declaredMediaType,
    fileName: req.fileName,
    relabel: req.relabel,
    c2pa: ctx.c2pa,
  });
  const record = await recordLabel(ctx, principal, tenant, req.file, applied, key.kid);
  return {
    file: applied.file,
    record,
    handler: applied.handler,
    previousLabel: applied.previousLabel,
    c2pa: applied.c2pa,
  };
}
