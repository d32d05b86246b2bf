/**
 * The undo record that makes a label removable byte for byte. When we re-encode a part
 * ([Content_Types].xml, _rels/.rels, the custom properties part) we cannot reproduce the original
 * writer's deflate stream, so the new entry carries the original entry (local record and central
 * header, verbatim) in a private extra field of its local header (PKWARE APPNOTE 6.3.10 §4.5:
 * header ids from 32 up are for third parties; readers skip fields they do not know). A part we
 * created carries a marker instead.
 *
 * A stash is only ever used to restore bytes whose content equals what the edit would produce
 * anyway (see edit.ts), so a forged stash cannot inject content. A stash that does not parse is
 * ignored, never an error. When the original does not fit the 64 KiB extra block, no stash is
 * written and removal gives an equivalent part instead of the original bytes.
 */
import { FormatError } from '../errors.js';
import type { ZipEntry } from './zip/archive.js';
import { putU16, putU32, u32 } from './zip/le.js';
import { parseCentralRecord, parseExtraFields, parseLocalRecord } from './zip/records.js';

/** Extra field header id ('SG'), followed by MAGIC and a version in the data. */
export const STASH_EXTRA_ID = 0x4753;
const MAGIC = [0x73, 0x79, 0x6e, 0x67]; // 'syng'
const VERSION = 1;
const KIND_CREATED = 0;
const KIND_ORIGINAL = 1;
const HEAD = MAGIC.length + 2;

export type Stash = { readonly kind: 'created' } | { readonly kind: 'original'; readonly entry: ZipEntry };

/** The extra field recording `original` (undefined: the part is new), or undefined when it does not fit. */
export function encodeStash(original: ZipEntry | undefined, room: number): Uint8Array | undefined {
  const local = original?.src.subarray(original.local.start, original.local.end) ?? new Uint8Array(0);
  const central = original?.src.subarray(original.central.start, original.central.end) ?? new Uint8Array(0);
  const dataLength = HEAD + (original === undefined ? 0 : 4 + local.length + central.length);
  if (4 + dataLength > room) return undefined;
  const out = new Uint8Array(4 + dataLength);
  putU16(out, 0, STASH_EXTRA_ID);
  putU16(out, 2, dataLength);
  out.set(MAGIC, 4);
  out[4 + MAGIC.length] = VERSION;
  out[5 + MAGIC.length] = original === undefined ? KIND_CREATED : KIND_ORIGINAL;
  if (original !== undefined) {
    putU32(out, 4 + HEAD, local.length);
    out.set(local, 8 + HEAD);
    out.set(central, 8 + HEAD + local.length);
  }
  return out;
}

/** The stash `entry` carries, if any and well-formed for an entry of the same name. Never throws. */
export function decodeStash(entry: ZipEntry): Stash | undefined {
  try {
    const fields = parseExtraFields(entry.src, entry.local.extraStart, entry.local.extraEnd).filter(
      (f) => f.id === STASH_EXTRA_ID,
    );
    const f = fields[0];
    if (f === undefined || fields.length > 1 || f.end - f.start < HEAD) return undefined;
    const data = entry.src.slice(f.start, f.end);
    if (!MAGIC.every((b, i) => data[i] === b) || data[MAGIC.length] !== VERSION) return undefined;
    const kind = data[MAGIC.length + 1];
    if (kind === KIND_CREATED) return data.length === HEAD ? { kind: 'created' } : undefined;
    if (kind !== KIND_ORIGINAL) return undefined;
    const body = data.subarray(HEAD + 4);
    const localLength = u32(data, HEAD, 'stash');
    if (localLength > body.length) return undefined;
    const central = parseCentralRecord(body, localLength, body.length);
    if (central.end !== body.length || central.name.toLowerCase() !== entry.central.name.toLowerCase())
      return undefined;
    const local = parseLocalRecord(body, 0, central, localLength);
    if (local.end !== localLength) return undefined;
    return { kind: 'original', entry: { src: body, central, local } };
  } catch (err) {
    if (err instanceof FormatError) return undefined;
    throw err;
  }
}
