/**
 * CRC-32 as used by PNG (PNG spec 3rd ed. §5.5, Annex D): polynomial 0xEDB88320 (reflected),
 * initial value and final XOR 0xFFFFFFFF. Table-driven, one byte at a time.
 */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a running CRC (pass the previous result; start with 0) over `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  const stop = Math.min(end, bytes.length);
  for (let i = Math.max(0, start); i < stop; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
