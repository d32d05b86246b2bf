/**
 * A planned file as a ByteSource, without materialising it: `piecesSource(src, pieces)` reads
 * "the output of a write plan" (`outputPieces` of @synthguard/formats) on demand, so a streaming
 * carrier can plan again on its own output (write the unsigned label, then strip it to hash the
 * content) while a 2 GB movie stays on disk. `composePieces` flattens "a plan on the output of a
 * plan" back to pieces of the original source, and `splicesFromPieces` turns those into a plan
 * against it; `digestSource` hashes any ByteSource in bounded chunks.
 *
 * Memory: a read that falls inside one piece returns the inner source's bytes as they are (a view,
 * per the ByteSource contract); only a read that spans pieces is copied into a new buffer of the
 * requested length. Piece lookups are a binary search over the pieces' start offsets.
 */
import { createHash } from 'node:crypto';
import type { ByteSource, OutputPiece, Splice } from '@synthguard/formats';
import type { DigestAlgorithm } from './integrity/keys.js';

/** Chunk size of `digestSource`: large enough for hashing speed, small enough to stay flat. */
export const DIGEST_CHUNK_BYTES = 1024 * 1024;

function pieceLength(p: OutputPiece): number {
  return p.kind === 'source' ? p.length : p.bytes.length;
}

function checkRange(what: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new RangeError(`${what}(${String(offset)}, ${String(length)})`);
  }
  if (offset + length > size) {
    throw new RangeError(`${what} past the end (${String(offset + length)} > ${String(size)})`);
  }
}

/** Start offset of every piece in the output, plus the total size at the end. */
function startsOf(pieces: readonly OutputPiece[]): number[] {
  const starts = [0];
  for (const p of pieces) starts.push(starts[starts.length - 1]! + pieceLength(p));
  return starts;
}

/** Index of the piece holding output byte `offset` (offset < total). */
function pieceAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Calls `visit` for each part of output range [offset, offset + length): a range of `src`
 * (kind 'source') or a view of inserted bytes, in output order. Empty parts are skipped.
 */
function forEachPart(
  pieces: readonly OutputPiece[],
  starts: readonly number[],
  offset: number,
  length: number,
  visit: (part: OutputPiece) => void,
): void {
  if (length === 0) return;
  let i = pieceAt(starts, offset);
  let at = offset;
  const end = offset + length;
  while (at < end) {
    const p = pieces[i]!;
    const within = at - starts[i]!;
    const take = Math.min(end, starts[i + 1]!) - at;
    if (take > 0) {
      visit(
        p.kind === 'source'
          ? { kind: 'source', offset: p.offset + within, length: take }
          : { kind: 'bytes', bytes: p.bytes.subarray(within, within + take) },
      );
    }
    at += take;
    i++;
  }
}

function checkPieces(src: ByteSource, pieces: readonly OutputPiece[]): void {
  for (const p of pieces) {
    if (p.kind === 'source') checkRange('piecesSource piece', src.size, p.offset, p.length);
  }
}

/** The output `pieces` describe over `src`, read on demand (see the module comment). */
export function piecesSource(src: ByteSource, pieces: readonly OutputPiece[]): ByteSource {
  checkPieces(src, pieces);
  const starts = startsOf(pieces);
  const size = starts[starts.length - 1]!;
  return {
    size,
    read(offset, length) {
      checkRange('piecesSource.read', size, offset, length);
      if (length === 0) return new Uint8Array(0);
      const i = pieceAt(starts, offset);
      if (offset + length <= starts[i + 1]!) {
        const p = pieces[i]!;
        const within = offset - starts[i]!;
        return p.kind === 'source'
          ? src.read(p.offset + within, length)
          : p.bytes.subarray(within, within + length);
      }
      const out = new Uint8Array(length);
      let at = 0;
      forEachPart(pieces, starts, offset, length, (part) => {
        const bytes = part.kind === 'source' ? src.read(part.offset, part.length) : part.bytes;
        out.set(bytes, at);
        at += bytes.length;
      });
      return out;
    },
  };
}

/**
 * `second` describes a file as pieces of the output of `first` (which is pieces of a source S);
 * returns the same file as pieces of S, adjacent source ranges merged.
 */
export function composePieces(first: readonly OutputPiece[], second: readonly OutputPiece[]): OutputPiece[] {
  const starts = startsOf(first);
  const size = starts[starts.length - 1]!;
  const out: OutputPiece[] = [];
  const push = (p: OutputPiece): void => {
    const last = out[out.length - 1];
    if (p.kind === 'source' && last?.kind === 'source' && last.offset + last.length === p.offset) {
      out[out.length - 1] = { kind: 'source', offset: last.offset, length: last.length + p.length };
    } else {
      out.push(p);
    }
  };
  for (const p of second) {
    if (p.kind === 'bytes') {
      if (p.bytes.length > 0) push(p);
      continue;
    }
    checkRange('composePieces piece', size, p.offset, p.length);
    forEachPart(first, starts, p.offset, p.length, push);
  }
  return out;
}

/**
 * A write plan against a source of `size` bytes whose result is `pieces`: source ranges must
 * come in increasing order without overlap (what composing two plans gives); bytes between them
 * become insertions, source bytes skipped become deletions. Throws RangeError otherwise.
 */
export function splicesFromPieces(size: number, pieces: readonly OutputPiece[]): Splice[] {
  const splices: Splice[] = [];
  let at = 0;
  let pending: Uint8Array[] = [];
  const flush = (upTo: number): void => {
    if (upTo === at && pending.length === 0) return;
    const bytes = pending.length === 1 ? pending[0]! : new Uint8Array(Buffer.concat(pending));
    splices.push({ offset: at, length: upTo - at, bytes });
    pending = [];
  };
  for (const p of pieces) {
    if (p.kind === 'bytes') {
      if (p.bytes.length > 0) pending.push(p.bytes);
      continue;
    }
    if (p.offset < at || p.length < 0 || p.offset + p.length > size) {
      throw new RangeError(`pieces out of order or out of bounds at source offset ${String(p.offset)}`);
    }
    flush(p.offset);
    at = p.offset + p.length;
  }
  flush(size);
  return splices;
}

/** Hashes all of `src` with `alg`, reading `chunk` bytes at a time. */
export function digestSource(alg: DigestAlgorithm, src: ByteSource, chunk = DIGEST_CHUNK_BYTES): Uint8Array {
  const hash = createHash(alg === 'SM3' ? 'sm3' : 'sha256');
  for (let at = 0; at < src.size; at += chunk) {
    hash.update(src.read(at, Math.min(chunk, src.size - at)));
  }
  return new Uint8Array(hash.digest());
}
