/**
 * A write to a HEIF file as a set of edits on the original bytes, and everything they force:
 * ISO BMFF addresses item data (`iloc`, ISO/IEC 14496-12:2022 §8.11.3) and track chunks
 * (`stco` / `co64`, §8.7.5) by absolute file offset, and every box states its size (§4.2). So
 * after the caller lists its insertions / deletions (each with the boxes that enclose it), `finish`
 *  - rewrites the size of every enclosing box,
 *  - moves every iloc extent (construction_method 0 and 1) and every chunk offset that lies after
 *    an edit by the bytes inserted or removed before it: through base_offset when all extents of
 *    an item move alike and the field exists, else through each extent_offset;
 *  - refuses (`format.metadata_too_large`) an offset that no longer fits its field, and
 *    (`format.corrupt`) an edit that falls inside another item's data or a track chunk.
 * Every other byte is copied unchanged, so an insertion followed by the matching deletion gives
 * back the original file.
 */
import { formatError } from '../errors.js';
import type { BoxHeader } from '../isobmff/boxes.js';
import { payloadStart } from '../isobmff/boxes.js';
import { type Splice, applySplices } from '../source.js';
import { type UintSize, encodeUint, fitsUint } from './bytes.js';
import type { IlocEntry } from './iloc.js';
import type { HeifLayout } from './layout.js';
import { extentRanges } from './meta.js';

/** Bytes to insert, given once the final positions are known (their length must not change). */
export interface LazyBytes {
  readonly length: number;
  readonly build: () => Uint8Array;
}

export interface Edit {
  /** Replace `[at, at + del)` of the original file. */
  readonly at: number;
  readonly del: number;
  readonly insert: Uint8Array | LazyBytes;
  /** The boxes enclosing the edit, whose size fields change by its delta (outermost first). */
  readonly owners: readonly BoxHeader[];
}

function insertLength(e: Edit): number {
  return e.insert.length;
}

function tooLarge(what: string, details: Record<string, unknown>): Error {
  return formatError(
    'format.metadata_too_large',
    `After the write, ${what} no longer fits its field; the file cannot be labeled.`,
    details,
  );
}

function overlap(what: string, details: Record<string, unknown>): Error {
  return formatError(
    'format.corrupt',
    `${what} overlaps the XMP data or the structures a write changes.`,
    details,
  );
}

export class EditPlan {
  private readonly edits: Edit[] = [];
  private readonly patches: Splice[] = [];
  /** iloc entries the caller deletes or rewrites itself. */
  private readonly skipped = new Set<IlocEntry>();
  private sorted: Edit[] | undefined;
  /** For the sorted edits: where each ends in the original, and the size change before it. */
  private ends: number[] = [];
  private shiftBefore: number[] = [];

  constructor(
    private readonly file: Uint8Array,
    private readonly layout: HeifLayout,
  ) {}

  add(edit: Edit): Edit {
    if (this.sorted !== undefined) throw new Error('EditPlan: add after positions were computed');
    this.edits.push(edit);
    return edit;
  }

  /** Overwrites `bytes.length` original bytes at `at` (a count or size field). */
  patch(at: number, bytes: Uint8Array): void {
    this.patches.push({ offset: at, length: bytes.length, bytes });
  }

  /** Leaves an iloc entry's offsets alone (the caller deletes or rewrites it). */
  skipEntry(entry: IlocEntry): void {
    this.skipped.add(entry);
  }

  /** Edits in file order; at one offset, an edit inside a box comes before one after it. */
  private order(): Edit[] {
    if (this.sorted === undefined) {
      this.sorted = this.edits
        .map((e, i) => ({ e, i }))
        .sort((a, b) => a.e.at - b.e.at || b.e.owners.length - a.e.owners.length || a.i - b.i)
        .map(({ e }) => e);
      let end = 0;
      let shift = 0;
      for (const e of this.sorted) {
        if (e.at < end) throw overlap('An edit', { offset: e.at });
        end = e.at + e.del;
        this.ends.push(end);
        this.shiftBefore.push(shift);
        shift += insertLength(e) - e.del;
      }
      this.shiftBefore.push(shift);
    }
    return this.sorted;
  }

