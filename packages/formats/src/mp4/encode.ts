/**
 * The bytes the MP4 AIGC carrier writes, laid out as ffmpeg's movenc writes them with
 * `-movflags use_metadata_tags` (mov_write_meta_tag, mov_write_mdta_keys_tag,
 * mov_write_mdta_ilst_tag): a full-box `meta` with a 33-byte `hdlr` of type `mdta`, a `keys` atom
 * (QTFF "Metadata key atom": key_size, namespace 'mdta', name) and an `ilst` whose items are named
 * by their 1-based key index and hold one `data` atom (type 1 = UTF-8, locale 0).
 */
import { concatBytes, utf8Encode } from '@synthguard/core';
import { encodeBox, fourccBytes, writeU32 } from '../isobmff/boxes.js';
import { AIGC_KEY, DATA_TYPE_UTF8, MDTA } from './meta.js';

/** A big-endian 32-bit field. */
export function u32Bytes(n: number): Uint8Array {
  const b = new Uint8Array(4);
  writeU32(b, 0, n);
  return b;
}

/** An ilst item (type = the 1-based key index) holding one UTF-8 `data` atom, locale 0. */
export function buildItem(index: number, value: string): Uint8Array {
  const data = encodeBox('data', concatBytes([u32Bytes(DATA_TYPE_UTF8), u32Bytes(0), utf8Encode(value)]));
  return encodeBox(String.fromCharCode(...u32Bytes(index)), data);
}

/** A key entry: key_size, namespace 'mdta', name. */
export function buildKey(): Uint8Array {
  const name = fourccBytes(AIGC_KEY);
  return concatBytes([u32Bytes(8 + name.length), fourccBytes(MDTA), name]);
}

/** A full-box meta with hdlr 'mdta' (33 bytes, as ffmpeg writes it), keys and ilst holding AIGC. */
export function buildMeta(value: string): Uint8Array {
  const hdlr = encodeBox('hdlr', concatBytes([new Uint8Array(8), fourccBytes(MDTA), new Uint8Array(13)]));
  const keys = encodeBox('keys', concatBytes([new Uint8Array(4), u32Bytes(1), buildKey()]));
  const ilst = encodeBox('ilst', buildItem(1, value));
  return encodeBox('meta', concatBytes([new Uint8Array(4), hdlr, keys, ilst]));
}
