/**
 * C2PA manifest store in PNG (C2PA 2.x §11.3.2 "PNG"): one ancillary, private, safe-to-copy
 * chunk `caBX` holding the JUMBF store, placed right before the first IDAT. (c2pa-rs `png_io.rs`
 * puts it right after IHDR; both validate in c2pa-rs. Before IDAT keeps exiftool 12.57 showing a
 * PNG's EXIF: with the JUMBF box first it stops at "IFD0 pointer references previous JUMBFBox
 * directory" and hides every EXIF tag.)
 * The data-hash exclusion covers the whole chunk (length, type, data, CRC).
 */
import { readU32BE, writeU32BE } from '@synthguard/core';
import { crc32 } from 'node:zlib';
import { c2paError } from '../errors.js';
import { type ByteRange, cut, type FoundStore, insertAt, type ManifestEmbedding } from './embedding.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_CHUNKS = 100_000;

interface Chunk {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `PNG is malformed (${what}).`, { offset });
}

/** Walks every chunk to IEND (PNG spec §5.3); CRCs are the formats package's business. */
function chunks(file: Uint8Array): Chunk[] {
  for (let i = 0; i < 8; i++) if (file[i] !== SIGNATURE[i]) throw corrupt('missing PNG signature', 0);
  const out: Chunk[] = [];
  let at = 8;
  for (;;) {
    if (out.length >= MAX_CHUNKS)
      throw c2paError('c2pa.too_large', 'Too many PNG chunks.', { limit: MAX_CHUNKS });
    if (at + 12 > file.length) throw corrupt('ends inside a chunk header', at);
    const length = readU32BE(file, at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > file.length) throw corrupt('chunk longer than the file', at);
    const type = Buffer.from(file.subarray(at + 4, at + 8)).toString('latin1');
    out.push({ type, start: at, end });
    at = end;
    if (type === 'IEND') return out;
  }
}

function find(file: Uint8Array): FoundStore | undefined {
  const found = chunks(file).filter((c) => c.type === 'caBX');
  if (found.length > 1) throw c2paError('c2pa.duplicate_store', 'The PNG holds more than one caBX chunk.');
  const c = found[0];
  if (c === undefined) return undefined;
  return { store: file.slice(c.start + 8, c.end - 4), range: { start: c.start, length: c.end - c.start } };
}

function insert(file: Uint8Array, store: Uint8Array): { file: Uint8Array; range: ByteRange } {
  const all = chunks(file);
  if (all.some((c) => c.type === 'caBX')) {
    throw c2paError('c2pa.duplicate_store', 'The PNG already holds a C2PA manifest store; remove it first.');
  }
  const ihdr = all[0];
  if (ihdr?.type !== 'IHDR') throw corrupt('first chunk is not IHDR', 8);
  const chunk = new Uint8Array(store.length + 12);
  writeU32BE(chunk, 0, store.length);
  chunk.set(Buffer.from('caBX', 'latin1'), 4);
  chunk.set(store, 8);
  writeU32BE(chunk, chunk.length - 4, crc32(chunk.subarray(4, chunk.length - 4)));
  // Before the first IDAT, after the other ancillary chunks (eXIf, iCCP, iTXt): exiftool 12.57
  // stops reading a PNG's EXIF when a JUMBF box precedes it ("IFD0 pointer references previous
  // JUMBFBox directory"). C2PA 2.x §A.3.2 allows the chunk anywhere before IEND.
  const idat = all.find((c) => c.type === 'IDAT');
  const at = idat === undefined ? ihdr.end : idat.start;
  return { file: insertAt(file, at, chunk), range: { start: at, length: chunk.length } };
}

function remove(file: Uint8Array): Uint8Array {
  const found = find(file);
  return found === undefined ? file : cut(file, found.range);
}

export const pngEmbedding: ManifestEmbedding = { find, insert, remove };
