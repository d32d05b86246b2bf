/**
 * Metadata boxes in the movie header: `meta` (ISO/IEC 14496-12 §8.11.1, a full box; in QuickTime
 * files a plain atom, QTFF "Metadata atom"), its `hdlr` (§8.4.3), and for handler `mdta` the
 * QuickTime metadata `keys` atom and the `ilst` whose items are named by 1-based key index, each
 * holding `data` atoms (QTFF "Metadata item list atom", "Value atom": type indicator then locale
 * then the value; well-known type 1 = UTF-8 without NUL). iTunes-style metas (handler `mdir`) are
 * only searched for a freeform `----` item named AIGC, which ffmpeg also reports as tag AIGC.
 *
 * A `meta` is taken as a plain atom when its payload starts with an `hdlr` atom header, and as a
 * full box (4 bytes version/flags first) otherwise: the way ffmpeg's mov_read_meta and exiftool
 * tell the two forms apart. Both store nothing but box offsets; values are read on demand.
 */
import { formatError } from '../errors.js';
import { type BoxHeader, fourccAt, readNestedChildren, u32 } from '../isobmff/boxes.js';
import type { BoxWindow } from '../isobmff/window.js';

/** The TC260 key: namespace 'mdta', name 'AIGC' (compared case-insensitively, as ffmpeg's tag dictionary does). */
export const AIGC_KEY = 'AIGC';
export const MDTA = 'mdta';
/** QTFF well-known data type 1: UTF-8 text without a terminator. */
export const DATA_TYPE_UTF8 = 1;

/** Strict UTF-8 that keeps a leading U+FEFF: the value is returned exactly as written. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Caps per container: no real metadata box has this many children or keys. */
const MAX_META_CHILDREN = 10_000;

export interface KeyEntry {
  readonly start: number;
  readonly end: number;
  readonly namespace: string;
  readonly isAigc: boolean;
}

export interface KeysBox {
  readonly box: BoxHeader;
  /** File offset of entry_count. */
  readonly countAt: number;
  readonly entries: readonly KeyEntry[];
}

export interface IlstItem {
  readonly box: BoxHeader;
  /** 1-based key index (the item's box type read as a big-endian integer). */
  readonly index: number;
  readonly data: readonly BoxHeader[];
}

export interface MdtaIlst {
  readonly box: BoxHeader;
  readonly items: readonly IlstItem[];
}

export interface MetaBox {
  readonly box: BoxHeader;
  /** True for the ISO full-box form (version/flags before the children). */
  readonly full: boolean;
  readonly children: readonly BoxHeader[];
  /** hdlr handler_type ('mdta', 'mdir', ...), undefined without an hdlr. */
  readonly handler: string | undefined;
  /** For handler 'mdta' only (both required there). */
  readonly keys?: KeysBox;
  readonly ilst?: MdtaIlst;
  /** An iTunes freeform item (`----` with name AIGC) in an 'mdir' meta. */
  readonly freeformAigc: boolean;
}

function isAigcName(bytes: Uint8Array): boolean {
  if (bytes.length !== AIGC_KEY.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (String.fromCharCode(c >= 0x61 && c <= 0x7a ? c - 0x20 : c) !== AIGC_KEY[i]) return false;
  }
  return true;
}

function only(children: readonly BoxHeader[], type: string, where: BoxHeader): BoxHeader | undefined {
  const found = children.filter((c) => c.type === type);
  if (found.length > 1) {
    throw formatError('format.corrupt', `A meta box holds more than one '${type}'.`, { offset: where.start });
  }
  return found[0];
}

function parseHandler(win: BoxWindow, hdlr: BoxHeader): string {
  // version/flags (4), pre_defined (4), handler_type (4), ... (§8.4.3.2)
  const p = hdlr.start + hdlr.headerSize;
  if (hdlr.end - p < 12)
    throw formatError('format.corrupt', 'An hdlr box is too short.', { offset: hdlr.start });
  return fourccAt(win.read(p + 8, 4), 0);
}

