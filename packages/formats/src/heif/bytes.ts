/**
 * Big-endian unsigned integers of 0, 1, 2, 4 or 8 bytes, as ISO/IEC 14496-12 stores every
 * field (§4.2 "Object Structure"). The 0-byte width is how `iloc` (§8.11.3) leaves a field out
 * (its value is then 0). 64-bit values above 2^53 are refused by the callers through
 * `MAX_SAFE`. These helpers do no bounds checking: callers check before reading.
 */

export type UintSize = 0 | 1 | 2 | 4 | 8;

/** The value of a `size`-byte field at `at`; 8-byte values above 2^53 come back as Infinity. */
export function readUint(b: Uint8Array, at: number, size: UintSize): number {
  let v = 0;
  for (let k = 0; k < size; k++) v = v * 256 + b[at + k]!;
  return v <= Number.MAX_SAFE_INTEGER ? v : Infinity;
}

/** True when `value` is a non-negative integer that a `size`-byte field can hold. */
export function fitsUint(value: number, size: UintSize): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value < 2 ** (8 * size);
}

/** The `size`-byte encoding of `value` (callers check `fitsUint` first). */
export function encodeUint(value: number, size: UintSize): Uint8Array {
  const out = new Uint8Array(size);
  let v = value;
  for (let k = size - 1; k >= 0; k--) {
    out[k] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

export function fourccBytes(type: string): Uint8Array {
  return Uint8Array.from(type, (c) => c.charCodeAt(0) & 0xff);
}
