/**
 * Byte-order aware integer access for TIFF (TIFF 6.0 §2, "Byte Order": `II` little-endian,
 * `MM` big-endian, for every multi-byte field in the file). Callers bounds-check first; these
 * helpers do no checking of their own.
 */

export function readU16(b: Uint8Array, at: number, le: boolean): number {
  return le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

export function readU32(b: Uint8Array, at: number, le: boolean): number {
  return le
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000
    : b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

export function writeU16(b: Uint8Array, at: number, value: number, le: boolean): void {
  const hi = (value >>> 8) & 0xff;
  const lo = value & 0xff;
  b[at] = le ? lo : hi;
  b[at + 1] = le ? hi : lo;
}

export function writeU32(b: Uint8Array, at: number, value: number, le: boolean): void {
  for (let k = 0; k < 4; k++) {
    const byte = (value >>> (8 * k)) & 0xff;
    b[le ? at + k : at + 3 - k] = byte;
  }
}
