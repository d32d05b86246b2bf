/**
 * C2PA manifest store in ISO BMFF files, MP4/MOV (C2PA 2.x §11.3.3 "BMFF-based formats"): a
 * top-level `uuid` box with the C2PA extended type D8FEC3D6-1B0E-483C-9297-5828877EC481,
 * version/flags 0, the purpose string "manifest\0", an 8-byte Merkle offset (0) and the JUMBF
 * store, placed right after `ftyp` as c2pa-rs `bmff_io.rs` writes it. Inserting the box moves
 * every later byte, so the absolute chunk offsets in `stco` / `co64` (ISO/IEC 14496-12 §8.7.5)
 * are shifted by the box size, and shifted back on removal, which gives back the original file.
 * Files whose other absolute offsets we would have to patch are refused rather than broken:
 * fragmented files (`moof`, `sidx`, `mfra`) and top-level `meta` (`iloc`, HEIF).
 */
import { c2paError } from '../errors.js';
import { type ByteRange, type FoundStore, insertAt, type ManifestEmbedding } from './embedding.js';

export const C2PA_BOX_UUID = Uint8Array.from(Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex'));
const PURPOSE = 'manifest';
/** uuid header (8) + extended type (16) + version/flags (4) + "manifest\0" (9) + Merkle offset (8). */
const BOX_OVERHEAD = 45;
const MAX_BOXES = 100_000;
const MAX_DEPTH = 8;
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
const REFUSED = new Set(['moof', 'sidx', 'mfra', 'meta']);

export interface BmffBox {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Offset of the payload (after size, type, largesize and uuid extended type). */
  readonly payload: number;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `BMFF file is malformed (${what}).`, { offset });
}

const ascii = (b: Uint8Array, at: number): string => Buffer.from(b.subarray(at, at + 4)).toString('latin1');

/** The boxes in [from, to) (ISO/IEC 14496-12 §4.2: size 1 = 64-bit size, 0 = to the end). */
export function boxesIn(file: Uint8Array, from: number, to: number, budget = { count: 0 }): BmffBox[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: BmffBox[] = [];
  let at = from;
  while (at < to) {
    if (++budget.count > MAX_BOXES)
      throw c2paError('c2pa.too_large', 'Too many BMFF boxes.', { limit: MAX_BOXES });
    if (at + 8 > to) throw corrupt('ends inside a box header', at);
    let size = view.getUint32(at);
    const type = ascii(file, at + 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) throw corrupt('ends inside a large size', at);
      const big = view.getBigUint64(at + 8);
      if (big > BigInt(to - at)) throw corrupt('box longer than its container', at);
      size = Number(big);
      header = 16;
    } else if (size === 0) size = to - at;
    if (type === 'uuid') header += 16;
    if (size < header || at + size > to) throw corrupt('box size out of range', at);
    out.push({ type, start: at, end: at + size, payload: at + header });
    at += size;
  }
  return out;
}

function isC2paBox(file: Uint8Array, b: BmffBox): boolean {
  if (b.type !== 'uuid') return false;
  const ext = file.subarray(b.payload - 16, b.payload);
  return ext.every((v, i) => v === C2PA_BOX_UUID[i]);
}

interface Layout {
  readonly top: readonly BmffBox[];
  readonly store: BmffBox | undefined;
}

function layout(file: Uint8Array): Layout {
  const top = boxesIn(file, 0, file.length);
  if (top[0]?.type !== 'ftyp') throw corrupt('first box is not ftyp', 0);
  const stores = top.filter((b) => isC2paBox(file, b) && purposeOf(file, b) === PURPOSE);
  if (stores.length > 1)
    throw c2paError('c2pa.duplicate_store', 'The file holds more than one C2PA manifest box.');
  return { top, store: stores[0] };
}

function purposeOf(file: Uint8Array, b: BmffBox): string | undefined {
  const start = b.payload + 4;
  const nul = file.subarray(start, Math.min(b.end, start + 32)).indexOf(0);
  return nul < 0 ? undefined : Buffer.from(file.subarray(start, start + nul)).toString('latin1');
}

