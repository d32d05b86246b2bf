/**
 * C2PA manifest store in MP3 (C2PA 2.x §11.3.5 "MP3"): an ID3v2 `GEOB` frame (ID3v2.4
 * structure §4.15) with MIME type `application/c2pa`, file name `c2pa` and description
 * `c2pa manifest store` (c2pa-rs `id3_helper.rs`; the older `application/x-c2pa-manifest-store`
 * is read too). Unlike c2pa-rs, which re-serialises the whole tag, we splice: the frame goes
 * after the tag's last frame (before any padding) and the tag size grows by the frame's
 * length, so every other byte is kept and removal gives back the original file. A file without
 * a tag gets a new ID3v2.4 tag holding only the frame; removing a frame that is alone in a tag
 * without padding removes the tag. The data-hash exclusion is the store's bytes inside the frame:
 * c2pa-rs rejects any other ("data hash exclusion does not match the manifest location").
 * Supported: ID3v2.3 and v2.4 without whole-tag unsynchronisation or footer.
 */
import { c2paError } from '../errors.js';
import { type ByteRange, cut, type FoundStore, insertAt, type ManifestEmbedding } from './embedding.js';

const MIME = 'application/c2pa';
const MIME_OLD = 'application/x-c2pa-manifest-store';
const MAX_FRAMES = 10_000;
const MAX_SYNCSAFE = 0x0fffffff;

interface Frame {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly flags: number;
}

interface Tag {
  readonly version: number;
  readonly flags: number;
  /** One past the tag (header + size). */
  readonly end: number;
  readonly frames: readonly Frame[];
  /** One past the last frame: padding (zeros) runs from here to `end`. */
  readonly framesEnd: number;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `ID3v2 tag is malformed (${what}).`, { offset });
}

function unsupported(what: string): Error {
  return c2paError('c2pa.unsupported_format', `This ID3v2 tag cannot carry a C2PA manifest (${what}).`);
}

function syncsafe(b: Uint8Array, at: number): number {
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const v = b[at + i]!;
    if (v & 0x80) throw corrupt('syncsafe integer with the high bit set', at);
    n = (n << 7) | v;
  }
  return n;
}

function writeSyncsafe(b: Uint8Array, at: number, n: number): void {
  for (let i = 3; i >= 0; i--) {
    b[at + i] = n & 0x7f;
    n >>>= 7;
  }
}

const ascii = (b: Uint8Array, at: number, n: number): string =>
  Buffer.from(b.subarray(at, at + n)).toString('latin1');

/** The ID3v2 tag at the start of the file, or undefined (ID3v2.4 structure §3.1, §4). */
function readTag(file: Uint8Array): Tag | undefined {
  if (file.length < 10 || ascii(file, 0, 3) !== 'ID3') return undefined;
  const version = file[3]!;
  const flags = file[5]!;
  const end = 10 + syncsafe(file, 6);
  if (end > file.length) throw corrupt('tag longer than the file', 6);
  if (version !== 3 && version !== 4) return { version, flags, end, frames: [], framesEnd: end };
  let at = 10;
  if (flags & 0x40) {
    // Extended header: v2.4 size is syncsafe and includes itself; v2.3 size excludes its 4 bytes.
    if (at + 4 > end) throw corrupt('ends inside the extended header', at);
    const size =
      version === 4 ? syncsafe(file, at) : new DataView(file.buffer, file.byteOffset).getUint32(at) + 4;
    at += size;
    if (size < 4 || at > end) throw corrupt('extended header out of range', 10);
  }
  const frames: Frame[] = [];
  while (at + 10 <= end && file[at] !== 0) {
    if (frames.length >= MAX_FRAMES)
      throw c2paError('c2pa.too_large', 'Too many ID3 frames.', { limit: MAX_FRAMES });
    const id = ascii(file, at, 4);
    if (!/^[A-Z0-9]{4}$/.test(id)) throw corrupt('invalid frame id', at);
    const size =
      version === 4 ? syncsafe(file, at + 4) : new DataView(file.buffer, file.byteOffset).getUint32(at + 4);
    const frameEnd = at + 10 + size;
    if (frameEnd > end) throw corrupt('frame longer than the tag', at);
    frames.push({ id, start: at, end: frameEnd, flags: (file[at + 8]! << 8) | file[at + 9]! });
    at = frameEnd;
  }
  return { version, flags, end, frames, framesEnd: at };
}

