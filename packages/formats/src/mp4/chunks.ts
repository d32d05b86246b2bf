/**
 * Chunk offset tables: `stco` (32-bit) and `co64` (64-bit), ISO/IEC 14496-12 §8.7.5. Their
 * entries are absolute file offsets of the media chunks, so when `moov` grows or shrinks by d
 * bytes every entry that points past the moov must move by d, and a 32-bit entry that would
 * overflow turns its box into a `co64` (the same table with 8-byte entries), which grows the moov
 * again: `planChunkOffsets` iterates to the fixed point. Entries are never materialized as an
 * array; they are read from the moov bytes as needed (a long movie has millions).
 */
import { formatError } from '../errors.js';
import { type BoxHeader, encodeBox, u32, u64, writeU32, writeU64 } from '../isobmff/boxes.js';
import type { BoxEdit } from '../isobmff/edits.js';
import type { BoxWindow } from '../isobmff/window.js';

export interface ChunkTable {
  readonly box: BoxHeader;
  /** 4 for `stco`, 8 for `co64`. */
  readonly width: 4 | 8;
  readonly count: number;
  /** File offset of the first entry. */
  readonly entriesAt: number;
  /** The boxes that enclose the table, outermost first (moov, trak, mdia, minf, stbl). */
  readonly ancestors: readonly BoxHeader[];
}

/** Reads an `stco` / `co64` full box header: version 0, entry_count, then exactly that many entries. */
export function parseChunkTable(win: BoxWindow, box: BoxHeader, ancestors: readonly BoxHeader[]): ChunkTable {
  const width = box.type === 'co64' ? 8 : 4;
  const at = box.start + box.headerSize;
  if (box.end - at < 8) {
    throw formatError('format.corrupt', `'${box.type}' is shorter than its header.`, { offset: box.start });
  }
  const head = win.read(at, 8);
  const count = u32(head, 4);
  if (count * width !== box.end - at - 8) {
    throw formatError('format.corrupt', `'${box.type}' entry count does not match its size.`, {
      offset: box.start,
      count,
    });
  }
  return { box, width, count, entriesAt: at + 8, ancestors };
}

function entryAt(win: BoxWindow, t: ChunkTable, i: number): number {
  const at = t.entriesAt - win.base + i * t.width;
  return t.width === 4 ? u32(win.bytes, at) : u64(win.bytes, at);
}

/**
 * Every entry must point inside the file and outside the moov (media data never lives in the
 * movie header). Throws `format.corrupt`; returns the largest entry after the moov (or -1).
 */
export function checkChunkTable(win: BoxWindow, t: ChunkTable, moov: BoxHeader, fileSize: number): number {
  let maxAfter = -1;
  for (let i = 0; i < t.count; i++) {
    const o = entryAt(win, t, i);
    if (o >= fileSize || (o >= moov.start && o < moov.end)) {
      throw formatError('format.corrupt', `A '${t.box.type}' chunk offset points outside the media data.`, {
        table: t.box.start,
        entry: i,
      });
    }
    if (o >= moov.end && o > maxAfter) maxAfter = o;
  }
  return maxAfter;
}

export interface CheckedChunkTable extends ChunkTable {
  /** Largest entry that lies after the moov, or -1 when none does. */
  readonly maxAfterMoov: number;
}

/** The table with every entry at or after `moovEnd` moved by `d`, as `width`-byte entries. */
function shiftedTable(win: BoxWindow, t: ChunkTable, moovEnd: number, d: number, width: 4 | 8): Uint8Array {
  const out = new Uint8Array(t.count * width);
  for (let i = 0; i < t.count; i++) {
    const o = entryAt(win, t, i);
    const v = o >= moovEnd ? o + d : o;
    if (width === 4) writeU32(out, i * 4, v);
    else writeU64(out, i * 8, v);
  }
  return out;
}

/**
 * The edits that keep every chunk offset right when the moov (ending at `moov.end`) changes
 * length by `contentDelta` through other edits: entries after the moov move; `stco` tables whose
 * entries would pass 2^32 - 1 become `co64`. Returns the edits and the moov's total change.
 */
export function planChunkOffsets(
  win: BoxWindow,
  tables: readonly CheckedChunkTable[],
  moov: BoxHeader,
  contentDelta: number,
): { edits: BoxEdit[]; delta: number } {
  const widened = new Set<CheckedChunkTable>();
  let delta = contentDelta;
  // Each pass widens at least one more table or stops, so at most tables.length + 1 passes.
  for (;;) {
    let grew = false;
    for (const t of tables) {
      if (t.width === 4 && !widened.has(t) && t.maxAfterMoov >= 0 && t.maxAfterMoov + delta > 0xffffffff) {
        widened.add(t);
        delta += t.count * 4;
        grew = true;
      }
    }
    if (!grew) break;
  }
  const edits: BoxEdit[] = [];
  if (delta === 0) return { edits, delta };
  for (const t of tables) {
    if (widened.has(t)) {
      // co64 keeps stco's version and flags (§8.7.5.2: both version 0, flags 0).
      const payload = new Uint8Array(8 + t.count * 8);
      payload.set(win.read(t.entriesAt - 8, 8), 0);
      payload.set(shiftedTable(win, t, moov.end, delta, 8), 8);
      edits.push({
        start: t.box.start,
        end: t.box.end,
        bytes: encodeBox('co64', payload),
        enclosing: t.ancestors,
      });
    } else if (t.maxAfterMoov >= 0) {
      edits.push({
        start: t.entriesAt,
        end: t.box.end,
        bytes: shiftedTable(win, t, moov.end, delta, t.width),
        enclosing: [...t.ancestors, t.box],
      });
    }
  }
  return { edits, delta };
}
