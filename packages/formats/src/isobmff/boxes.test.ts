import { describe, expect, it } from 'vitest';
import { bytesSource } from '../source.js';
import {
  encodeBox,
  fourccBytes,
  readBoxHeader,
  readChildren,
  readNestedChildren,
  u64,
  writeU64,
} from './boxes.js';

function box(type: string, payload: number[]): Uint8Array {
  return encodeBox(type, Uint8Array.from(payload));
}

describe('ISO BMFF box headers', () => {
  it('reads 32-bit, 64-bit and to-end sizes', () => {
    const a = box('free', [1, 2, 3]);
    const large = new Uint8Array(16 + 2);
    new DataView(large.buffer).setUint32(0, 1);
    large.set([0x6d, 0x64, 0x61, 0x74], 4);
    new DataView(large.buffer).setUint32(12, 18);
    const toEnd = Uint8Array.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74, 9, 9]);
    const file = Uint8Array.from([...a, ...large, ...toEnd]);
    const boxes = readChildren(bytesSource(file), 0, file.length);
    expect(boxes.map((b) => [b.type, b.start, b.end, b.headerSize, b.large, b.toEnd])).toEqual([
      ['free', 0, 11, 8, false, false],
      ['mdat', 11, 29, 16, true, false],
      ['mdat', 29, 39, 8, false, true],
    ]);
  });

  it('rejects boxes that overrun their parent or undercut their header', () => {
    const a = box('free', [1, 2, 3]);
    expect(() => readChildren(bytesSource(a.subarray(0, 10)), 0, 10)).toThrow(
      expect.objectContaining({ code: 'format.truncated' }),
    );
    const small = Uint8Array.from([0, 0, 0, 4, 0x66, 0x72, 0x65, 0x65]);
    expect(() => readBoxHeader(bytesSource(small), 0, 8)).toThrow(
      expect.objectContaining({ code: 'format.corrupt' }),
    );
  });
});

describe('nested children and integer helpers', () => {
  it('rejects a size-0 box inside another box, accepts it at the top level', () => {
    const toEnd = Uint8Array.from([0, 0, 0, 0, 0x66, 0x72, 0x65, 0x65, 1, 2]);
    expect(readChildren(bytesSource(toEnd), 0, toEnd.length)[0]!.toEnd).toBe(true);
    expect(() => readNestedChildren(bytesSource(toEnd), 0, toEnd.length)).toThrow(
      expect.objectContaining({ code: 'format.corrupt' }),
    );
  });

  it('reads and writes 64-bit integers up to 2^53, rejecting larger ones', () => {
    const b = new Uint8Array(8);
    writeU64(b, 0, 2 ** 40 + 5);
    expect(u64(b, 0)).toBe(2 ** 40 + 5);
    expect(() => u64(Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0]), 0)).toThrow(
      expect.objectContaining({ code: 'format.corrupt' }),
    );
  });

  it('encodes box types as Latin-1 bytes only', () => {
    expect([...fourccBytes('\xa9nam')]).toEqual([0xa9, 0x6e, 0x61, 0x6d]);
    expect(() => fourccBytes('标签ab')).toThrow(RangeError);
    expect(() => fourccBytes('abc')).toThrow(RangeError);
  });
});
