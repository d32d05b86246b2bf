/**
 * HEIF brands (ISO/IEC 23008-12:2022 §10 and Annex B; AVIF v1.1 §7 for `avif`/`avis`):
 * the major brand in `ftyp` that makes a file ours. Every other ftyp belongs to the MP4
 * handler. Still-image brands require a file-level `meta` box; sequence brands carry a track.
 */
import { fourcc, readUint } from './bytes.js';

export const IMAGE_BRANDS: ReadonlySet<string> = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'mif1',
  'mif2',
  'avif',
]);
export const SEQUENCE_BRANDS: ReadonlySet<string> = new Set(['hevc', 'hevx', 'msf1', 'avis']);

/** The major brand when `head` starts with an `ftyp` box (32-bit size >= 16), else undefined. */
export function majorBrand(head: Uint8Array): string | undefined {
  if (head.length < 12) return undefined;
  const size = readUint(head, 0, 4);
  if (size < 16 || fourcc(head, 4) !== 'ftyp') return undefined;
  return fourcc(head, 8);
}

/** Sniff: an `ftyp` box first whose major brand is a HEIF image or sequence brand. */
export function isHeif(head: Uint8Array): boolean {
  const brand = majorBrand(head);
  return brand !== undefined && (IMAGE_BRANDS.has(brand) || SEQUENCE_BRANDS.has(brand));
}
