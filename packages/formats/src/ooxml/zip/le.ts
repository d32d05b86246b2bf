/**
 * Little-endian integers for the ZIP records (PKWARE APPNOTE 6.3.10 §4.4: "all values are stored
 * in little-endian byte order"). Readers bounds-check and throw `format.truncated`; 64-bit values
 * above 2^53 are `format.corrupt` (no file we can hold in memory is that large).
 */
import { formatError } from '../../errors.js';

function need(b: Uint8Array, at: number, n: number, what: string): void {
  if (at < 0 || at + n > b.length) {
    throw formatError(
      'format.truncated',
      `ZIP ${what} runs past the end of the data; the file is cut short.`,
      {
        offset: at,
      },
    );
  }
}

export function u16(b: Uint8Array, at: number, what: string): number {
  need(b, at, 2, what);
  return b[at]! | (b[at + 1]! << 8);
}

export function u32(b: Uint8Array, at: number, what: string): number {
  need(b, at, 4, what);
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function u64(b: Uint8Array, at: number, what: string): number {
  const lo = u32(b, at, what);
  const hi = u32(b, at + 4, what);
  if (hi >= 0x200000) {
    throw formatError('format.corrupt', `ZIP ${what} holds a 64-bit value beyond 2^53.`, { offset: at });
  }
  return hi * 0x1_0000_0000 + lo;
}

export function putU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

export function putU64(b: Uint8Array, at: number, v: number): void {
  putU32(b, at, v % 0x1_0000_0000);
  putU32(b, at + 4, Math.floor(v / 0x1_0000_0000));
}
