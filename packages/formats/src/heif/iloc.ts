/**
 * The Item Location box `iloc`, ISO/IEC 14496-12:2022 §8.11.3: where each item's data lies.
 * Versions 0, 1 and 2; field widths offset_size / length_size / base_offset_size / index_size
 * of 0, 4 or 8 bytes. An extent's bytes are at base_offset + extent_offset in the file
 * (construction_method 0), in the `idat` payload (1), or in another item (2, ISO/IEC 23008-12
 * §9.3.1). The parser records where every field sits, so a write can patch offsets in place.
 */
import { formatError } from '../errors.js';
import type { BoxHeader } from '../isobmff/boxes.js';
import { payloadStart } from '../isobmff/boxes.js';
import { type UintSize, encodeUint, fitsUint } from './bytes.js';
import { Cursor } from './cursor.js';

/** Caps on hostile counts (each entry or extent becomes an object). */
export const MAX_ITEMS = 100_000;
export const MAX_EXTENTS = 200_000;

export interface IlocExtent {
  /** extent_offset (0 when offset_size is 0). */
  readonly offset: number;
  /** extent_length; 0 means "the whole referenced data" (§8.11.3.3). */
  readonly length: number;
  /** File offset of the extent_offset field (meaningful when offset_size > 0). */
  readonly offsetAt: number;
}

export interface IlocEntry {
  readonly itemId: number;
  /** File range of the whole entry. */
  readonly start: number;
  readonly end: number;
  /** 0 file offset, 1 `idat` offset, 2 item offset. */
  readonly constructionMethod: number;
  readonly dataReferenceIndex: number;
  readonly baseOffset: number;
  /** File offset of the base_offset field (meaningful when base_offset_size > 0). */
  readonly baseOffsetAt: number;
  readonly extents: readonly IlocExtent[];
}

export interface Iloc {
  readonly box: BoxHeader;
  readonly version: number;
  readonly offsetSize: UintSize;
  readonly lengthSize: UintSize;
  readonly baseOffsetSize: UintSize;
  readonly indexSize: UintSize;
  /** item_count, its file offset and width (2 bytes below version 2, else 4). */
  readonly count: number;
  readonly countAt: number;
  readonly countSize: 2 | 4;
  readonly entries: readonly IlocEntry[];
}

function fieldSize(nibble: number, what: string, at: number): UintSize {
  if (nibble === 0 || nibble === 4 || nibble === 8) return nibble;
  throw formatError('format.corrupt', `iloc ${what} is ${String(nibble)}; only 0, 4 and 8 are allowed.`, {
    offset: at,
  });
}

export function parseIloc(file: Uint8Array, box: BoxHeader): Iloc {
  const c = new Cursor(file, payloadStart(box), box.end, 'iloc');
  const version = c.fullBoxVersion();
  if (version > 2) {
    throw formatError('format.unsupported', `iloc version ${String(version)} is not defined (0..2).`, {
      offset: box.start,
    });
  }
  const fieldsAt = c.at;
  const sizes = c.uint(2);
  const offsetSize = fieldSize(sizes >> 12, 'offset_size', fieldsAt);
  const lengthSize = fieldSize((sizes >> 8) & 15, 'length_size', fieldsAt);
  const baseOffsetSize = fieldSize((sizes >> 4) & 15, 'base_offset_size', fieldsAt);
  const indexSize = version === 0 ? 0 : fieldSize(sizes & 15, 'index_size', fieldsAt);
  const countSize = version < 2 ? 2 : 4;
  const countAt = c.at;
  const count = c.uint(countSize);
  if (count > MAX_ITEMS) {
    throw formatError('format.corrupt', `iloc lists more than ${String(MAX_ITEMS)} items.`, { count });
  }
  const entries: IlocEntry[] = [];
  const seen = new Set<number>();
  let totalExtents = 0;
  for (let i = 0; i < count; i++) {
    const start = c.at;
    const itemId = c.uint(countSize);
    if (seen.has(itemId)) {
      throw formatError('format.corrupt', 'iloc lists one item twice.', { item: itemId, offset: start });
    }
    seen.add(itemId);
    let constructionMethod = 0;
    if (version > 0) constructionMethod = c.uint(2) & 15;
    if (constructionMethod > 2) {
      throw formatError('format.corrupt', 'iloc construction_method is not 0, 1 or 2.', { offset: start });
    }
    const dataReferenceIndex = c.uint(2);
    const baseOffsetAt = c.at;
    const baseOffset = c.uint(baseOffsetSize);
    const extentCount = c.uint(2);
    totalExtents += extentCount;
    if (totalExtents > MAX_EXTENTS) {
      throw formatError('format.corrupt', `iloc lists more than ${String(MAX_EXTENTS)} extents.`, {
        offset: start,
      });
    }
    const extents: IlocExtent[] = [];
    for (let j = 0; j < extentCount; j++) {
      c.skip(indexSize);
      const offsetAt = c.at;
      const offset = c.uint(offsetSize);
      const length = c.uint(lengthSize);
      extents.push({ offset, length, offsetAt });
    }
    entries.push({
      itemId,
      start,
      end: c.at,
      constructionMethod,
      dataReferenceIndex,
      baseOffset,
      baseOffsetAt,
      extents,
    });
  }
  if (c.remaining !== 0) {
    throw formatError('format.corrupt', 'iloc has bytes after its last entry.', { offset: c.at });
  }
  return {
    box,
    version,
    offsetSize,
    lengthSize,
    baseOffsetSize,
    indexSize,
    count,
    countAt,
    countSize,
    entries,
  };
}

function tooLarge(what: string, value: number): Error {
  return formatError(
    'format.metadata_too_large',
    `The ${what} (${String(value)}) does not fit the file's iloc field widths; the file cannot be labeled.`,
    { value },
  );
}

/** An entry for `itemId` with one extent at `offset` (or none for empty data), in `iloc`'s layout. */
export function encodeIlocEntry(
  iloc: Iloc,
  itemId: number,
  constructionMethod: 0 | 1,
  offset: number,
  length: number,
): Uint8Array {
  if (!fitsUint(itemId, iloc.countSize)) throw tooLarge('new item_ID', itemId);
  if (constructionMethod !== 0 && iloc.version === 0) {
    throw new RangeError('iloc version 0 has no construction_method');
  }
  // An empty packet has no extent: extent_length 0 would mean "all of the data" (§8.11.3.3).
  const extents = length === 0 ? 0 : 1;
  // Without offset fields the whole offset goes into base_offset.
  const inBase = iloc.offsetSize === 0;
  if (extents > 0) {
    if (inBase ? !fitsUint(offset, iloc.baseOffsetSize) : !fitsUint(offset, iloc.offsetSize)) {
      throw tooLarge('XMP data offset', offset);
    }
    if (iloc.lengthSize === 0 || !fitsUint(length, iloc.lengthSize)) throw tooLarge('XMP length', length);
  }
  const parts: Uint8Array[] = [encodeUint(itemId, iloc.countSize)];
  if (iloc.version > 0) parts.push(encodeUint(constructionMethod, 2));
  parts.push(encodeUint(0, 2)); // data_reference_index: this file
  parts.push(encodeUint(extents > 0 && inBase ? offset : 0, iloc.baseOffsetSize));
  parts.push(encodeUint(extents, 2));
  if (extents > 0) {
    parts.push(encodeUint(0, iloc.indexSize));
    parts.push(encodeUint(inBase ? 0 : offset, iloc.offsetSize));
    parts.push(encodeUint(length, iloc.lengthSize));
  }
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