function parseKeys(win: BoxWindow, box: BoxHeader): KeysBox {
  // version/flags (4), entry_count (4), then entries: key_size (4, counts itself), namespace (4), name.
  const p = box.start + box.headerSize;
  if (box.end - p < 8) throw formatError('format.corrupt', 'A keys box is too short.', { offset: box.start });
  const count = u32(win.read(p + 4, 4), 0);
  if (count > (box.end - p - 8) / 8) {
    throw formatError('format.corrupt', 'A keys box announces more keys than it holds.', {
      offset: box.start,
    });
  }
  const entries: KeyEntry[] = [];
  let at = p + 8;
  for (let i = 0; i < count; i++) {
    if (box.end - at < 8)
      throw formatError('format.corrupt', 'A key runs past its keys box.', { offset: at });
    const h = win.read(at, 8);
    const size = u32(h, 0);
    if (size < 8 || size > box.end - at) {
      throw formatError('format.corrupt', 'A key has an invalid size.', { offset: at });
    }
    const namespace = fourccAt(h, 4);
    entries.push({
      start: at,
      end: at + size,
      namespace,
      isAigc: namespace === MDTA && isAigcName(win.read(at + 8, size - 8)),
    });
    at += size;
  }
  if (at !== box.end)
    throw formatError('format.corrupt', 'A keys box has bytes after its last key.', { offset: at });
  return { box, countAt: p + 4, entries };
}

function itemIndex(item: BoxHeader): number {
  let n = 0;
  for (let i = 0; i < 4; i++) n = n * 256 + item.type.charCodeAt(i);
  return n;
}

function parseIlst(win: BoxWindow, box: BoxHeader, keyCount: number): IlstItem[] {
  return readNestedChildren(win, box.start + box.headerSize, box.end, MAX_META_CHILDREN).map((item) => {
    const index = itemIndex(item);
    if (index < 1 || index > keyCount) {
      throw formatError('format.corrupt', 'An mdta ilst item names a key that does not exist.', {
        offset: item.start,
        index,
      });
    }
    const children = readNestedChildren(win, item.start + item.headerSize, item.end, MAX_META_CHILDREN);
    return { box: item, index, data: children.filter((c) => c.type === 'data') };
  });
}

/** True when an iTunes ilst holds a freeform `----` item whose `name` is AIGC. */
function hasFreeformAigc(win: BoxWindow, ilst: BoxHeader): boolean {
  for (const item of readNestedChildren(win, ilst.start + ilst.headerSize, ilst.end, MAX_META_CHILDREN)) {
    if (item.type !== '----') continue;
    for (const c of readNestedChildren(win, item.start + item.headerSize, item.end, MAX_META_CHILDREN)) {
      // 'name': version/flags (4) then the name (iTunes freeform atom).
      const p = c.start + c.headerSize + 4;
      if (c.type === 'name' && p <= c.end && isAigcName(win.read(p, c.end - p))) return true;
    }
  }
  return false;
}

export function parseMeta(win: BoxWindow, box: BoxHeader): MetaBox {
  const p = box.start + box.headerSize;
  const plain = box.end - p >= 8 && fourccAt(win.read(p, 8), 4) === 'hdlr';
  if (!plain && box.end - p < 4) {
    throw formatError('format.corrupt', 'A meta box is shorter than its version and flags.', {
      offset: box.start,
    });
  }
  const children = readNestedChildren(win, plain ? p : p + 4, box.end, MAX_META_CHILDREN);
  const hdlr = only(children, 'hdlr', box);
  const handler = hdlr === undefined ? undefined : parseHandler(win, hdlr);
  const ilstBox = only(children, 'ilst', box);
  const base = { box, full: !plain, children, handler, freeformAigc: false };
  if (handler !== MDTA) {
    return {
      ...base,
      freeformAigc: handler === 'mdir' && ilstBox !== undefined && hasFreeformAigc(win, ilstBox),
    };
  }
  const keysBox = only(children, 'keys', box);
  if (keysBox === undefined || ilstBox === undefined) {
    throw formatError('format.corrupt', "An 'mdta' meta box lacks its keys or ilst.", { offset: box.start });
  }
  const keys = parseKeys(win, keysBox);
  return { ...base, keys, ilst: { box: ilstBox, items: parseIlst(win, ilstBox, keys.entries.length) } };
}

/** The UTF-8 text of a `data` atom (type indicator 1, any locale). */
export function readDataText(win: BoxWindow, data: BoxHeader): string {
  const p = data.start + data.headerSize;
  if (data.end - p < 8)
    throw formatError('format.corrupt', 'A data atom is too short.', { offset: data.start });
  const type = u32(win.read(p, 4), 0);
  if (type !== DATA_TYPE_UTF8) {
    throw formatError('format.corrupt', 'The AIGC item is not UTF-8 text (data type 1).', {
      offset: data.start,
      type,
    });
  }
  try {
    return utf8.decode(win.read(p + 8, data.end - p - 8));
  } catch (cause) {
    throw formatError('format.corrupt', 'The AIGC item is not valid UTF-8.', { offset: data.start }, cause);
  }
}