  /** The number of sorted edits that end at or before `p` (their ends never decrease). */
  private editsBefore(p: number): number {
    this.order();
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Where the original byte at `p` lands (bytes inserted exactly at `p` go before it). */
  mapPos(p: number): number {
    return p + this.shiftBefore[this.editsBefore(p)]!;
  }

  /** Where the first inserted byte of `edit` lands. */
  newPosition(edit: Edit): number {
    let q = edit.at;
    for (const e of this.order()) {
      if (e === edit) return q;
      q += insertLength(e) - e.del;
    }
    throw new Error('EditPlan: unknown edit');
  }

  /**
   * Throws unless every edit lies wholly before or after `[s, e)`: the first edit ending after
   * `s` must start at or after `e` (a deletion overlapping the range, or an insertion strictly
   * inside it, would change bytes another item or a track points at).
   */
  private checkRange(s: number, e: number, what: string): void {
    const next = this.order()[this.editsBefore(s)];
    if (next !== undefined && next.at < e) throw overlap(what, { start: s, end: e, edit: next.at });
  }

  private sizePatches(): void {
    const deltas = new Map<BoxHeader, number>();
    for (const e of this.edits) {
      for (const box of e.owners) deltas.set(box, (deltas.get(box) ?? 0) + insertLength(e) - e.del);
    }
    for (const [box, delta] of deltas) {
      if (delta === 0 || box.toEnd) continue;
      const size = box.end - box.start + delta;
      if (box.large) this.patch(box.start + 8, encodeUint(size, 8));
      else if (size > 0xffffffff) throw tooLarge(`the size of box '${box.type}'`, { size });
      else this.patch(box.start, encodeUint(size, 4));
    }
  }

  private ilocPatches(): void {
    const meta = this.layout.meta;
    const iloc = meta?.iloc;
    if (meta === undefined || iloc === undefined) return;
    const idat = meta.idat;
    const oldOrigin = idat === undefined ? 0 : payloadStart(idat);
    const newOrigin = idat === undefined ? 0 : this.mapPos(idat.start) + idat.headerSize;
    for (const entry of iloc.entries) {
      if (this.skipped.has(entry)) continue;
      const ranges = extentRanges(entry, this.file.length, idat);
      if (ranges === undefined || ranges.length === 0) continue;
      const deltas = ranges.map((r) => {
        this.checkRange(r.start, r.end, `The data of item ${String(entry.itemId)}`);
        const moved = this.mapPos(r.start) - r.start;
        return entry.constructionMethod === 1 ? moved - (newOrigin - oldOrigin) : moved;
      });
      if (deltas.every((d) => d === 0)) continue;
      const first = deltas[0]!;
      const base = entry.baseOffset + first;
      const size: UintSize = iloc.baseOffsetSize;
      if (deltas.every((d) => d === first) && size > 0 && fitsUint(base, size)) {
        this.patch(entry.baseOffsetAt, encodeUint(base, size));
        continue;
      }
      entry.extents.forEach((x, k) => {
        const value = x.offset + deltas[k]!;
        if (deltas[k] === 0) return;
        if (!fitsUint(value, iloc.offsetSize)) {
          throw tooLarge(`an extent offset of item ${String(entry.itemId)}`, {
            value,
            size: iloc.offsetSize,
          });
        }
        this.patch(x.offsetAt, encodeUint(value, iloc.offsetSize));
      });
    }
  }

  private chunkPatches(): void {
    for (const c of this.layout.chunkOffsets) {
      this.checkRange(c.value, c.value + 1, 'A track chunk');
      const value = this.mapPos(c.value);
      if (value === c.value) continue;
      if (!fitsUint(value, c.size)) throw tooLarge('a track chunk offset (stco)', { value });
      this.patch(c.at, encodeUint(value, c.size));
    }
  }

  /** The new file. */
  finish(): Uint8Array {
    if (this.edits.length === 0) return this.file.slice();
    if (this.layout.fragmented) {
      throw formatError(
        'format.unsupported',
        'Fragmented or encrypted HEIF sequences (moof, saio) hold offsets this writer does not move; labeling them is not supported.',
      );
    }
    this.order();
    this.sizePatches();
    this.ilocPatches();
    this.chunkPatches();
    const splices: Splice[] = this.order().map((e) => {
      const bytes = e.insert instanceof Uint8Array ? e.insert : e.insert.build();
      if (bytes.length !== e.insert.length) throw new Error('EditPlan: lazy bytes changed length');
      return { offset: e.at, length: e.del, bytes };
    });
    const deleted = (p: Splice): boolean =>
      this.edits.some((e) => e.del > 0 && e.at <= p.offset && p.offset + p.length <= e.at + e.del);
    for (const p of this.patches) if (!deleted(p)) splices.push(p);
    splices.sort((a, b) => a.offset - b.offset || a.length - b.length);
    for (let i = 1; i < splices.length; i++) {
      const prev = splices[i - 1]!;
      if (splices[i]!.offset < prev.offset + prev.length)
        throw overlap('A patched field', { offset: prev.offset });
    }
    return applySplices(this.file, splices);
  }
}
