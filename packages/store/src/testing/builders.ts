import { USCC_ALPHABET, newUlid, sha256Hex, usccCheckCharacter } from '@synthguard/core';
import { randomInt } from 'node:crypto';
import type { NewApiKey, NewContentRecord, NewTenant } from '../types.js';

/** A random, valid USCC (GB 32100-2015): unique enough to isolate tests sharing one database. */
export function buildUscc(): string {
  let body = '91';
  while (body.length < 17) body += USCC_ALPHABET[randomInt(USCC_ALPHABET.length)]!;
  return body + usccCheckCharacter(body)!;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${newUlid()}`;
}

export function buildTenant(overrides: Partial<NewTenant> = {}): NewTenant {
  return {
    name: '深圳某某科技有限公司',
    uscc: buildUscc(),
    providerCode: `0011${buildUscc()}`,
    filingNumbers: ['Guangdong-ShenZhen-202501010001'],
    ...overrides,
  };
}

export function buildApiKey(tenantId: string | null, overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    id: uniqueId('key'),
    tenantId,
    name: 'CI 上传密钥',
    role: 'operator',
    scopes: ['records:write', 'records:read'],
    secretHash: sha256Hex(uniqueId('secret')),
    createdBy: 'cli',
    ...overrides,
  };
}

export function buildContentRecord(
  tenantId: string,
  overrides: Partial<NewContentRecord> = {},
): NewContentRecord {
  const produceId = overrides.produceId ?? newUlid();
  return {
    produceId,
    tenantId,
    service: 'text-to-image',
    modality: 'image',
    format: 'png',
    mediaType: 'image/png',
    inputSha256: sha256Hex(`input ${produceId}`),
    outputSha256: sha256Hex(`output ${produceId}`),
    inputBytes: 1234,
    outputBytes: 5_000_000_000,
    label: {
      Label: '1',
      ContentProducer: '001191440300708461136T1XGW3',
      ProduceID: produceId,
      ReservedCode1: '',
      ContentPropagator: '',
      PropagateID: '',
      ReservedCode2: '',
    },
    createdBy: 'cli',
    ...overrides,
  };
}
