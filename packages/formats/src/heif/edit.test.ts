import { describe, expect, it } from 'vitest';
import type { BoxHeader } from '../isobmff/boxes.js';
import { catchFormatError } from '../testing/mutations.js';
import { EditPlan } from './edit.js';
import type { HeifLayout } from './layout.js';

const file = Uint8Array.from({ length: 100 }, (_, i) => i);
const layout: HeifLayout = {
  top: [],
  meta: undefined,
  boxes: [],
  chunkOffsets: [],
  xmpBoxes: [],
  fragmented: false,
};
const box = (start: number, end: number, extra: Partial<BoxHeader> = {}): BoxHeader => ({
  type: 'free',
  start,
  end,
  headerSize: 8,
  large: false,
  toEnd: false,
  ...extra,
});
const bytes = (n: number, v = 0xee) => new Uint8Array(n).fill(v);

describe('EditPlan', () => {
  it('maps positions past insertions and deletions; bytes inserted at p go before p', () => {
    const plan = new EditPlan(file, layout);
    const ins = plan.add({ at: 10, del: 0, insert: bytes(3), owners: [] });
    const del = plan.add({ at: 20, del: 5, insert: bytes(1), owners: [] });
    expect([plan.mapPos(9), plan.mapPos(10), plan.mapPos(20), plan.mapPos(25), plan.mapPos(99)]).toEqual([
      9, 13, 23, 24, 98,
    ]);
    expect([plan.newPosition(ins), plan.newPosition(del)]).toEqual([10, 23]);
    const out = plan.finish();
    expect(out.length).toBe(99);
    expect(out.subarray(8, 14)).toEqual(Uint8Array.of(8, 9, 0xee, 0xee, 0xee, 10));
    expect(out.subarray(22, 26)).toEqual(Uint8Array.of(19, 0xee, 25, 26));
  });

  it('orders insertions at one offset: inside an enclosing box first', () => {
    const outer = box(0, 50);
    const inner = box(30, 50);
    const plan = new EditPlan(file, layout);
    const after = plan.add({ at: 50, del: 0, insert: bytes(2, 0xaa), owners: [] });
    const inside = plan.add({ at: 50, del: 0, insert: bytes(2, 0xbb), owners: [outer, inner] });
    expect(plan.newPosition(inside)).toBe(50);
    expect(plan.newPosition(after)).toBe(52);
    const out = plan.finish();
    expect(Array.from(out.subarray(50, 54))).toEqual([0xbb, 0xbb, 0xaa, 0xaa]);
    // Both owners grew by 2 bytes: their 32-bit size fields were rewritten.
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 52]);
    expect(Array.from(out.subarray(30, 34))).toEqual([0, 0, 0, 22]);
  });

  it('rewrites a 64-bit size, and leaves a size-0 box alone', () => {
    const plan = new EditPlan(file, layout);
    plan.add({
      at: 40,
      del: 0,
      insert: bytes(4),
      owners: [box(0, 60, { large: true, headerSize: 16 }), box(20, 100, { toEnd: true })],
    });
    const out = plan.finish();
    expect(Array.from(out.subarray(8, 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 64]);
    expect(Array.from(out.subarray(20, 24))).toEqual([20, 21, 22, 23]);
  });

  it('refuses a 32-bit box size that would overflow (format.metadata_too_large)', () => {
    const plan = new EditPlan(file, layout);
    plan.add({ at: 10, del: 0, insert: bytes(16), owners: [box(0, 0xfffffff8)] });
    expect(catchFormatError(() => plan.finish())?.code).toBe('format.metadata_too_large');
  });

  it('refuses overlapping edits (format.corrupt)', () => {
    const plan = new EditPlan(file, layout);
    plan.add({ at: 10, del: 10, insert: bytes(0), owners: [] });
    plan.add({ at: 15, del: 1, insert: bytes(0), owners: [] });
    expect(catchFormatError(() => plan.finish())?.code).toBe('format.corrupt');
  });

  it('moves a track chunk after an insertion, refuses one inside a deletion', () => {
    const chunks: HeifLayout = { ...layout, chunkOffsets: [{ at: 4, size: 4, value: 60 }] };
    const grow = new EditPlan(file, chunks);
    grow.add({ at: 50, del: 0, insert: bytes(7), owners: [] });
    expect(Array.from(grow.finish().subarray(4, 8))).toEqual([0, 0, 0, 67]);
    const cut = new EditPlan(file, chunks);
    cut.add({ at: 55, del: 10, insert: bytes(0), owners: [] });
    expect(catchFormatError(() => cut.finish())?.code).toBe('format.corrupt');
  });

  it('builds lazy bytes once positions are known, and returns a copy when nothing changes', () => {
    const plan = new EditPlan(file, layout);
    const data = plan.add({ at: 90, del: 0, insert: bytes(2), owners: [] });
    plan.add({
      at: 5,
      del: 0,
      insert: { length: 1, build: () => Uint8Array.of(plan.newPosition(data)) },
      owners: [],
    });
    expect(plan.finish()[5]).toBe(91);
    const none = new EditPlan(file, layout).finish();
    expect(none).toEqual(file);
    expect(none).not.toBe(file);
  });

  it('refuses fragmented files', () => {
    const plan = new EditPlan(file, { ...layout, fragmented: true });
    plan.add({ at: 5, del: 0, insert: bytes(1), owners: [] });
    expect(catchFormatError(() => plan.finish())?.code).toBe('format.unsupported');
  });
});
