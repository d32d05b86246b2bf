/**
 * Reseal functions the fixture modules do not export: recompute checksums after a mutation so
 * the fuzzer also reaches the parsing behind them. Each never throws and leaves bytes it cannot
 * place unchanged.
 */
import { CRC_OFFSET, pageCrc } from '../../packages/formats/src/ogg/crc.js';

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"

function captureAt(file: Uint8Array, at: number): boolean {
  return CAPTURE.every((b, k) => file[at + k] === b);
}

/**
 * Ogg: the CRC of every complete page (RFC 3533 §6: 27-byte header, segment table, lacing
 * values summing to the body length), found from each capture pattern "OggS".
 */
export function resealOgg(file: Uint8Array): Uint8Array {
  const out = file.slice();
  let at = 0;
  while (at + 27 <= out.length) {
    if (!captureAt(out, at)) {
      at++;
      continue;
    }
    const segments = out[at + 26]!;
    let end = at + 27 + segments;
    if (end > out.length) break;
    for (let k = 0; k < segments; k++) end += out[at + 27 + k]!;
    if (end > out.length) {
      at++;
      continue;
    }
    const crc = pageCrc(out, at, end);
    for (let k = 0; k < 4; k++) out[at + CRC_OFFSET + k] = (crc >>> (8 * k)) & 0xff;
    at = end;
  }
  return out;
}
