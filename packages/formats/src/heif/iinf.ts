/**
 * The Item Information box `iinf` and its `infe` entries, ISO/IEC 14496-12:2022 §8.11.6.
 * HEIF (ISO/IEC 23008-12 §9.2) requires `infe` version >= 2, whose item_type names the kind of
 * item ('av01', 'hvc1', 'Exif', 'mime'); versions 0 and 1 carry only a content_type and are
 * read for completeness. XMP is the `mime` item whose content_type is `application/rdf+xml`
 * (ISO/IEC 23008-12 Annex A.2, as ExifTool and libheif write it).
 */
import { formatError } from '../errors.js';
import { type BoxHeader, encodeBox, payloadStart, printable, readNestedChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { encodeUint, fourccBytes } from './bytes.js';
import { Cursor } from './cursor.js';
import { MAX_ITEMS } from './iloc.js';

export const XMP_CONTENT_TYPE = 'application/rdf+xml';

export interface ItemInfo {
  readonly itemId: number;
  /** item_type for version >= 2; '' for versions 0 and 1. */
  readonly itemType: string;
  /** content_type of `mime` items (and of version 0/1 entries), else ''. */
  readonly contentType: string;
  readonly contentEncoding: string;
  readonly box: BoxHeader;
}

export interface Iinf {
  readonly box: BoxHeader;
  /** entry_count, its file offset and width (2 bytes in version 0, else 4). */
  readonly count: number;
  readonly countAt: number;
  readonly countSize: 2 | 4;
  readonly items: readonly ItemInfo[];
}

function parseInfe(file: Uint8Array, box: BoxHeader): ItemInfo {
  if (box.type !== 'infe') {
    throw formatError('format.corrupt', `iinf holds a '${printable(box.type)}' box, not 'infe'.`, {
      offset: box.start,
    });
  }
  const c = new Cursor(file, payloadStart(box), box.end, 'infe');
  const version = c.fullBoxVersion();
  if (version > 3) {
    throw formatError('format.unsupported', `infe version ${String(version)} is not defined (0..3).`, {
      offset: box.start,
    });
  }
  const itemId = c.uint(version === 3 ? 4 : 2);
  c.skip(2); // item_protection_index
  let itemType = '';
  let contentType = '';
  let contentEncoding = '';
  if (version < 2) {
    c.cstring(); // item_name
    contentType = c.cstring();
    if (c.remaining > 0) contentEncoding = c.cstring();
  } else {
    itemType = c.fourcc();
    c.cstring(); // item_name
    if (itemType === 'mime') {
      contentType = c.cstring();
      if (c.remaining > 0) contentEncoding = c.cstring();
    }
  }
  return { itemId, itemType, contentType, contentEncoding, box };
}

export function parseIinf(file: Uint8Array, box: BoxHeader): Iinf {
  const c = new Cursor(file, payloadStart(box), box.end, 'iinf');
  const version = c.fullBoxVersion();
  const countSize = version === 0 ? 2 : 4;
  const countAt = c.at;
  const count = c.uint(countSize);
  if (count > MAX_ITEMS) {
    throw formatError('format.corrupt', `iinf lists more than ${String(MAX_ITEMS)} items.`, { count });
  }
  const children = readNestedChildren(bytesSource(file), c.at, box.end, MAX_ITEMS);
  if (children.length !== count) {
    throw formatError('format.corrupt', 'iinf entry_count does not match its infe boxes.', {
      count,
      boxes: children.length,
    });
  }
  const items = children.map((b) => parseInfe(file, b));
  const ids = new Set(items.map((i) => i.itemId));
  if (ids.size !== items.length) throw formatError('format.corrupt', 'iinf lists one item_ID twice.');
  return { box, count, countAt, countSize, items };
}

/** True for the XMP item: a `mime` item (or a version 0/1 entry) typed application/rdf+xml. */
export function isXmpItem(item: ItemInfo): boolean {
  return (
    (item.itemType === 'mime' || item.itemType === '') &&
    item.contentType.trim().toLowerCase() === XMP_CONTENT_TYPE
  );
}

/** A version 2 (16-bit id) or 3 (32-bit id) `infe` for an XMP item, as ExifTool writes it. */
export function encodeXmpInfe(itemId: number): Uint8Array {
  const version = itemId > 0xffff ? 3 : 2;
  const text = new TextEncoder().encode(`\0${XMP_CONTENT_TYPE}\0`); // empty item_name, content_type
  const payload = new Uint8Array(4 + (version === 3 ? 4 : 2) + 2 + 4 + text.length);
  payload[0] = version;
  let at = 4;
  payload.set(encodeUint(itemId, version === 3 ? 4 : 2), at);
  at += version === 3 ? 4 : 2;
  at += 2; // item_protection_index 0
  payload.set(fourccBytes('mime'), at);
  payload.set(text, at + 4);
  return encodeBox('infe', payload);
}
