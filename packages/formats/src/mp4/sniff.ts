/**
 * MP4 / QuickTime magic: an ISO BMFF `ftyp` box first (ISO/IEC 14496-12 §4.3) whose major brand
 * is not a HEIF/AVIF image brand (those belong to the HEIF handler, ISO/IEC 23008-12 Annex B and
 * the AV1 Image File Format), or, for QuickTime movies written before `ftyp` existed (QTFF,
 * "File type compatibility atom" is optional), a first atom `moov`, `mdat`, `wide`, `free` or
 * `skip` with a plausible size.
 */
import { fourccAt, u32 } from '../isobmff/boxes.js';

/** Major brands the HEIF handler claims (it is registered before MP4). */
export const HEIF_MAJOR_BRANDS: ReadonlySet<string> = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'mif2',
  'avif',
  'avis',
]);

/** First atom types of QuickTime movies without `ftyp` (QTFF, "Atoms"). */
export const QUICKTIME_FIRST_TYPES: ReadonlySet<string> = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);

/** An `ftyp` larger than this is not a file type box but noise. */
const MAX_FTYP_SIZE = 4096;

/** Never throws and never reads past `head`. */
export function hasMp4Signature(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const size = u32(head, 0);
  const type = fourccAt(head, 4);
  if (type === 'ftyp') {
    // size, type, major_brand, minor_version: 16 bytes at least.
    return size >= 16 && size <= MAX_FTYP_SIZE && !HEIF_MAJOR_BRANDS.has(fourccAt(head, 8));
  }
  if (!QUICKTIME_FIRST_TYPES.has(type)) return false;
  // 1 = 64-bit largesize follows; otherwise the header (8 bytes) must fit.
  return size === 1 || size >= 8;
}
