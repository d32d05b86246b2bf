/**
 * TIFF structure walker: TIFF Revision 6.0 (Adobe, 1992), Section 2 "TIFF Structure".
 *
 * Header: byte order `II` / `MM`, the number 42, the offset of IFD0. An IFD is a 2-byte entry
 * count, 12-byte entries (tag, field type, value count, value or value offset) and the 4-byte
 * offset of the next IFD (0 ends the chain). A value of at most 4 bytes sits in the entry itself.
 *
 * Walked and bounds-checked: every IFD of the main chain; the IFDs hanging off the pointer tags
 * SubIFDs (330, TIFF Technical Note 1, chained like the main IFDs), Exif IFD (34665), GPS IFD
 * (34853) and Interoperability IFD (40965) (CIPA DC-008 Exif 2.32 §4.6.3); every out-of-line
 * value; and the data blocks named by offset/byte-count pairs (strips, tiles, free space,
 * the Exif JPEG thumbnail). An offset into the 8-byte header, a zero-entry IFD, an unknown field
 * type, an IFD visited twice (a loop) and more than MAX_IFDS IFDs are `format.corrupt`;
 * anything that reaches past the end of the file is `format.truncated`.
 *
 * BigTIFF (version 43, 64-bit offsets) is a different container: `format.unsupported`.
 */
import { type FormatError, formatError } from '../errors.js';
import { readU16, readU32 } from './bytes.js';

export const TIFF_HEADER_SIZE = 8;
/** Cap on IFDs walked (main chain plus sub-IFDs); real files have a handful. */
export const MAX_IFDS = 1024;
/** Cap on the number of entries and array elements read, beyond one per file byte. */
const WORK_SLACK = 4096;

/** Field type sizes in bytes (TIFF 6.0 §2 "Types"; 13 = IFD, TIFF Technical Note 1). */
const TYPE_SIZES: readonly number[] = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
export const TYPE_SHORT = 3;
export const TYPE_LONG = 4;
export const TYPE_IFD = 13;

export type IfdKind = 'IFD' | 'SubIFD' | 'ExifIFD' | 'GPSIFD' | 'InteropIFD';

/** Tags whose LONG / IFD values are offsets of further IFDs. */
const POINTER_TAGS: ReadonlyMap<number, IfdKind> = new Map([
  [330, 'SubIFD'],
  [34665, 'ExifIFD'],
  [34853, 'GPSIFD'],
  [40965, 'InteropIFD'],
]);

/** Offset tag, byte-count tag and what the blocks are (TIFF 6.0 §8, §15; Exif 2.32 §4.6.6). */
const DATA_PAIRS: readonly (readonly [number, number, string])[] = [
  [273, 279, 'strip'],
  [324, 325, 'tile'],
  [288, 289, 'free block'],
  [513, 514, 'JPEG thumbnail'],
];

export interface TiffEntry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** Offset of the 12-byte entry. */
  readonly at: number;
  /** True when the value sits in the entry's last 4 bytes (it has at most 4 bytes). */
  readonly inline: boolean;
  /** The value bytes: inside the entry when inline, else where its offset points. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface TiffIfd {
  readonly kind: IfdKind;
  /** Offset of the entry count. */
  readonly offset: number;
  /** One past the next-IFD offset. */
  readonly end: number;
  readonly entries: readonly TiffEntry[];
}

/** A byte range the file references: the header, an IFD, an out-of-line value, a data block. */
export interface TiffRange {
  readonly kind: 'header' | 'ifd' | 'value' | 'data';
  readonly start: number;
  readonly end: number;
  /** Index into `TiffLayout.ifds` of the IFD that owns the range (-1 for the header). */
  readonly ifd: number;
  /** The tag whose value or data this is. */
  readonly tag?: number;
}

