import { asciiBytes } from '@synthguard/core';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc.js';

describe('crc32 (PNG spec 3rd ed. Annex D)', () => {
  it('matches the check value of CRC-32/ISO-HDLC', () => {
    expect(crc32(asciiBytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('matches the CRC of a real IEND chunk', () => {
    expect(crc32(asciiBytes('IEND'))).toBe(0xae426082);
  });

  it('agrees with a whole-buffer CRC on arbitrary input, ranges and continuation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
        const lo = Math.min(a, b) % (bytes.length + 1);
        const hi = Math.max(lo, Math.max(a, b) % (bytes.length + 1));
        expect(crc32(bytes, lo, hi)).toBe(zlibCrc32(bytes.subarray(lo, hi)));
        expect(crc32(bytes, lo, bytes.length, crc32(bytes, 0, lo))).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
