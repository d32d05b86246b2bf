/**
 * Does an MP4/MOV file on disk hold a C2PA manifest store? Read through a ByteSource: top-level
 * box headers only (ISO/IEC 14496-12 §4.2; size 1 = 64-bit largesize, 0 = to the end of the
 * file), and the 16-byte extended type of each `uuid` box, compared with the C2PA one (C2PA 2.x
 * §11.3.3, D8FEC3D6-1B0E-483C-9297-5828877EC481, as @synthguard/c2pa's BMFF embedding writes it).
 *
 * Why: a label's content digest is taken without the C2PA store (provenance.ts,
 * `integrityOptionsFor`), a bytes-only step; `labelFile` streams only files without one. A
 * malformed top level answers false: the MP4 carrier walks the file next and reports it properly.
 */
import type { ByteSource } from '@synthguard/formats';

const C2PA_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');

/** Top-level boxes looked at before giving up (a hostile file of empty boxes). */
const MAX_TOP_LEVEL_BOXES = 1_000_000;

export function hasBmffC2paStore(src: ByteSource): boolean {
  let at = 0;
  for (let n = 0; n < MAX_TOP_LEVEL_BOXES && at + 8 <= src.size; n++) {
    const head = Buffer.from(src.read(at, 8));
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > src.size) return false;
      const large = Buffer.from(src.read(at + 8, 8)).readBigUInt64BE(0);
      if (large > BigInt(src.size - at)) return false;
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = src.size - at;
    }
    if (size < header || at + size > src.size) return false;
    if (type === 'uuid' && size >= header + 16 && C2PA_UUID.equals(src.read(at + header, 16))) return true;
    at += size;
  }
  return false;
}
