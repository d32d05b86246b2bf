import { schemas } from '@synthguard/contract';
import { type Clock, newUlid, sha256Hex, systemClock } from '@synthguard/core';
import { type FormatHandler, detectFormat, handlerByMediaType } from '@synthguard/formats';
import { type AigcLabel, canCarryLabel, readImplicitLabel, writeImplicitLabel } from '@synthguard/labels';
import type { ContentRecord, Store } from '@synthguard/store';
import { EngineError } from './errors.js';
import { type Principal, authorize, resolveTenantId } from './principal.js';
import { requireTenant } from './tenants.js';

export interface LabelRequest {
  readonly file: Uint8Array;
  /** Tenant to act on; required for installation-wide principals. */
  readonly tenantId?: string | undefined;
  /** 4-character service code; default: the one inside the tenant's provider code. */
  readonly service?: string | undefined;
  /** Media type the caller declared (Content-Type); checked against the bytes when specific. */
  readonly declaredMediaType?: string | undefined;
}

export interface LabelOutcome {
  readonly file: Uint8Array;
  readonly record: ContentRecord;
  readonly handler: FormatHandler;
  /** The label the file carried before, when this was a relabel. */
  readonly previousLabel: AigcLabel | undefined;
}

/**
 * The first path of the pipeline: label a generated file with its GB 45438 implicit label
 * and record it. Nothing is recorded unless the labeled file was produced and re-read.
 */
export async function labelContent(
  store: Store,
  principal: Principal,
  req: LabelRequest,
  clock: Clock = systemClock,
): Promise<LabelOutcome> {
  authorize(principal, 'labels:write');
  const tenant = await requireTenant(store, resolveTenantId(principal, req.tenantId));

  const handler = detectFormat(req.file);
  checkDeclaredType(handler, req.declaredMediaType);
  if (!canCarryLabel(handler)) {
    throw new EngineError(
      'content.format_not_labelable',
      `Implicit labels for ${handler.id} are not supported yet.`,
    );
  }
  // Reading walks and validates the whole file (the carrier contract in @synthguard/formats).
  const previous = readImplicitLabel(handler, req.file);

  const service = req.service ?? tenant.providerCode.slice(-4);
  if (!schemas.ServiceCode.safeParse(service).success) {
    throw new EngineError('request.invalid', 'The service code must be 4 characters of 0-9 and A-Z.', {
      details: { field: 'service' },
    });
  }
  const producer = tenant.providerCode.slice(0, -4) + service;
  const label: AigcLabel = {
    Label: '1',
    ContentProducer: producer,
    ProduceID: newUlid(clock.now()),
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  };
  // writeImplicitLabel re-reads its output through the handler (a full walk of the new file)
  // and fails unless exactly this label comes back, so nothing below records a bad file.
  const labeled = writeImplicitLabel(handler, req.file, label);

  const record = await store.contentRecords.create({
    produceId: label.ProduceID,
    tenantId: tenant.id,
    service,
    modality: handler.modality,
    format: handler.id,
    mediaType: handler.mediaType,
    inputSha256: sha256Hex(req.file),
    outputSha256: sha256Hex(labeled),
    inputBytes: req.file.length,
    outputBytes: labeled.length,
    label: { ...label },
    createdAt: clock.now(),
    createdBy: principal.actor,
  });
  return { file: labeled, record, handler, previousLabel: previous?.label };
}

function checkDeclaredType(handler: FormatHandler, declared: string | undefined): void {
  if (declared === undefined) return;
  const known = handlerByMediaType(declared);
  if (known !== undefined && known.id !== handler.id) {
    throw new EngineError(
      'content.media_type_mismatch',
      `The body is ${handler.mediaType} but was declared as ${declared}. Send the right Content-Type or application/octet-stream.`,
      { details: { declared, detected: handler.mediaType } },
    );
  }
}
