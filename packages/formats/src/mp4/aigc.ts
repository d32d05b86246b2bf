/**
 * The AIGC field of an MP4 / QuickTime file (TC260 practice guide: `moov/udta/meta` with an
 * `mdta` key AIGC and its `ilst` value, as `ffmpeg -metadata AIGC=... -movflags
 * use_metadata_tags` writes it), read and planned through a ByteSource: only top-level box
 * headers and the whole `moov` are read, never `mdat`, so a 2 GB movie is labeled in bounded
 * memory. The in-memory carrier applies the same plan.
 *
 * Placement: an existing AIGC item is replaced in place; otherwise the key is appended (keys
 * entry and item last, so removal restores the bytes) to the file's `mdta` meta: the one in
 * `moov/udta`, else QuickTime's movie-level one (iPhone files). Only a file with neither gets a
 * new full-box `meta` (hdlr `mdta`, keys, ilst: ffmpeg's layout), appended to `udta` after any
 * iTunes `mdir` meta (ffmpeg's reader keeps the mdta flag once set, so mdir items must come
 * first) and before QuickTime's zero terminator; without `udta` a new one ends the moov. One key
 * table per file matters: ffmpeg 5.1 reads every later `ilst` with the first `keys` it met.
 * Removal undoes exactly that: the key goes, later item indices move down by one, and a meta
 * (then a udta) left holding nothing else goes too.
 *
 * When the moov changes length and media data follows it, chunk offsets move (chunks.ts); files
 * whose later boxes hold offsets we do not patch (movie fragments, `saio`) are refused then.
 */
import { formatError } from '../errors.js';
import { editDelta, planBoxEdits } from '../isobmff/edits.js';
import { type ByteSource, type Splice, applySplices, bytesSource } from '../source.js';
import { planChunkOffsets } from './chunks.js';
import { FRAGMENT_BOX_TYPES, type Mp4TopLevel, walkTopLevel } from './layout.js';
import { removeValue, setValue } from './edit.js';
import { readDataText } from './meta.js';
import { type Moov, parseMoov } from './moov.js';
import { findAigcSlot } from './slot.js';

export interface Mp4File {
  readonly top: Mp4TopLevel;
  readonly moov: Moov;
}

/** Walks and validates the whole structure (top level, moov, chunk offsets). */
export function inspectMp4(src: ByteSource): Mp4File {
  const top = walkTopLevel(src);
  return { top, moov: parseMoov(src, top.moov) };
}

/** Refuses a moov size change when boxes after it hold offsets this carrier does not patch. */
function checkMovable(file: Mp4File): void {
  const after = file.top.boxes.filter((b) => b.start >= file.top.moov.end);
  const fragment = after.find((b) => FRAGMENT_BOX_TYPES.has(b.type));
  if (fragment !== undefined) {
    throw formatError(
      'format.unsupported',
      `Labeling this fragmented MP4 would move its '${fragment.type}' box, whose offsets are not patched; ` +
        'remux it unfragmented (or with the moov last) first.',
      { offset: fragment.start },
    );
  }
  if (file.moov.hasSaio && after.length > 0) {
    throw formatError(
      'format.unsupported',
      "Labeling this MP4 would move media addressed by 'saio' offsets, which are not patched; " +
        'remux it with the moov last first.',
    );
  }
}

export function readMp4Aigc(src: ByteSource): string | undefined {
  const { moov } = inspectMp4(src);
  const data = findAigcSlot(moov)?.item?.data[0];
  return data === undefined ? undefined : readDataText(moov.win, data);
}

export function planMp4Aigc(src: ByteSource, value: string | undefined): Splice[] {
  const file = inspectMp4(src);
  const { moov } = file;
  const slot = findAigcSlot(moov);
  if (value === undefined && slot === undefined) return [];
  const content = value === undefined ? removeValue(moov, slot!) : setValue(moov, slot, value);
  const contentDelta = content.reduce((n, e) => n + editDelta(e), 0);
  const offsets = planChunkOffsets(moov.win, moov.tables, moov.box, contentDelta);
  if (offsets.delta !== 0) checkMovable(file);
  return planBoxEdits([...content, ...offsets.edits]);
}

export function readMp4AigcBytes(file: Uint8Array): string | undefined {
  return readMp4Aigc(bytesSource(file));
}

export function writeMp4AigcBytes(file: Uint8Array, value: string | undefined): Uint8Array {
  return applySplices(file, planMp4Aigc(bytesSource(file), value));
}
