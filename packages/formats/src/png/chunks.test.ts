import { asciiBytes, concatBytes, writeU32BE } from '@synthguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildSharpImage } from '../testing/images.js';
import { PNG_TRAILER, chunkStart, insertAt } from '../testing/png-fixtures.js';
import { PNG_SIGNATURE, buildChunk, walkPng } from './chunks.js';

describe('walkPng (PNG spec 3rd ed. §5)', () => {
  let png: Uint8Array;
  beforeAll(async () => {
    png = new Uint8Array(await buildSharpImage(8, 8).png().toBuffer());
  });

  it('lists every chunk from IHDR to IEND and where the image ends', () => {
    const file = concatBytes([png, PNG_TRAILER]);
    const { chunks, imageEnd } = walkPng(file);
    expect(chunks[0]?.type).toBe('IHDR');
    expect(chunks.at(-1)?.type).toBe('IEND');
    expect(imageEnd).toBe(png.length);
  });

  it('reports a flipped data byte as format.png_bad_crc with the chunk and its offset', () => {
    const bad = png.slice();
    bad[16] = bad[16]! ^ 0x01; // IHDR width, low bytes
    const err = catchFormatError(() => walkPng(bad));
    expect(err?.code).toBe('format.png_bad_crc');
    expect(err?.details).toEqual({ chunk: 'IHDR', offset: 8 });

    const idat = chunkStart(png, 'IDAT');
    const badIdat = png.slice();
    badIdat[idat + 9] = badIdat[idat + 9]! ^ 0x80;
    expect(catchFormatError(() => walkPng(badIdat))?.details).toEqual({ chunk: 'IDAT', offset: idat });
  });

  it('reports a flipped CRC byte as format.png_bad_crc', () => {
    const bad = png.slice();
    bad[8 + 8 + 13] = bad[8 + 8 + 13]! ^ 0xff;
    expect(catchFormatError(() => walkPng(bad))?.code).toBe('format.png_bad_crc');
  });

  it('reports a missing IEND as truncated', () => {
    const noIend = png.subarray(0, chunkStart(png, 'IEND'));
    expect(catchFormatError(() => walkPng(noIend))?.code).toBe('format.truncated');
  });

  it('rejects a chunk length over 2^31-1 as corrupt, without allocating', () => {
    const at = chunkStart(png, 'IDAT');
    const bad = png.slice();
    writeU32BE(bad, at, 0x80000000);
    const err = catchFormatError(() => walkPng(bad));
    expect(err?.code).toBe('format.corrupt');
    expect(err?.details).toMatchObject({ offset: at, length: 0x80000000 });
    writeU32BE(bad, at, 0x7fffffff);
    expect(catchFormatError(() => walkPng(bad))?.code).toBe('format.truncated');
  });

  it.each([
    ['empty', () => new Uint8Array(0), 'format.truncated'],
    ['half a signature', () => PNG_SIGNATURE.subarray(0, 4), 'format.truncated'],
    ['signature only', () => PNG_SIGNATURE, 'format.truncated'],
    [
      'bad signature',
      () => concatBytes([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00), new Uint8Array(25)]),
      'format.corrupt',
    ],
    ['JPEG bytes', () => Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0), 'format.corrupt'],
  ] as const)('%s -> %s', (_name, build, code) => {
    expect(catchFormatError(() => walkPng(build()))?.code).toBe(code);
  });

  it('rejects a first chunk that is not IHDR, a second IHDR, a bad type, IEND with data, and no IDAT', () => {
    const ihdr = png.subarray(8, 33);
    const rest = png.subarray(33);
    const text = buildChunk('tEXt', asciiBytes('Comment\0x'));
    const cases = [
      concatBytes([PNG_SIGNATURE, text, ihdr, rest]),
      concatBytes([PNG_SIGNATURE, ihdr, ihdr, rest]),
      concatBytes([PNG_SIGNATURE, ihdr, buildChunk('tE1t', asciiBytes('x')), rest]),
      concatBytes([PNG_SIGNATURE, ihdr, buildChunk('IEND', asciiBytes('x'))]),
      concatBytes([PNG_SIGNATURE, ihdr, buildChunk('IEND', new Uint8Array(0))]),
    ];
    for (const file of cases) expect(catchFormatError(() => walkPng(file))?.code).toBe('format.corrupt');
    // ... while a well-placed extra chunk is fine.
    expect(() => walkPng(insertAt(png, 33, text))).not.toThrow();
  });
});
