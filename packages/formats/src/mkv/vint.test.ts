import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import {
  encodeId,
  encodeSize,
  encodeUint,
  keptLength,
  minimalSizeLength,
  minimalUintLength,
  readElementId,
  readElementSize,
  readUint,
} from './vint.js';

const b = (...x: number[]) => Uint8Array.from(x);

describe('EBML element IDs (RFC 8794 §5)', () => {
  it.each([
    [[0xec], 0xec, 1],
    [[0x42, 0x86], 0x4286, 2],
    [[0x2a, 0xd7, 0xb1], 0x2ad7b1, 3],
    [[0x1a, 0x45, 0xdf, 0xa3], 0x1a45dfa3, 4],
  ])('reads %j as 0x%s', (bytes, id, length) => {
    expect(readElementId(b(...bytes), 0, bytes.length)).toEqual({ id, length });
    expect(encodeId(id)).toEqual(b(...bytes));
  });

  it.each([
    ['a zero first byte', [0x00, 0x81]],
    ['a 5-byte ID', [0x08, 1, 2, 3, 4]],
    ['all-ones data', [0xff]],
    ['all-ones 2-byte data', [0x7f, 0xff]],
    ['all-zeros data', [0x80]],
    ['all-zeros 2-byte data', [0x40, 0x00]],
  ])('rejects %s as corrupt', (_name, bytes) => {
    expect(catchFormatError(() => readElementId(b(...bytes), 0, bytes.length))?.code).toBe('format.corrupt');
  });

  it('is truncated at the end of the file, corrupt at the end of a parent', () => {
    const file = b(0x1a, 0x45, 0xdf, 0xa3, 0x80);
    expect(catchFormatError(() => readElementId(file.subarray(0, 2), 0, 2))?.code).toBe('format.truncated');
    expect(catchFormatError(() => readElementId(file, 0, 2))?.code).toBe('format.corrupt');
  });
});

describe('EBML data sizes (RFC 8794 §6)', () => {
  it.each([
    [[0x80], 0, 1],
    [[0xfe], 126, 1],
    [[0x40, 0x7f], 127, 2],
    [[0x01, 0, 0, 0, 0, 0, 0x3a, 0x33], 14899, 8],
  ])('reads %j as %i', (bytes, size, length) => {
    expect(readElementSize(b(...bytes), 0, bytes.length)).toEqual({ size, length });
  });

  it('reads all-ones data as unknown, at any length', () => {
    expect(readElementSize(b(0xff), 0, 1).size).toBeUndefined();
    expect(readElementSize(b(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0, 8).size).toBeUndefined();
    expect(readElementSize(b(0x7f, 0xff), 0, 2).size).toBeUndefined();
  });

  it('rejects a zero first byte (longer than 8 bytes) and reports a cut VINT', () => {
    expect(catchFormatError(() => readElementSize(b(0, 1), 0, 2))?.code).toBe('format.corrupt');
    expect(catchFormatError(() => readElementSize(b(0x40), 0, 1))?.code).toBe('format.truncated');
  });

  it('encodes the shortest size, never the reserved all-ones value', () => {
    expect(minimalSizeLength(126)).toBe(1);
    expect(minimalSizeLength(127)).toBe(2);
    expect(minimalSizeLength(16382)).toBe(2);
    expect(minimalSizeLength(16383)).toBe(3);
    expect(encodeSize(127, 2)).toEqual(b(0x40, 0x7f));
    expect(encodeSize(5, 8)).toEqual(b(0x01, 0, 0, 0, 0, 0, 0, 5));
    expect(() => encodeSize(127, 1)).toThrow(RangeError);
  });
});

describe('unsigned integers (RFC 8794 §7.2)', () => {
  it('reads 0 to 8 bytes and refuses more, or values past 2^53', () => {
    expect(readUint(b(), 0, 0)).toBe(0);
    expect(readUint(b(1, 0), 0, 2)).toBe(256);
    expect(catchFormatError(() => readUint(new Uint8Array(9), 0, 9))?.code).toBe('format.corrupt');
    expect(
      catchFormatError(() => readUint(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0, 8))?.code,
    ).toBe('format.corrupt');
  });

  it('encodes at a given width', () => {
    expect(minimalUintLength(0)).toBe(1);
    expect(minimalUintLength(255)).toBe(1);
    expect(minimalUintLength(256)).toBe(2);
    expect(encodeUint(256, 3)).toEqual(b(0, 1, 0));
    expect(encodeUint(0, 0)).toEqual(b());
    expect(() => encodeUint(256, 1)).toThrow(RangeError);
  });
});

describe('keptLength', () => {
  it.each([
    // shortest stays shortest, both ways
    [1, 1, 2, 2],
    [2, 2, 1, 1],
    // a reserved width is kept while the value fits, and grows when it does not
    [8, 2, 3, 8],
    [4, 1, 5, 5],
  ])('old %i (shortest %i), new shortest %i -> %i', (oldLength, oldMinimal, newMinimal, kept) => {
    expect(keptLength(oldLength, oldMinimal, newMinimal)).toBe(kept);
  });
});
