/**
 * A ByteSource over one box that has been read into memory (the MP4 `moov`), addressed with the
 * file's own offsets, so the box walkers in boxes.ts run on it unchanged. Reading outside the
 * window is a programming error (RangeError): the walkers bounds-check against the box first.
 */
import type { ByteSource } from '../source.js';

export interface BoxWindow extends ByteSource {
  /** File offset of `bytes[0]`. */
  readonly base: number;
  /** The window's bytes (a private copy). */
  readonly bytes: Uint8Array;
}

/** Copies `[start, end)` of `src` into memory once (one read) and serves reads from the copy. */
export function readWindow(src: ByteSource, start: number, end: number): BoxWindow {
  const bytes = src.read(start, end - start).slice();
  return {
    size: src.size,
    base: start,
    bytes,
    read(offset, length) {
      if (offset < start || length < 0 || offset + length > end) {
        throw new RangeError(`window read outside [${String(start)}, ${String(end)}) at ${String(offset)}`);
      }
      return bytes.subarray(offset - start, offset - start + length);
    },
  };
}
