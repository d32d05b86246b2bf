/**
 * Edits inside nested ISO BMFF boxes turned into a splice plan. Every box's size field counts
 * its whole subtree (ISO/IEC 14496-12 §4.2), so when bytes inside a box are inserted, removed or
 * replaced, each enclosing box's size field moves by the net change inside it. `planBoxEdits`
 * adds those size-field rewrites (in place: 32-bit `size` or 64-bit `largesize`; a size-0 "to the
 * end" box keeps its 0) to the content edits and returns one sorted, non-overlapping plan.
 */
import { formatError } from '../errors.js';
import type { Splice } from '../source.js';
import { type BoxHeader, writeU32, writeU64 } from './boxes.js';

/**
 * Bytes `[start, end)` of the file replaced by `bytes` (an insertion when start === end), with the
 * boxes whose payload holds the edit, outermost first. They are named, not inferred from offsets:
 * an insertion at a box's end is ambiguous between that box and its parent.
 */
export interface BoxEdit {
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
  readonly enclosing: readonly BoxHeader[];
}

export function editDelta(e: {
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}): number {
  return e.bytes.length - (e.end - e.start);
}

function sizeFieldEdit(box: BoxHeader, size: number): Splice {
  if (box.large) {
    const bytes = new Uint8Array(8);
    writeU64(bytes, 0, size);
    return { offset: box.start + 8, length: 8, bytes };
  }
  if (size > 0xffffffff) {
    throw formatError(
      'format.metadata_too_large',
      `Box '${box.type}' would exceed 4 GiB; shorten the value.`,
      {
        offset: box.start,
      },
    );
  }
  const bytes = new Uint8Array(4);
  writeU32(bytes, 0, size);
  return { offset: box.start, length: 4, bytes };
}

/**
 * The splice plan for `edits` plus the size-field rewrites of their enclosing boxes whose
 * contents change. Throws RangeError when edits overlap a size field or each other (a
 * programming error), `format.metadata_too_large` when a 32-bit size would overflow.
 */
export function planBoxEdits(edits: readonly BoxEdit[]): Splice[] {
  // Keyed by start offset: no two boxes start at the same byte.
  const deltas = new Map<number, { box: BoxHeader; d: number }>();
  for (const e of edits) {
    if (e.end < e.start) throw new RangeError(`box edit ends before it starts at ${String(e.start)}`);
    for (const box of e.enclosing) {
      if (e.start < box.start + box.headerSize || e.end > box.end) {
        throw new RangeError(`box edit at ${String(e.start)} lies outside its enclosing '${box.type}'`);
      }
      const entry = deltas.get(box.start) ?? { box, d: 0 };
      entry.d += editDelta(e);
      deltas.set(box.start, entry);
    }
  }
  const all: Splice[] = edits.map((e) => ({ offset: e.start, length: e.end - e.start, bytes: e.bytes }));
  for (const { box, d } of deltas.values()) {
    if (d !== 0 && !box.toEnd) all.push(sizeFieldEdit(box, box.end - box.start + d));
  }
  all.sort((a, b) => a.offset - b.offset || a.length - b.length);
  let at = -1;
  for (const s of all) {
    if (s.offset < at) throw new RangeError(`box edits overlap at ${String(s.offset)}`);
    at = s.offset + s.length;
  }
  return all;
}
