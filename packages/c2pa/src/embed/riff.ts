/**
 * C2PA manifest store in RIFF files, WAV and WebP (C2PA 2.x §11.3.4 "RIFF-based formats"): a
 * top-level chunk `C2PA` holding the JUMBF store, appended as the RIFF form's last chunk as
 * c2pa-rs `riff_io.rs` writes it (RIFF chunks, Microsoft/IBM RIFF spec: little-endian sizes,
 * odd payloads padded to even). The data-hash exclusion is the chunk's header and data (not
 * its pad byte), as c2pa-rs computes it; the RIFF size field stays hashed with its final
 * value. RF64/BW64 (64-bit sizes) are not supported.
 */
import { c2paError } from '../errors.js';
import { type ByteRange, type FoundStore, type ManifestEmbedding } from './embedding.js';

const MAX_CHUNKS = 100_000;

interface Chunk {
  readonly id: string;
  readonly start: number;
  readonly dataLength: number;
  /** One past the chunk, pad byte included. */
  readonly end: number;
}

interface RiffLayout {
  readonly chunks: readonly Chunk[];
  /** One past the RIFF form (8 + the header's size); bytes after it are kept as a trailer. */
  readonly riffEnd: number;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `RIFF file is malformed (${what}).`, { offset });
}

const ascii = (b: Uint8Array, at: number): string => Buffer.from(b.subarray(at, at + 4)).toString('latin1');

function walk(file: Uint8Array, form: string): RiffLayout {
  if (file.length < 12) throw corrupt('shorter than a RIFF header', 0);
  const magic = ascii(file, 0);
  if (magic === 'RF64' || magic === 'BW64') {
    throw c2paError('c2pa.unsupported_format', 'RF64/BW64 files are not supported for C2PA.');
  }
  if (magic !== 'RIFF' || ascii(file, 8) !== form) throw corrupt(`not a RIFF ${form} file`, 0);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > file.length) throw corrupt('RIFF size beyond the end of the file', 4);
  // The size counts the form type: smaller, and an inserted chunk would land before it.
  if (riffEnd < 12) throw corrupt('RIFF size smaller than its form type', 4);
  const chunks: Chunk[] = [];
  let at = 12;
  while (at < riffEnd) {
    if (chunks.length >= MAX_CHUNKS)
      throw c2paError('c2pa.too_large', 'Too many RIFF chunks.', { limit: MAX_CHUNKS });
    if (at + 8 > riffEnd) throw corrupt('ends inside a chunk header', at);
    const dataLength = view.getUint32(at + 4, true);
    const dataEnd = at + 8 + dataLength;
    if (dataEnd > riffEnd) throw corrupt('chunk longer than the RIFF form', at);
    // A final odd chunk whose pad byte is missing is common in the wild: tolerate it.
    const end = Math.min(dataEnd + (dataLength & 1), riffEnd);
    chunks.push({ id: ascii(file, at), start: at, dataLength, end });
    at = end;
  }
  return { chunks, riffEnd };
}

function storeChunk(layout: RiffLayout): Chunk | undefined {
  const found = layout.chunks.filter((c) => c.id === 'C2PA');
  if (found.length > 1) throw c2paError('c2pa.duplicate_store', 'The file holds more than one C2PA chunk.');
  return found[0];
}

function setRiffSize(file: Uint8Array, riffEnd: number): void {
  new DataView(file.buffer, file.byteOffset, file.byteLength).setUint32(4, riffEnd - 8, true);
}

export function riffEmbedding(form: 'WAVE' | 'WEBP'): ManifestEmbedding {
  return {
    find(file: Uint8Array): FoundStore | undefined {
      const c = storeChunk(walk(file, form));
      if (c === undefined) return undefined;
      return {
        store: file.slice(c.start + 8, c.start + 8 + c.dataLength),
        range: { start: c.start, length: 8 + c.dataLength },
      };
    },

    insert(file: Uint8Array, store: Uint8Array): { file: Uint8Array; range: ByteRange } {
      const layout = walk(file, form);
      if (storeChunk(layout) !== undefined) {
        throw c2paError(
          'c2pa.duplicate_store',
          'The file already holds a C2PA manifest store; remove it first.',
        );
      }
      // Read back, a last odd chunk without its (tolerated) pad byte would take the new chunk's
      // first byte as its pad.
      const last = layout.chunks.at(-1);
      if (last !== undefined && last.end < last.start + 8 + last.dataLength + (last.dataLength & 1)) {
        throw corrupt('the last chunk lacks its pad byte', last.start);
      }
      const pad = store.length & 1;
      const chunkLength = 8 + store.length + pad;
      if (layout.riffEnd - 8 + chunkLength > 0xffffffff) {
        throw c2paError('c2pa.too_large', 'The RIFF form would exceed 4 GiB.');
      }
      const at = layout.riffEnd;
      const out = new Uint8Array(file.length + chunkLength);
      out.set(file.subarray(0, at), 0);
      out.set(Buffer.from('C2PA', 'latin1'), at);
      new DataView(out.buffer).setUint32(at + 4, store.length, true);
      out.set(store, at + 8);
      out.set(file.subarray(at), at + chunkLength);
      setRiffSize(out, layout.riffEnd + chunkLength);
      return { file: out, range: { start: at, length: 8 + store.length } };
    },

    remove(file: Uint8Array): Uint8Array {
      const layout = walk(file, form);
      const c = storeChunk(layout);
      if (c === undefined) return file;
      const length = c.end - c.start;
      const out = new Uint8Array(file.length - length);
      out.set(file.subarray(0, c.start), 0);
      out.set(file.subarray(c.end), c.start);
      setRiffSize(out, layout.riffEnd - length);
      return out;
    },
  };
}

export const wavEmbedding = riffEmbedding('WAVE');
export const webpEmbedding = riffEmbedding('WEBP');
