/**
 * The Ogg page checksum (RFC 3533 §6, "CRC checksum"; libogg framing.c): a 32-bit CRC with
 * generator polynomial 0x04C11DB7, MSB-first (not reflected), initial value 0 and no final XOR,
 * computed over the whole page (header and body) with the 4 checksum bytes (offsets 22-25)
 * taken as zero.
 */

/** Offset of the little-endian CRC field in the page header (RFC 3533 §6). */
export const CRC_OFFSET = 22;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC (start with 0) over `bytes[start, end)`. */
export function oggCrc(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  let c = previous;
  for (let i = start; i < end; i++) c = ((c << 8) ^ TABLE[(c >>> 24) ^ bytes[i]!]!) >>> 0;
  return c;
}

const ZEROS = new Uint8Array(4);

/** The checksum of the page at `bytes[start, end)`, its own CRC field read as zero. */
export function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  const head = oggCrc(bytes, start, start + CRC_OFFSET);
  return oggCrc(bytes, start + CRC_OFFSET + 4, end, oggCrc(ZEROS, 0, 4, head));
}
