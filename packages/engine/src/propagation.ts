/**
 * Platform mode (Labeling Measures Art. 6; GB 45438-2025 Annex E): a content platform that
 * spreads a labeled file adds its own ContentPropagator, PropagateID and a signature in
 * ReservedCode2. The producer's fields and ReservedCode1 stay verbatim, so the producer's
 * signature still verifies.
 */
import { newUlid, sha256Hex } from '@synthguard/core';
import {
  type AigcLabel,
  encodeAigcLabel,
  verifyImplicitLabel,
  writePropagatedLabel,
} from '@synthguard/labels';
import type { ContentRecord } from '@synthguard/store';
import { EngineError } from './errors.js';
import { type LabelingContext, detectUpload, labelDigest, refuseForged } from './labeling.js';
import { addManifest, dropOwnManifest, integrityOptionsFor } from './provenance.js';
import { type Principal, authorize, resolveTenantId } from './principal.js';
import { requireTenant } from './tenants.js';

export interface PropagateRequest {
  readonly file: Uint8Array;
  readonly tenantId?: string | undefined;
  readonly declaredMediaType?: string | undefined;
  readonly fileName?: string | undefined;
}

export interface PropagateOutcome {
  readonly file: Uint8Array;
  readonly record: ContentRecord;
  readonly format: string;
  readonly mediaType: string;
  /** The format's usual file name extension ('jpg'), for download names. */
  readonly extension: string;
  readonly previousLabel: AigcLabel;
}

/** The propagation form of a provider code: the role digit (position 23) is 2 (TC260-PG-20252A). */
export function propagatorCode(providerCode: string): string {
  return `${providerCode.slice(0, 22)}2${providerCode.slice(23)}`;
}

export async function propagateContent(
  ctx: LabelingContext,
  principal: Principal,
  req: PropagateRequest,
): Promise<PropagateOutcome> {
  const { store, clock } = ctx;
  authorize(principal, 'labels:write');
  const tenant = await requireTenant(store, resolveTenantId(principal, req.tenantId));
  const handler = detectUpload(req.file, req.declaredMediaType, req.fileName);
  const integrity = integrityOptionsFor(handler.id);
  const existing = verifyImplicitLabel(handler, req.file, integrity);
  if (existing === undefined) {
    throw new EngineError(
      'content.not_labeled',
      'The file carries no implicit label to propagate. Run detection (POST /v1/detect) to decide how to present it.',
    );
  }
  refuseForged(existing);
  const key = await ctx.keyring.activeKey(tenant.id);
  const propagateId = newUlid(clock.now());
  // The producer's manifest (when this installation wrote it) covers the label bytes about to
  // change: it is replaced by a fresh one for the propagated label. Foreign manifests stay.
  const produceId = existing.label.label.ProduceID;
  const input = dropOwnManifest(req.file, handler.id, produceId);
  const written = writePropagatedLabel(
    handler,
    input,
    { ContentPropagator: propagatorCode(tenant.providerCode), PropagateID: propagateId },
    key,
    integrity,
  );
  const manifest =
    input === req.file
      ? { file: written.file, written: false }
      : addManifest(written.file, handler.id, ctx.c2pa, produceId, encodeAigcLabel(written.label));
  const out = { file: manifest.file, label: written.label };
  const inputSha256 = sha256Hex(req.file);
  const outputSha256 = sha256Hex(out.file);
  // The ledger first (durable), then the record: when the ledger cannot record, nothing is
  // stored and the propagated file is not handed out.
  await ctx.recorder.record({
    type: 'content.propagated',
    tenantId: tenant.id,
    produceId,
    contentDigest: outputSha256,
    facts: {
      actor: principal.actor,
      propagateId,
      contentPropagator: out.label.ContentPropagator,
      format: handler.id,
      mediaType: handler.mediaType,
      input: inputSha256,
      inputBytes: req.file.length,
      outputBytes: out.file.length,
      previousLabel: labelDigest(existing.label.label),
      signingKeyId: key.kid,
    },
  });
  const record = await store.contentRecords.create({
    produceId: propagateId,
    tenantId: tenant.id,
    service: tenant.providerCode.slice(-4),
    modality: handler.modality,
    format: handler.id,
    mediaType: handler.mediaType,
    inputSha256,
    outputSha256,
    inputBytes: req.file.length,
    outputBytes: out.file.length,
    label: { ...out.label },
    createdAt: clock.now(),
    createdBy: principal.actor,
    action: 'propagate',
    previousLabel: { ...existing.label.label },
    signingKeyId: key.kid,
  });
  return {
    file: out.file,
    record,
    format: handler.id,
    mediaType: handler.mediaType,
    extension: handler.extensions[0] ?? 'bin',
    previousLabel: existing.label.label,
  };
}
