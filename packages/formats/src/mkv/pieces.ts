/**
 * Re-serialising a Segment after an edit: the new file as a tree of pieces (copied bytes,
 * rebuilt masters, Segment Positions), laid out until every position settles.
 *
 * RFC 9559, "Segment Position": SeekPosition, CueClusterPosition, CueCodecState,
 * CueRefCluster and the Cluster Position count bytes from the start of the Segment's data, so an
 * edit that moves later elements must rewrite them. A position's new value is the new offset of
 * the top-level element it pointed at (`PositionMap`). Rewritten numbers keep their width when it
 * fits (`keptLength`); a wider number grows its parents, which may move elements again, so the
 * layout repeats until no top-level offset changes (it grows or shrinks monotonically with the
 * edit, and settles in a few rounds). A rebuilt master with a CRC-32 first child gets its CRC
 * recomputed (RFC 8794 §11.3.1).
 */
import { crc32 } from 'node:zlib';
import { formatError } from '../errors.js';
import { encodeSize, encodeUint, keptLength, minimalSizeLength, minimalUintLength } from './vint.js';

export type Piece =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'master';
      /** The ID bytes as written. */
      readonly id: Uint8Array;
      /** The old size field, to keep its width; 'unknown' keeps the unknown-size bytes. */
      readonly size:
        { readonly oldLength: number; readonly oldSize: number } | { readonly unknown: Uint8Array } | 'new';
      /** Offset in the data of a CRC-32 value to recompute over the data after it. */
      readonly crcAt?: number;
      readonly children: readonly Piece[];
    }
  | {
      readonly kind: 'position';
      readonly id: Uint8Array;
      /** The old value, data length and size-VINT length ('new': shortest); `fixed` keeps the length (or fails). */
      readonly old: { readonly value: number; readonly length: number; readonly sizeLength: number } | 'new';
      readonly fixed: boolean;
      /** The new value, given the new top-level offsets. */
      readonly value: (map: PositionMap) => number;
    };

/** One child of the Segment in the new file. */
export interface TopPiece {
  /** Segment-relative offset in the old file; undefined for an element the write adds. */
  readonly oldStart: number | undefined;
  /** The new bytes; null when the write removes the element. */
  readonly piece: Piece | null;
}

export interface PositionMap {
  /** The new Segment Position of old Segment Position `old`. */
  map(old: number): number;
  /** The new Segment Position of top-level piece `index`. */
  at(index: number): number;
}

function sizeOf(p: Piece, map: PositionMap): number {
  switch (p.kind) {
    case 'bytes':
      return p.bytes.length;
    case 'position':
      return p.id.length + (p.old === 'new' ? 1 : p.old.sizeLength) + positionLength(p, map).length;
    case 'master': {
      let data = 0;
      for (const c of p.children) data += sizeOf(c, map);
      return p.id.length + sizeField(p, data).length + data;
    }
  }
}

function positionLength(
  p: Extract<Piece, { kind: 'position' }>,
  map: PositionMap,
): {
  value: number;
  length: number;
} {
  const value = p.value(map);
  const need = minimalUintLength(value);
  if (p.old === 'new') return { value, length: need };
  if (p.fixed) {
    if (need > p.old.length && !(value === 0 && p.old.length === 0)) {
      throw formatError(
        'format.unsupported',
        'A Cluster Position would outgrow its field after labelling; remux the file (mkvmerge, ffmpeg -c copy) first.',
      );
    }
    return { value, length: p.old.length };
  }
  return { value, length: keptLength(p.old.length, minimalUintLength(p.old.value), need) };
}

function sizeField(p: Extract<Piece, { kind: 'master' }>, data: number): Uint8Array {
  if (p.size === 'new') return encodeSize(data, minimalSizeLength(data));
  if ('unknown' in p.size) return p.size.unknown;
  const length = keptLength(p.size.oldLength, minimalSizeLength(p.size.oldSize), minimalSizeLength(data));
  if (length > 8) {
    throw formatError('format.metadata_too_large', 'An element would exceed the largest EBML size.');
  }
  return encodeSize(data, length);
}

/** Top-level offsets for given piece sizes. */
function offsets(tops: readonly TopPiece[], map: PositionMap): number[] {
  const out: number[] = [];
  let at = 0;
  for (const t of tops) {
    out.push(at);
    if (t.piece !== null) at += sizeOf(t.piece, map);
  }
  out.push(at);
  return out;
}

function positionMap(
  tops: readonly TopPiece[],
  olds: readonly number[],
  news: readonly number[],
  oldEnd: number,
): PositionMap {
  // Old starts are increasing; added elements have none and are skipped in the search.
  const idx: number[] = [];
  tops.forEach((t, i) => {
    if (t.oldStart !== undefined) idx.push(i);
  });
  return {
    at: (i) => news[i]!,
    map: (old) => {
      if (old >= oldEnd) return old + news[tops.length]! - oldEnd;
      let lo = 0;
      let hi = idx.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (olds[idx[mid]!]! <= old) {
          found = idx[mid]!;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return old;
      // Into a rebuilt element: clamp to its new length (only starts are meaningful).
      return news[found]! + Math.min(old - olds[found]!, news[found + 1]! - news[found]!);
    },
  };
}

const MAX_ROUNDS = 32;

/**
 * Lays the Segment's children out until the offsets settle; returns the map to serialise with.
 * `oldEnd` is the old Segment data length.
 */
export function settle(tops: readonly TopPiece[], oldEnd: number): PositionMap {
  const olds = tops.map((t) => t.oldStart ?? -1);
  // First guess: every element where it was; an added one at its old successor's start.
  let news: number[] = tops.map((_, i) => {
    for (let j = i; j < tops.length; j++) if (tops[j]!.oldStart !== undefined) return tops[j]!.oldStart!;
    return oldEnd;
  });
  news.push(oldEnd);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const map = positionMap(tops, olds, news, oldEnd);
    const next = offsets(tops, map);
    if (next.every((v, i) => v === news[i])) return map;
    news = next;
  }
  throw formatError(
    'format.unsupported',
    'Matroska positions did not settle after the edit; remux the file first.',
  );
}

/** The serialised length of a piece under `map`. */
export function pieceLength(p: Piece, map: PositionMap): number {
  return sizeOf(p, map);
}

/** Writes `p` at `at` in `out`; returns the offset after it. */
export function writePiece(p: Piece, map: PositionMap, out: Uint8Array, at: number): number {
  switch (p.kind) {
    case 'bytes':
      out.set(p.bytes, at);
      return at + p.bytes.length;
    case 'position': {
      const { value, length } = positionLength(p, map);
      out.set(p.id, at);
      let q = at + p.id.length;
      const size = encodeSize(length, p.old === 'new' ? 1 : p.old.sizeLength);
      out.set(size, q);
      q += size.length;
      out.set(encodeUint(value, length), q);
      return q + length;
    }
    case 'master': {
      let data = 0;
      for (const c of p.children) data += sizeOf(c, map);
      out.set(p.id, at);
      let q = at + p.id.length;
      const size = sizeField(p, data);
      out.set(size, q);
      q += size.length;
      const dataStart = q;
      for (const c of p.children) q = writePiece(c, map, out, q);
      if (p.crcAt !== undefined) {
        const crcAt = dataStart + p.crcAt;
        const crc = crc32(out.subarray(crcAt + 4, q));
        out[crcAt] = crc & 0xff;
        out[crcAt + 1] = (crc >>> 8) & 0xff;
        out[crcAt + 2] = (crc >>> 16) & 0xff;
        out[crcAt + 3] = crc >>> 24;
      }
      return q;
    }
  }
}
