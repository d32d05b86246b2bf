import { describe, expect, it } from 'vitest';
import { bytesSource } from '../source.js';
import { encodeBox, readBoxHeader, readChildren } from './boxes.js';

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
