import type { ContentRecord, Store } from '@synthguard/store';
import { EngineError } from './errors.js';
import { type Principal, authorize } from './principal.js';

/** A content record by ProduceID, within the caller's tenant (installation keys see all). */
export async function getContentRecord(
  store: Store,
  principal: Principal,
  produceId: string,
): Promise<ContentRecord> {
  authorize(principal, 'content:read');
  const scope = principal.tenantId === null ? 'any' : { tenantId: principal.tenantId };
  const record = await store.contentRecords.get(produceId, scope);
  if (record === undefined)
    throw new EngineError('content.not_found', `No content record with ProduceID ${produceId}.`);
  return record;
}
