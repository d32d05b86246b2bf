/**
 * Random access to a file's bytes without holding it whole: what the streaming carriers
 * (MP4 first) read through. `bytesSource` wraps an in-memory file; the engine and the CLI wrap
 * a file descriptor (`fs.readSync`) so a 2 GB video is labeled in bounded memory.
 */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes starting at `offset` (callers bounds-check against `size` first;
   * asking past the end is a programming error and throws RangeError). The result may be a view
   * into shared memory: copy it before keeping it beyond the next read.
   */
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`bytesSource.read(${String(offset)}, ${String(length)})`);
      }
      if (offset + length > bytes.length) {
        throw new RangeError(
          `bytesSource.read past the end (${String(offset + length)} > ${String(bytes.length)})`,
        );
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}

/**
 * One edit of a file: bytes `[offset, offset + length)` of the source are replaced by `bytes`.
 * A write plan is a list of splices sorted by offset that do not overlap; every byte outside
 * them is copied from the source unchanged (see `applySplices`).
 */
export interface Splice {
  readonly offset: number;
  readonly length: number;
  readonly bytes: Uint8Array;
}

/** Checks a plan's order and bounds; throws RangeError on a programming error. */
export function checkSplices(size: number, splices: readonly Splice[]): void {
  let at = 0;
  for (const s of splices) {
    if (s.offset < at || s.length < 0 || s.offset + s.length > size) {
      throw new RangeError(`splice plan out of order or out of bounds at ${String(s.offset)}`);
    }
    at = s.offset + s.length;
  }
}

/** The new file as ordered pieces: source ranges and inserted bytes (for streaming writers). */
export type OutputPiece =
  | { readonly kind: 'source'; readonly offset: number; readonly length: number }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

export function outputPieces(size: number, splices: readonly Splice[]): OutputPiece[] {
  checkSplices(size, splices);
  const pieces: OutputPiece[] = [];
  let at = 0;
  for (const s of splices) {
    if (s.offset > at) pieces.push({ kind: 'source', offset: at, length: s.offset - at });
    if (s.bytes.length > 0) pieces.push({ kind: 'bytes', bytes: s.bytes });
    at = s.offset + s.length;
  }
  if (size > at) pieces.push({ kind: 'source', offset: at, length: size - at });
  return pieces;
}

/** Applies a plan in memory: the new file. */
export function applySplices(file: Uint8Array, splices: readonly Splice[]): Uint8Array {
  const pieces = outputPieces(file.length, splices);
  let total = 0;
  for (const p of pieces) total += p.kind === 'source' ? p.length : p.bytes.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    if (p.kind === 'source') {
      out.set(file.subarray(p.offset, p.offset + p.length), at);
      at += p.length;
    } else {
      out.set(p.bytes, at);
      at += p.bytes.length;
    }
  }
  return out;
}