/** Every `stco` / `co64` box under moov/trak/mdia/minf/stbl. */
function chunkOffsetBoxes(file: Uint8Array, top: readonly BmffBox[]): BmffBox[] {
  const out: BmffBox[] = [];
  const budget = { count: 0 };
  const visit = (boxes: readonly BmffBox[], depth: number): void => {
    if (depth > MAX_DEPTH)
      throw c2paError('c2pa.too_large', 'BMFF boxes nest too deeply.', { limit: MAX_DEPTH });
    for (const b of boxes) {
      if (b.type === 'stco' || b.type === 'co64') out.push(b);
      else if (CONTAINERS.has(b.type)) visit(boxesIn(file, b.payload, b.end, budget), depth + 1);
    }
  };
  visit(top, 0);
  return out;
}

/** Adds `delta` to every chunk offset at or after `from` (§8.7.5: FullBox, entry_count, entries). */
function shiftChunkOffsets(file: Uint8Array, top: readonly BmffBox[], from: number, delta: number): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (const b of chunkOffsetBoxes(file, top)) {
    const wide = b.type === 'co64';
    if (b.payload + 8 > b.end) throw corrupt('chunk offset box too short', b.start);
    const count = view.getUint32(b.payload + 4);
    const entry = wide ? 8 : 4;
    if (count > (b.end - b.payload - 8) / entry) throw corrupt('chunk offset count beyond the box', b.start);
    for (let i = 0; i < count; i++) {
      const at = b.payload + 8 + i * entry;
      const value = wide ? Number(view.getBigUint64(at)) : view.getUint32(at);
      if (value < from) continue;
      const next = value + delta;
      if (!wide && next > 0xffffffff)
        throw c2paError('c2pa.too_large', 'A 32-bit chunk offset would overflow.');
      if (wide) view.setBigUint64(at, BigInt(next));
      else view.setUint32(at, next);
    }
  }
}

function refuseUnpatchable(top: readonly BmffBox[]): void {
  const bad = top.find((b) => REFUSED.has(b.type));
  if (bad !== undefined) {
    throw c2paError(
      'c2pa.unsupported_format',
      `BMFF files with a top-level '${bad.type}' box are not supported for C2PA yet.`,
    );
  }
}

function find(file: Uint8Array): FoundStore | undefined {
  const { store } = layout(file);
  if (store === undefined) return undefined;
  const data = store.payload + 4 + PURPOSE.length + 1 + 8;
  if (data > store.end) throw corrupt('C2PA box too short', store.start);
  return {
    store: file.slice(data, store.end),
    range: { start: store.start, length: store.end - store.start },
  };
}

function insert(file: Uint8Array, store: Uint8Array): { file: Uint8Array; range: ByteRange } {
  const { top, store: existing } = layout(file);
  if (existing !== undefined)
    throw c2paError('c2pa.duplicate_store', 'The file already holds a C2PA manifest store; remove it first.');
  refuseUnpatchable(top);
  // §4.2: an ftyp of size 0 runs to the end of the file; a box inserted after it would be read as its payload.
  if (new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(top[0]!.start) === 0) {
    throw corrupt('ftyp has size 0 (to the end of the file)', 0);
  }
  const size = BOX_OVERHEAD + store.length;
  if (size > 0xffffffff) throw c2paError('c2pa.too_large', 'The manifest store is too large for one box.');
  const box = new Uint8Array(size);
  const view = new DataView(box.buffer);
  view.setUint32(0, size);
  box.set(Buffer.from('uuid', 'latin1'), 4);
  box.set(C2PA_BOX_UUID, 8);
  box.set(Buffer.from(`${PURPOSE}\0`, 'latin1'), 28);
  box.set(store, BOX_OVERHEAD);
  const at = top[0]!.end;
  const out = insertAt(file, at, box);
  shiftChunkOffsets(out, boxesIn(out, 0, out.length), at, size);
  return { file: out, range: { start: at, length: size } };
}

function remove(file: Uint8Array): Uint8Array {
  const { top, store } = layout(file);
  if (store === undefined) return file;
  refuseUnpatchable(top);
  const length = store.end - store.start;
  const out = new Uint8Array(file.length - length);
  out.set(file.subarray(0, store.start), 0);
  out.set(file.subarray(store.end), store.start);
  shiftChunkOffsets(out, boxesIn(out, 0, out.length), store.end, -length);
  return out;
}

export const bmffEmbedding: ManifestEmbedding = { find, insert, remove, binding: 'bmff' };
