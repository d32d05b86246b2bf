/**
 * The `c2pa.hash.data` hard binding (C2PA 2.x §18.5 "Data hash"): a hash over every byte of
 * the asset except the listed exclusion ranges (at least the bytes that carry the manifest
 * store). Exclusions must be in order, must not overlap and must lie inside the file; anything
 * else is reported as a mismatch by the validator, never silently clipped.
 */
import { createHash } from 'node:crypto';
import type { ByteRange } from '../embed/embedding.js';

export type HashAlg = 'sha256' | 'sha384' | 'sha512';

export function hashAlg(name: unknown): HashAlg | undefined {
  return name === 'sha256' || name === 'sha384' || name === 'sha512' ? name : undefined;
}

export function digest(alg: HashAlg, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(alg).update(data).digest());
}

/** True when the ranges are sorted, disjoint and inside `size`. */
export function exclusionsValid(size: number, exclusions: readonly ByteRange[]): boolean {
  let at = 0;
  for (const e of exclusions) {
    if (!Number.isSafeInteger(e.start) || !Number.isSafeInteger(e.length)) return false;
    if (e.start < at || e.length < 0 || e.start + e.length > size) return false;
    at = e.start + e.length;
  }
  return true;
}

/** Hash of `file` minus `exclusions` (which must satisfy `exclusionsValid`). */
export function dataHash(alg: HashAlg, file: Uint8Array, exclusions: readonly ByteRange[]): Uint8Array {
  const h = createHash(alg);
  let at = 0;
  for (const e of exclusions) {
    h.update(file.subarray(at, e.start));
    at = e.start + e.length;
  }
  h.update(file.subarray(at));
  return new Uint8Array(h.digest());
}
