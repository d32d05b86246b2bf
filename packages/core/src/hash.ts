import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `data` as lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Keyed hash (HMAC-SHA-256) as lowercase hex, for identifiers stored next to a masked copy. */
export function hmacSha256Hex(key: Uint8Array, data: Uint8Array | string): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Constant-time comparison of two hex or ASCII strings. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}
