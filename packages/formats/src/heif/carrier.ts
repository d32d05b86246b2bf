/**
 * Finds the one standard XMP packet of a HEIF file. It is either an item (ISO/IEC 23008-12
 * Annex A.2: `infe` item_type `mime`, content_type `application/rdf+xml`, data located by
 * `iloc`), or, as ExifTool writes into sequences, a box (`uuid` XMP at the top level, or
 * `moov/udta/XMP_`). More than one of these is `format.duplicate_metadata`: a second packet is
 * where a forged label hides.
 */
import { formatError } from '../errors.js';
import type { ItemInfo } from './iinf.js';
import { isXmpItem } from './iinf.js';
import type { IlocEntry } from './iloc.js';
import { type HeifLayout, type XmpBox, xmpBoxPayload } from './layout.js';
import { type ExtentRange, extentRanges } from './meta.js';

/** An XMP item split into more extents than this is refused (each becomes an edit). */
export const MAX_XMP_EXTENTS = 256;

export type XmpLocation =
  | {
      readonly kind: 'item';
      readonly info: ItemInfo;
      readonly entry: IlocEntry;
      /** Absolute file ranges of the data, in extent order. */
      readonly ranges: readonly ExtentRange[];
    }
  | { readonly kind: 'box'; readonly xmp: XmpBox };

function itemLocation(file: Uint8Array, layout: HeifLayout, info: ItemInfo): XmpLocation {
  const meta = layout.meta!;
  const entry = meta.iloc?.entries.find((e) => e.itemId === info.itemId);
  if (entry === undefined) {
    throw formatError('format.corrupt', 'The XMP item has no iloc entry.', { item: info.itemId });
  }
  if (info.contentEncoding !== '') {
    throw formatError(
      'format.unsupported',
      'The XMP item is content-encoded; only plain XMP items are read.',
      {
        item: info.itemId,
      },
    );
  }
  if (entry.extents.length > MAX_XMP_EXTENTS) {
    throw formatError(
      'format.unsupported',
      `The XMP item is split into more than ${String(MAX_XMP_EXTENTS)} extents.`,
      {
        item: info.itemId,
      },
    );
  }
  const ranges = extentRanges(entry, file.length, meta.idat);
  if (ranges === undefined) {
    throw formatError(
      'format.unsupported',
      'The XMP item data lies in another item or another file (iloc construction_method 2 or data_reference_index).',
      { item: info.itemId },
    );
  }
  let size = 0;
  for (const r of ranges) size += r.end - r.start;
  if (size > file.length) {
    throw formatError('format.corrupt', 'The XMP item extents overlap (more data than the file holds).', {
      item: info.itemId,
    });
  }
  return { kind: 'item', info, entry, ranges };
}

export function findXmp(file: Uint8Array, layout: HeifLayout): XmpLocation | undefined {
  const items = (layout.meta?.iinf?.items ?? []).filter(isXmpItem);
  const total = items.length + layout.xmpBoxes.length;
  if (total > 1) {
    throw formatError(
      'format.duplicate_metadata',
      'The HEIF file holds more than one XMP packet (items, uuid or udta boxes); remove the extra ones before labeling.',
      { items: items.length, boxes: layout.xmpBoxes.length },
    );
  }
  if (items[0] !== undefined) return itemLocation(file, layout, items[0]);
  if (layout.xmpBoxes[0] !== undefined) return { kind: 'box', xmp: layout.xmpBoxes[0] };
  return undefined;
}

/** The packet bytes (a copy). */
export function xmpBytes(file: Uint8Array, loc: XmpLocation): Uint8Array {
  if (loc.kind === 'box') {
    const { start, end } = xmpBoxPayload(loc.xmp);
    return file.slice(start, end);
  }
  let size = 0;
  for (const r of loc.ranges) size += r.end - r.start;
  const out = new Uint8Array(size);
  let at = 0;
  for (const r of loc.ranges) {
    out.set(file.subarray(r.start, r.end), at);
    at += r.end - r.start;
  }
  return out;
}
