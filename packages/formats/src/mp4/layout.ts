/**
 * The top level of an MP4 / QuickTime file, read through a ByteSource: box headers only (8 or
 * 16 bytes each), never the payload of `mdat`. The boxes must tile the file exactly (ISO/IEC
 * 14496-12 §4.2; a last box of size 0 runs to the end of the file), the first one must be `ftyp`
 * or a QuickTime first atom (sniff.ts), and `moov` must be present exactly once (§8.2.1:
 * "Quantity: Exactly one").
 */
import { formatError } from '../errors.js';
import { type BoxHeader, printable, readChildren } from '../isobmff/boxes.js';
import type { ByteSource } from '../source.js';
import { QUICKTIME_FIRST_TYPES } from './sniff.js';

/** Top-level boxes whose payloads hold absolute or moov-relative file offsets (movie fragments). */
export const FRAGMENT_BOX_TYPES: ReadonlySet<string> = new Set(['moof', 'sidx', 'ssix', 'mfra']);

/** Caps the header reads of a hostile file made of millions of empty boxes. */
export const MAX_TOP_LEVEL_BOXES = 1_000_000;

export interface Mp4TopLevel {
  /** File size in bytes. */
  readonly size: number;
  readonly boxes: readonly BoxHeader[];
  readonly moov: BoxHeader;
}

/** Walks the top level; throws `format.truncated` / `format.corrupt`. */
export function walkTopLevel(src: ByteSource): Mp4TopLevel {
  if (src.size < 8) throw formatError('format.truncated', 'The file is too short to be an MP4/MOV.');
  const boxes = readChildren(src, 0, src.size, MAX_TOP_LEVEL_BOXES);
  const first = boxes[0]!;
  if (first.type !== 'ftyp' && !QUICKTIME_FIRST_TYPES.has(first.type)) {
    throw formatError(
      'format.corrupt',
      `An MP4/MOV starts with 'ftyp' or 'moov', not '${printable(first.type)}'.`,
    );
  }
  const moovs = boxes.filter((b) => b.type === 'moov');
  if (moovs.length > 1) {
    throw formatError('format.corrupt', 'The file holds more than one moov box.', {
      first: moovs[0]!.start,
      second: moovs[1]!.start,
    });
  }
  const moov = moovs[0];
  if (moov === undefined) {
    throw formatError(
      'format.truncated',
      'The file has no moov box (the movie header): it may be cut short or still being recorded.',
    );
  }
  return { size: src.size, boxes, moov };
}
