import { describe, expect, it } from 'vitest';
import { applySplices, bytesSource } from '../source.js';
import { encodeBox, readBoxHeader, readChildren } from './boxes.js';
import { type BoxEdit, planBoxEdits } from './edits.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('planBoxEdits', () => {
  // outer( inner(1 2 3) tail(9) )
  const file = encodeBox(
    'outr',
    Uint8Array.from([...encodeBox('innr', bytes(1, 2, 3)), ...encodeBox('tail', bytes(9))]),
  );
  const src = bytesSource(file);
  const outer = readBoxHeader(src, 0, file.length);
  const [inner, tail] = readChildren(src, 8, outer.end);

  it('rewrites the size of every enclosing box by the net change inside it', () => {
    const edits: BoxEdit[] = [
      { start: inner!.end, end: inner!.end, bytes: bytes(4, 5), enclosing: [outer, inner!] },
      { start: tail!.start + 8, end: tail!.end, bytes: bytes(), enclosing: [outer, tail!] },
    ];
    const out = applySplices(file, planBoxEdits(edits));
    const o = readBoxHeader(bytesSource(out), 0, out.length);
    expect(o.end).toBe(out.length);
    const kids = readChildren(bytesSource(out), 8, o.end);
    expect(kids.map((k) => [k.type, k.end - k.start])).toEqual([
      ['innr', 13],
      ['tail', 8],
    ]);
    expect([...out.subarray(16, 21)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('names the enclosing boxes: a box inserted at a box end goes to the parent only', () => {
    const added = encodeBox('new ', bytes(7));
    const out = applySplices(
      file,
      planBoxEdits([{ start: inner!.end, end: inner!.end, bytes: added, enclosing: [outer] }]),
    );
    const kids = readChildren(bytesSource(out), 8, readBoxHeader(bytesSource(out), 0, out.length).end);
    expect(kids.map((k) => [k.type, k.end - k.start])).toEqual([
      ['innr', 11],
      ['new ', 9],
      ['tail', 9],
    ]);
  });

  it('keeps the 64-bit form of a largesize box and a size-0 box', () => {
    const large = new Uint8Array(16 + 2);
    const dv = new DataView(large.buffer);
    dv.setUint32(0, 1);
    large.set([0x6d, 0x64, 0x61, 0x74], 4);
    dv.setUint32(12, 18);
    const box = readBoxHeader(bytesSource(large), 0, large.length);
    const out = applySplices(
      large,
      planBoxEdits([{ start: 18, end: 18, bytes: bytes(1, 2), enclosing: [box] }]),
    );
    expect(new DataView(out.buffer).getUint32(12)).toBe(20);
    expect(new DataView(out.buffer).getUint32(0)).toBe(1);
    const toEnd = bytes(0, 0, 0, 0, 0x6d, 0x6f, 0x6f, 0x76, 1);
    const t = readBoxHeader(bytesSource(toEnd), 0, toEnd.length);
    const plan = planBoxEdits([{ start: 9, end: 9, bytes: bytes(2), enclosing: [t] }]);
    expect(plan.map((s) => s.offset)).toEqual([9]);
  });

  it('throws on overlapping edits, edits outside their box, and 32-bit overflow', () => {
    expect(() =>
      planBoxEdits([
        { start: 16, end: 18, bytes: bytes(), enclosing: [] },
        { start: 17, end: 19, bytes: bytes(), enclosing: [] },
      ]),
    ).toThrow(RangeError);
    expect(() => planBoxEdits([{ start: 2, end: 3, bytes: bytes(), enclosing: [inner!] }])).toThrow(
      RangeError,
    );
    const huge = { ...outer, end: 0xffff_fff0 };
    expect(() =>
      planBoxEdits([{ start: 20, end: 20, bytes: new Uint8Array(32), enclosing: [huge] }]),
    ).toThrow(expect.objectContaining({ code: 'format.metadata_too_large' }));
  });
});
