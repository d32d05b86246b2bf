/**
 * The two CRCs of a FLAC frame (RFC 9639 §9.1.8 and §9.3): both MSB-first (not reflected),
 * initial value 0, no final XOR.
 *
 *   CRC-8  polynomial x^8 + x^2 + x + 1 (0x07), over the frame header up to its CRC byte;
 *   CRC-16 polynomial x^16 + x^15 + x^2 + 1 (0x8005), over the whole frame up to its CRC.
 *
 * Without a final XOR, the CRC of a message followed by its own CRC (big-endian) is 0: the
 * frame scanner relies on that to find frame ends.
 */

function table(bits: 8 | 16, poly: number): Uint16Array {
  const top = 1 << (bits - 1);
  const mask = (1 << bits) - 1;
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << (bits - 8);
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask;
    t[i] = c;
  }
  return t;
}

const CRC8_TABLE = table(8, 0x07);
export const CRC16_TABLE: Uint16Array = table(16, 0x8005);

/** CRC-8 of `bytes[start, end)`. */
export function crc8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0;
  for (let i = start; i < end; i++) c = CRC8_TABLE[c ^ bytes[i]!]!;
  return c;
}

/** Continues a CRC-16 (start with 0) over `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  let c = previous;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xff00) ^ CRC16_TABLE[(c >>> 8) ^ bytes[i]!]!;
  return c;
}
