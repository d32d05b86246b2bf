import type { ApiKey, ContentRecord, Tenant } from '@synthguard/contract';
import type * as store from '@synthguard/store';

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
  };
}