/** The store in a GEOB frame when its MIME type is C2PA's (§4.15: enc, mime\0, name, desc, data). */
function geobStore(file: Uint8Array, f: Frame): Uint8Array | undefined {
  const body = file.subarray(f.start + 10, f.end);
  const mimeEnd = body.indexOf(0, 1);
  if (body.length < 2 || mimeEnd < 0) return undefined;
  const mime = ascii(body, 1, mimeEnd - 1);
  if (mime !== MIME && mime !== MIME_OLD) return undefined;
  // Frame-level compression / encryption / unsynchronisation / data length would hide the bytes.
  if (f.flags & 0x00ff) throw unsupported('the C2PA frame is compressed, encrypted or unsynchronised');
  const encoding = body[0]!;
  const wide = encoding === 1 || encoding === 2;
  let at = mimeEnd + 1;
  for (let field = 0; field < 2; field++) {
    if (wide) {
      while (at + 1 < body.length && (body[at] !== 0 || body[at + 1] !== 0)) at += 2;
      at += 2;
    } else {
      const nul = body.indexOf(0, at);
      if (nul < 0) throw corrupt('GEOB field without terminator', f.start);
      at = nul + 1;
    }
    if (at > body.length) throw corrupt('GEOB field without terminator', f.start);
  }
  return body.slice(at);
}

function findIn(file: Uint8Array): { tag: Tag; frame: Frame; store: Uint8Array } | undefined {
  const tag = readTag(file);
  if (tag === undefined) return undefined;
  let found: { tag: Tag; frame: Frame; store: Uint8Array } | undefined;
  for (const frame of tag.frames) {
    if (frame.id !== 'GEOB') continue;
    const store = geobStore(file, frame);
    if (store === undefined) continue;
    if (found !== undefined)
      throw c2paError('c2pa.duplicate_store', 'The MP3 holds more than one C2PA GEOB frame.');
    found = { tag, frame, store };
  }
  return found;
}

function geobFrame(store: Uint8Array, version: number): Uint8Array {
  const head = Buffer.from(`\0${MIME}\0c2pa\0c2pa manifest store\0`, 'latin1');
  const size = head.length + store.length;
  if (size > MAX_SYNCSAFE)
    throw c2paError('c2pa.too_large', 'The manifest store is too large for an ID3 frame.');
  const out = new Uint8Array(10 + size);
  out.set(Buffer.from('GEOB', 'latin1'), 0);
  if (version === 4) writeSyncsafe(out, 4, size);
  else new DataView(out.buffer).setUint32(4, size);
  out.set(head, 10);
  out.set(store, 10 + head.length);
  return out;
}

function setTagEnd(file: Uint8Array, end: number): void {
  if (end - 10 > MAX_SYNCSAFE) throw c2paError('c2pa.too_large', 'The ID3 tag would exceed 256 MiB.');
  writeSyncsafe(file, 6, end - 10);
}

/** The store's own bytes: c2pa-rs requires the exclusion to match them exactly. */
function storeRange(frame: Frame, storeLength: number): ByteRange {
  return { start: frame.end - storeLength, length: storeLength };
}

function find(file: Uint8Array): FoundStore | undefined {
  const f = findIn(file);
  return f === undefined ? undefined : { store: f.store, range: storeRange(f.frame, f.store.length) };
}

function insert(file: Uint8Array, store: Uint8Array): { file: Uint8Array; range: ByteRange } {
  if (findIn(file) !== undefined) {
    throw c2paError('c2pa.duplicate_store', 'The MP3 already holds a C2PA manifest store; remove it first.');
  }
  const tag = readTag(file);
  if (tag === undefined) {
    const frame = geobFrame(store, 4);
    const header = Uint8Array.of(0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0);
    const out = new Uint8Array(10 + frame.length + file.length);
    out.set(header, 0);
    out.set(frame, 10);
    out.set(file, 10 + frame.length);
    setTagEnd(out, 10 + frame.length);
    return { file: out, range: { start: 10 + frame.length - store.length, length: store.length } };
  }
  if (tag.version !== 3 && tag.version !== 4) throw unsupported(`ID3v2.${tag.version}`);
  if (tag.flags & 0x80) throw unsupported('whole-tag unsynchronisation');
  if (tag.flags & 0x10) throw unsupported('a tag footer');
  const frame = geobFrame(store, tag.version);
  const out = insertAt(file, tag.framesEnd, frame);
  setTagEnd(out, tag.end + frame.length);
  return { file: out, range: { start: tag.framesEnd + frame.length - store.length, length: store.length } };
}

function remove(file: Uint8Array): Uint8Array {
  const f = findIn(file);
  if (f === undefined) return file;
  const { tag, frame } = f;
  // A tag that holds only our frame and no padding or extended header is the one we created.
  if (tag.frames.length === 1 && frame.start === 10 && frame.end === tag.end) return file.slice(tag.end);
  const out = cut(file, { start: frame.start, length: frame.end - frame.start });
  setTagEnd(out, tag.end - (frame.end - frame.start));
  return out;
}

export const mp3Embedding: ManifestEmbedding = { find, insert, remove };
