import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildFlac } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { crc8 } from './crc.js';
import { parseFrameHeader, scanFlacFrames } from './frames.js';
import { walkFlacMetadata } from './stream.js';

/** A frame header with its CRC-8: sync, codes, coded number bytes, extra bytes. */
function header(o: {
  variable?: boolean;
  bs?: number;
  sr?: number;
  ch?: number;
  depth?: number;
  num?: number[];
  extra?: number[];
}): Uint8Array {
  const h = Uint8Array.of(
    0xff,
    o.variable ? 0xf9 : 0xf8,
    ((o.bs ?? 8) << 4) | (o.sr ?? 9),
    ((o.ch ?? 1) << 4) | ((o.depth ?? 4) << 1),
    ...(o.num ?? [0]),
    ...(o.extra ?? []),
  );
  return concatBytes([h, Uint8Array.of(crc8(h))]);
}

const parse = (h: Uint8Array) => parseFrameHeader(h, 0, h.length);

describe('parseFrameHeader (RFC 9639 §9.1)', () => {
  it.each([
    [1, [], 192],
    [2, [], 576],
    [5, [], 4608],
    [6, [99], 100],
    [7, [0x10, 0x00], 4097],
    [8, [], 256],
    [12, [], 4096],
    [15, [], 32768],
  ])('block size code %i -> %i samples', (bs, extra, size) => {
    const h = header({ bs, extra });
    expect(parse(h)).toEqual({ blockingStrategy: 0, blockSize: size, length: h.length });
  });

  it('reads the sample-rate extras, multi-byte coded numbers and the variable strategy', () => {
    expect(parse(header({ sr: 12, extra: [44] }))?.length).toBe(7);
    expect(parse(header({ sr: 13, extra: [1, 2] }))?.length).toBe(8);
    expect(parse(header({ sr: 14, extra: [1, 2] }))?.length).toBe(8);
    expect(parse(header({ num: [0xc2, 0x80] }))?.length).toBe(7);
    expect(parse(header({ variable: true, num: [0xfe, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80] }))).toMatchObject({
      blockingStrategy: 1,
      length: 12,
    });
  });

  it.each([
    ['a bad sync', () => Uint8Array.of(0xff, 0xf0, 0x89, 0x18, 0, 0)],
    ['block size code 0', () => header({ bs: 0 })],
    ['sample rate code 15', () => header({ sr: 15 })],
    ['channel code 11', () => header({ ch: 11 })],
    ['bit depth code 3', () => header({ depth: 3 })],
    [
      'the reserved bit',
      () => {
        const h = header({});
        h[3] = h[3]! | 1;
        return concatBytes([h.subarray(0, -1), Uint8Array.of(crc8(h, 0, h.length - 1))]);
      },
    ],
    [
      'a bad CRC-8',
      () => {
        const h = header({});
        h[h.length - 1] = h.at(-1)! ^ 1;
        return h;
      },
    ],
    ['a continuation byte first in the coded number', () => header({ num: [0x80] })],
    [
      'a 7-byte coded number with fixed blocks',
      () => header({ num: [0xfe, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80] }),
    ],
    ['a coded number with a bad continuation', () => header({ num: [0xc2, 0x41] })],
    ['0xFF as the coded number', () => header({ num: [0xff] })],
  ])('is no header with %s', (_name, build) => {
    expect(parse(build())).toBeUndefined();
  });

  it('reports a header cut short as format.truncated, and a short non-header as none', () => {
    const h = header({ bs: 7, extra: [1, 2] });
    for (let n = 1; n < h.length; n++) {
      expect(catchFormatError(() => parseFrameHeader(h, 0, n))?.code, `length ${n}`).toBe('format.truncated');
    }
    expect(parseFrameHeader(Uint8Array.of(1, 2), 0, 2)).toBeUndefined();
  });
});

describe('scanFlacFrames', () => {
  const file = buildFlac({ blocks: [576, 576, 300] });
  const { audioStart } = walkFlacMetadata(file);

  it('counts frames and samples up to the end', () => {
    expect(scanFlacFrames(file, audioStart, file.length)).toEqual({
      count: 3,
      samples: 1452,
      end: file.length,
    });
  });

  it('reports a damaged middle frame as corrupt, a cut one as truncated, no frame as corrupt', () => {
    const damaged = file.slice();
    damaged[audioStart + 40] = damaged[audioStart + 40]! ^ 0x10;
    expect(catchFormatError(() => scanFlacFrames(damaged, audioStart, damaged.length))?.code).toBe(
      'format.corrupt',
    );
    expect(catchFormatError(() => scanFlacFrames(file, audioStart, file.length - 1))?.code).toBe(
      'format.truncated',
    );
    expect(catchFormatError(() => scanFlacFrames(file, audioStart, audioStart))?.code).toBe(
      'format.truncated',
    );
    expect(catchFormatError(() => scanFlacFrames(file, audioStart + 1, file.length))?.code).toBe(
      'format.corrupt',
    );
  });

  it('lets the last frame end where an ID3v1 tag starts', () => {
    const withTag = concatBytes([file, new Uint8Array(128)]);
    expect(scanFlacFrames(withTag, audioStart, withTag.length, file.length).end).toBe(file.length);
  });
});
