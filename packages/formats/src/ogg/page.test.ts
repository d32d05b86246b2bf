import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { oggProbes } from '../testing/ogg-fixtures.js';
import { FLAG_BOS, FLAG_CONTINUED, buildPage, readPage, renumberPage } from './page.js';

const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
const page = buildPage({
  flags: FLAG_CONTINUED,
  granule: -1n,
  serial: 0xdeadbeef,
  sequence: 7,
  lacing: Uint8Array.of(255, 45),
  body,
});
const reseal = oggProbes.reseal!;
const edit = (at: number, value: number) => {
  const out = page.slice();
  out[at] = value;
  return reseal(out);
};

describe('Ogg page (RFC 3533 §6)', () => {
  it('builds a page whose fields read back, inside a larger file', () => {
    const file = concatBytes([asciiBytes('xx'), page, asciiBytes('yy')]);
    expect(readPage(file, 2)).toEqual({
      start: 2,
      lacingStart: 29,
      bodyStart: 31,
      end: 331,
      flags: FLAG_CONTINUED,
      granule: -1n,
      serial: 0xdeadbeef,
      sequence: 7,
      segments: 2,
    });
  });

  it('renumbers a page in place and keeps its CRC valid', () => {
    const out = page.slice();
    renumberPage(out, 0, out.length, 0xffffffff);
    expect(readPage(out, 0).sequence).toBe(0xffffffff);
    expect(out.subarray(27)).toEqual(page.subarray(27));
  });

  it('refuses bad lacing as a programming error', () => {
    const p = { flags: 0, granule: 0n, serial: 0, sequence: 0 };
    expect(() => buildPage({ ...p, lacing: Uint8Array.of(3), body: new Uint8Array(2) })).toThrow(RangeError);
    expect(() => buildPage({ ...p, lacing: new Uint8Array(256), body: new Uint8Array(0) })).toThrow(
      RangeError,
    );
  });

  it('takes an empty or cut page as format.truncated', () => {
    for (const cut of [0, 2, 4, 26, 27, 28, 29, 200, page.length - 1]) {
      expect(catchFormatError(() => readPage(page.subarray(0, cut), 0))?.code, `cut ${cut}`).toBe(
        'format.truncated',
      );
    }
  });

  it.each([
    ['no capture pattern', () => concatBytes([asciiBytes('Oggs'), page.subarray(4)])],
    ['a short tail that is not "OggS"', () => asciiBytes('Og!')],
    ['version 1', () => edit(4, 1)],
    ['a reserved header type bit', () => edit(5, FLAG_BOS | 0x08)],
    [
      'a CRC mismatch',
      () => {
        const out = page.slice();
        out[100] = out[100]! ^ 1;
        return out;
      },
    ],
  ])('rejects %s as format.corrupt', (_name, build) => {
    expect(catchFormatError(() => readPage(build(), 0))?.code).toBe('format.corrupt');
  });
});
