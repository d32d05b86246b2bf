/**
 * C2PA manifest store in JPEG (C2PA 2.x §11.3.1 "JPEG"): JUMBF split over APP11 marker
 * segments as JPEG XT boxes (ISO/IEC 18477-3 §B / ISO/IEC 19566-5 Annex A). Each segment holds
 * CI "JP" (0x4A50), a box instance number En, a packet sequence number Z (from 1), then the
 * JUMBF; continuation segments repeat the superbox's LBox/TBox before the next part. The store
 * goes after the last APP0 (JFIF) or right after SOI, in consecutive segments, as c2pa-rs
 * `jpeg_io.rs` writes it; the data-hash exclusion covers all of them.
 */
import { readU16BE, readU32BE } from '@synthguard/core';
import { c2paError } from '../errors.js';
import { type ByteRange, cut, type FoundStore, insertAt, type ManifestEmbedding } from './embedding.js';

const APP0 = 0xe0;
const APP11 = 0xeb;
const SOS = 0xda;
const EOI = 0xd9;
/** JUMBF bytes per segment (c2pa-rs MAX_JPEG_MARKER_SIZE): 64000 + 16 header bytes < 65533. */
const CHUNK = 64_000;
/** Instance number we write (c2pa-rs uses 0x0211 too). */
const INSTANCE = 0x0211;
/** A 64 MiB store needs ~1050 segments; refuse more rather than walk forever. */
const MAX_SEGMENTS = 2048;

interface Segment {
  readonly marker: number;
  readonly start: number;
  readonly end: number;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `JPEG is malformed (${what}).`, { offset });
}

/** Marker segments from SOI up to the first SOS (metadata lives before the scan). */
function headerSegments(file: Uint8Array): Segment[] {
  if (file.length < 4 || file[0] !== 0xff || file[1] !== 0xd8) throw corrupt('missing SOI', 0);
  const out: Segment[] = [];
  let i = 2;
  for (;;) {
    if (i + 2 > file.length) throw corrupt('ends before the first scan', i);
    if (file[i] !== 0xff) throw corrupt('expected a marker', i);
    let m = i + 1;
    while (m < file.length && file[m] === 0xff) m++; // B.1.1.2 fill bytes
    if (m >= file.length) throw corrupt('ends inside a marker', i);
    const marker = file[m]!;
    if (marker === SOS || marker === EOI) return out;
    if (marker < 0xc0 || marker === 0xd8) throw corrupt('invalid marker before the scan', i);
    if (m + 3 > file.length) throw corrupt('ends inside a segment length', i);
    const length = readU16BE(file, m + 1);
    if (length < 2 || m + 1 + length > file.length) throw corrupt('segment length out of range', i);
    out.push({ marker, start: m - 1, end: m + 1 + length });
    i = m + 1 + length;
  }
}

interface C2paSegment extends Segment {
  readonly instance: number;
  readonly sequence: number;
  readonly body: Uint8Array;
}

/** APP11 JPEG XT segments whose first box is a C2PA manifest store (jumd type "c2pa"). */
function c2paRuns(file: Uint8Array): C2paSegment[][] {
  const runs: C2paSegment[][] = [];
  let current: C2paSegment[] | undefined;
  for (const s of headerSegments(file)) {
    // Other segments between the store's APP11 segments do not end the run (c2pa-rs reads
    // APP11 segments only); `find` then rejects the gap, since one exclusion must cover the run.
    if (s.marker !== APP11) continue;
    const body = file.subarray(s.start + 4, s.end);
    if (body.length < 16 || body[0] !== 0x4a || body[1] !== 0x50) {
      current = undefined;
      continue;
    }
    const seg: C2paSegment = { ...s, instance: readU16BE(body, 2), sequence: readU32BE(body, 4), body };
    const prev = current?.at(-1);
    if (
      current !== undefined &&
      prev !== undefined &&
      prev.instance === seg.instance &&
      seg.sequence === prev.sequence + 1
    ) {
      if (current.length >= MAX_SEGMENTS)
        throw c2paError('c2pa.too_large', 'Too many APP11 segments.', { limit: MAX_SEGMENTS });
      current.push(seg);
      continue;
    }
    // A new box starts: sequence 1 and a jumd of type "c2pa" (bytes 24..28 of the body).
    const isStore =
      seg.sequence === 1 &&
      body.length >= 28 &&
      Buffer.from(body.subarray(24, 28)).toString('latin1') === 'c2pa';
    current = isStore ? [seg] : undefined;
    if (current !== undefined) runs.push(current);
  }
  return runs;
}

function find(file: Uint8Array): FoundStore | undefined {
  const runs = c2paRuns(file);
  if (runs.length > 1)
    throw c2paError('c2pa.duplicate_store', 'The JPEG holds more than one C2PA manifest store.');
  const run = runs[0];
  if (run === undefined) return undefined;
  const parts = run.map((s, i) => (i === 0 ? s.body.subarray(8) : s.body.subarray(16)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const store = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    store.set(p, at);
    at += p.length;
  }
  for (let i = 1; i < run.length; i++) {
    if (run[i]!.start !== run[i - 1]!.end)
      throw corrupt('manifest store segments are not consecutive', run[i]!.start);
  }
  const first = run[0]!;
  return { store, range: { start: first.start, length: run.at(-1)!.end - first.start } };
}

/** The APP11 segments for `store`. */
export function app11Segments(store: Uint8Array): Uint8Array {
  if (store.length < 8) throw corrupt('store too short', 0);
  const count = Math.max(1, Math.ceil(store.length / CHUNK));
  if (count > MAX_SEGMENTS)
    throw c2paError('c2pa.too_large', 'The manifest store is too large for JPEG.', { limit: MAX_SEGMENTS });
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const part = store.subarray(i * CHUNK, (i + 1) * CHUNK);
    const header = i === 0 ? 8 : 16;
    const seg = new Uint8Array(4 + header + part.length);
    const view = new DataView(seg.buffer);
    view.setUint16(0, 0xff00 | APP11);
    view.setUint16(2, seg.length - 2);
    view.setUint16(4, 0x4a50);
    view.setUint16(6, INSTANCE);
    view.setUint32(8, i + 1);
    if (i > 0) seg.set(store.subarray(0, 8), 12);
    seg.set(part, 4 + header);
    out.push(seg);
  }
  return Buffer.concat(out);
}

function insert(file: Uint8Array, store: Uint8Array): { file: Uint8Array; range: ByteRange } {
  if (find(file) !== undefined)
    throw c2paError('c2pa.duplicate_store', 'The JPEG already holds a C2PA manifest store; remove it first.');
  const segments = headerSegments(file);
  // A stray continuation (Z > 1) of our instance, left by a broken store, would join the new
  // store's run when read back and corrupt it.
  const stray = segments.find((s) => {
    const body = file.subarray(s.start + 4, s.end);
    return (
      s.marker === APP11 &&
      body.length >= 8 &&
      body[0] === 0x4a &&
      body[1] === 0x50 &&
      readU16BE(body, 2) === INSTANCE &&
      readU32BE(body, 4) !== 1
    );
  });
  if (stray !== undefined) throw corrupt('a stray manifest store segment', stray.start);
  let at = 2;
  for (const s of segments) if (s.marker === APP0) at = s.end;
  const bytes = app11Segments(store);
  return { file: insertAt(file, at, bytes), range: { start: at, length: bytes.length } };
}

function remove(file: Uint8Array): Uint8Array {
  const found = find(file);
  return found === undefined ? file : cut(file, found.range);
}

export const jpegEmbedding: ManifestEmbedding = { find, insert, remove };