export interface TiffLayout {
  readonly littleEndian: boolean;
  /** Every IFD walked; `ifds[0]` is IFD0. */
  readonly ifds: readonly TiffIfd[];
  readonly ranges: readonly TiffRange[];
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `TIFF ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `TIFF is structurally invalid: ${what}.`, { offset, ...details });
}

/** `II*\0` or `MM\0*` (TIFF 6.0 §2 "Image File Header"). Classic TIFF only, not BigTIFF. */
export function hasTiffSignature(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const [a, b, c, d] = [head[0], head[1], head[2], head[3]];
  if (a === 0x49 && b === 0x49) return c === 42 && d === 0;
  if (a === 0x4d && b === 0x4d) return c === 0 && d === 42;
  return false;
}

/** Byte order from the header, or the error for a header that is not classic TIFF. */
function readHeader(file: Uint8Array): boolean {
  const n = file.length;
  if (n < 2) throw truncated('the header', 0);
  const le = file[0] === 0x49 && file[1] === 0x49;
  if (!le && !(file[0] === 0x4d && file[1] === 0x4d)) throw corrupt('byte order is neither II nor MM', 0);
  if (n < 4) throw truncated('the header', 0);
  const version = readU16(file, 2, le);
  if (version === 43) {
    throw formatError(
      'format.unsupported',
      'BigTIFF (version 43) is not supported; save the image as classic TIFF (under 4 GiB).',
      { offset: 2, version },
    );
  }
  if (version !== 42) throw corrupt('the version is not 42', 2, { version });
  if (n < TIFF_HEADER_SIZE) throw truncated('the header', 0);
  return le;
}

interface Pending {
  readonly offset: number;
  readonly kind: IfdKind;
  /** Where the offset was read (for error details). */
  readonly from: number;
}

/**
 * Walks every IFD reachable from the header and bounds-checks everything they reference.
 * Throws FormatError on truncated, invalid or unsupported input. Linear in the file size.
 */
export function walkTiff(file: Uint8Array): TiffLayout {
  const n = file.length;
  const le = readHeader(file);
  const ifds: TiffIfd[] = [];
  const ranges: TiffRange[] = [{ kind: 'header', start: 0, end: TIFF_HEADER_SIZE, ifd: -1 }];
  const seen = new Set<number>();
  const queue: Pending[] = [{ offset: readU32(file, 4, le), kind: 'IFD', from: 4 }];
  let work = n + WORK_SLACK;
  const spend = (units: number, at: number): void => {
    work -= units;
    if (work < 0) throw corrupt('its directories overlap or repeat beyond any real file', at);
  };

  /** The unsigned integers of a SHORT / LONG / IFD value (after its bounds were checked). */
  const uints = (e: TiffEntry): number[] => {
    spend(e.count, e.at);
    const size = TYPE_SIZES[e.type]!;
    const out: number[] = [];
    for (let k = 0; k < e.count; k++) {
      const at = e.valueStart + k * size;
      out.push(size === 2 ? readU16(file, at, le) : readU32(file, at, le));
    }
    return out;
  };

  for (let q = 0; q < queue.length; q++) {
    const { offset, kind, from } = queue[q]!;
    const index = ifds.length;
    if (offset < TIFF_HEADER_SIZE)
      throw corrupt(`${kind} offset points into the header`, from, { to: offset });
    if (seen.has(offset)) throw corrupt(`${kind} is referenced twice (a loop)`, from, { to: offset });
    if (index >= MAX_IFDS) throw corrupt(`more than ${MAX_IFDS} IFDs`, from, { limit: MAX_IFDS });
    seen.add(offset);
    if (offset + 2 > n) throw truncated(`${kind} (its entry count)`, offset);
    const count = readU16(file, offset, le);
    if (count === 0) throw corrupt(`${kind} has no entries`, offset);
    const end = offset + 2 + 12 * count + 4;
    if (end > n) throw truncated(`${kind} (${count} entries)`, offset);
    spend(count, offset);

    const entries: TiffEntry[] = [];
    for (let k = 0; k < count; k++) {
      const at = offset + 2 + 12 * k;
      const tag = readU16(file, at, le);
      const type = readU16(file, at + 2, le);
      const valueCount = readU32(file, at + 4, le);
      const size = TYPE_SIZES[type] ?? 0;
      // TIFF 6.0 §2 lets readers skip unknown types, but then nothing can be said about
      // the bytes they reference, so a write could not promise to keep them.
      if (size === 0) throw corrupt(`${kind} entry has unknown field type`, at, { tag, type });
      const bytes = size * valueCount;
      const inline = bytes <= 4;
      const valueStart = inline ? at + 8 : readU32(file, at + 8, le);
      const valueEnd = valueStart + bytes;
      if (!inline) {
        if (valueStart < TIFF_HEADER_SIZE)
          throw corrupt('a value offset points into the header', at, { tag });
        if (valueEnd > n) throw truncated(`the value of tag ${tag}`, at);
        ranges.push({ kind: 'value', start: valueStart, end: valueEnd, ifd: index, tag });
      }
      entries.push({ tag, type, count: valueCount, at, inline, valueStart, valueEnd });
    }
    ifds.push({ kind, offset, end, entries });
    ranges.push({ kind: 'ifd', start: offset, end, ifd: index });

    for (const [offsetTag, countTag, what] of DATA_PAIRS) {
      const offs = entries.find((e) => e.tag === offsetTag);
      const lens = entries.find((e) => e.tag === countTag);
      if (offs === undefined && lens === undefined) continue;
      if (offs === undefined || lens === undefined) {
        throw corrupt(`${what} offsets and byte counts do not come in a pair`, (offs ?? lens)!.at);
      }
      for (const e of [offs, lens]) {
        if (e.type !== TYPE_SHORT && e.type !== TYPE_LONG) {
          throw corrupt(`${what} offsets or byte counts are not SHORT or LONG`, e.at, { tag: e.tag });
        }
      }
      if (offs.count !== lens.count) {
        throw corrupt(`${what} offsets and byte counts differ in number`, offs.at, {
          offsets: offs.count,
          counts: lens.count,
        });
      }
      const starts = uints(offs);
      const lengths = uints(lens);
      for (let k = 0; k < starts.length; k++) {
        const start = starts[k]!;
        const length = lengths[k]!;
        if (length === 0) continue; // an absent block (sparse files)
        if (start < TIFF_HEADER_SIZE) throw corrupt(`a ${what} offset points into the header`, offs.at);
        if (start + length > n) throw truncated(`${what} ${k}`, start);
        ranges.push({ kind: 'data', start, end: start + length, ifd: index, tag: offsetTag });
      }
    }

    for (const e of entries) {
      const child = POINTER_TAGS.get(e.tag);
      if (child === undefined || (e.type !== TYPE_LONG && e.type !== TYPE_IFD)) continue;
      for (const to of uints(e)) if (to !== 0) queue.push({ offset: to, kind: child, from: e.at });
    }
    // The main chain and SubIFD chains continue through the next-IFD offset; the Exif, GPS and
    // Interoperability IFDs are single directories whose next offset is unused (Exif 2.32 §4.6.2).
    if (kind === 'IFD' || kind === 'SubIFD') {
      const next = readU32(file, end - 4, le);
      if (next !== 0) queue.push({ offset: next, kind, from: end - 4 });
    }
  }
  return { littleEndian: le, ifds, ranges };
}
