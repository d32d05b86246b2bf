import { asciiBytes, concatBytes } from '@synthguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildGradientImage } from '../testing/images.js';
import {
  WEBP_TRAILER,
  buildAlphaImage,
  buildAnimation,
  insertWebpChunks,
  resealWebp,
  webpChunkStart,
  webpChunkTypes,
} from '../testing/webp-fixtures.js';
import { MAX_RIFF_SIZE, buildWebpChunk, hasWebpSignature, readU32LE, walkWebp, writeU32LE } from './riff.js';

/** 'RIFF' size 'WEBP' + chunks, with File Size computed. */
function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = concatBytes(chunks);
  const out = concatBytes([asciiBytes('RIFF'), new Uint8Array(4), asciiBytes('WEBP'), body]);
  writeU32LE(out, 4, 4 + body.length);
  return out;
}

function code(file: Uint8Array): string | undefined {
  return catchFormatError(() => walkWebp(file))?.code;
}

describe('walkWebp (RFC 9649 §2, WebP Container Specification)', () => {
  let lossy: Uint8Array;
  let lossless: Uint8Array;
  let lossyAlpha: Uint8Array;
  let animated: Uint8Array;
  /** The VP8 chunk of `lossy`, and a VP8X payload for it. */
  let vp8: Uint8Array;
  beforeAll(async () => {
    lossy = new Uint8Array(await buildGradientImage(40, 30).webp().toBuffer());
    lossless = new Uint8Array(await buildAlphaImage(24, 16).webp({ lossless: true }).toBuffer());
    lossyAlpha = new Uint8Array(await buildAlphaImage(30, 20).webp().toBuffer());
    animated = new Uint8Array(await (await buildAnimation()).webp().toBuffer());
    vp8 = lossy.subarray(12);
  });

  it('walks the simple lossy, simple lossless, extended and animated layouts', () => {
    expect(webpChunkTypes(lossy)).toEqual(['VP8 ']);
    expect(webpChunkTypes(lossless)).toEqual(['VP8L']);
    expect(webpChunkTypes(lossyAlpha)).toEqual(['VP8X', 'ALPH', 'VP8 ']);
    expect(webpChunkTypes(animated)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF', 'ANMF']);
    const simple = walkWebp(lossy);
    expect(simple.extended).toBe(false);
    expect(simple.riffEnd).toBe(lossy.length);
    expect(simple.image?.info).toEqual({ width: 40, height: 30, alpha: false });
    expect(walkWebp(lossless).image?.info).toEqual({ width: 24, height: 16, alpha: true });
    const ext = walkWebp(lossyAlpha);
    expect(ext.extended && ext.vp8x.start).toBe(12);
    expect(ext.image?.info).toEqual({ width: 30, height: 20, alpha: false });
    expect(walkWebp(animated).image).toBeUndefined();
  });

  it('keeps bytes after File Size as a trailer, and checks the padding byte of odd chunks', () => {
    const file = concatBytes([lossy, WEBP_TRAILER]);
    expect(walkWebp(file).riffEnd).toBe(lossy.length);
    const odd = insertWebpChunks(lossy, lossy.length, [buildWebpChunk('sgTS', asciiBytes('abc'))]);
    const c = walkWebp(odd).chunks[1]!;
    expect([c.dataEnd - c.dataStart, c.end - c.dataEnd]).toEqual([3, 1]);
    // The same chunk without its padding byte runs past the RIFF end.
    const unpadded = resealWebp(odd.subarray(0, odd.length - 1));
    expect(catchFormatError(() => walkWebp(unpadded))?.details).toMatchObject({ offset: c.start });
    expect(code(unpadded)).toBe('format.corrupt');
  });

  it('sniffs RIFF....WEBP only', () => {
    expect(hasWebpSignature(lossy)).toBe(true);
    expect(hasWebpSignature(lossy.subarray(0, 11))).toBe(false);
    const wave = lossy.slice();
    wave.set(asciiBytes('WAVE'), 8);
    expect(hasWebpSignature(wave)).toBe(false);
  });

  it('reports a File Size beyond the end of the file as truncated, at every cut', () => {
    for (let cut = 0; cut < lossy.length; cut++) {
      expect(code(lossy.subarray(0, cut)), `cut ${cut}`).toBe('format.truncated');
    }
  });

  it.each([
    ['not RIFF', () => concatBytes([asciiBytes('RIFX'), new Uint8Array(8)])],
    ['not WEBP', () => concatBytes([asciiBytes('RIFF'), Uint8Array.of(4, 0, 0, 0), asciiBytes('WAVE')])],
  ] as const)('%s -> format.corrupt', (_name, build) => {
    expect(code(build())).toBe('format.corrupt');
  });

  it('rejects File Size above 2^32-10 or too small for a chunk as corrupt', () => {
    const big = lossy.slice();
    writeU32LE(big, 4, MAX_RIFF_SIZE + 1);
    expect(catchFormatError(() => walkWebp(big))?.details).toMatchObject({ size: MAX_RIFF_SIZE + 1 });
    writeU32LE(big, 4, MAX_RIFF_SIZE);
    expect(code(big)).toBe('format.truncated');
    const small = lossy.slice();
    writeU32LE(small, 4, 11);
    expect(code(small)).toBe('format.corrupt');
  });

  it('rejects chunks that cross the RIFF end, short headers and non-ASCII FourCCs', () => {
    const shortHeader = resealWebp(concatBytes([lossy, asciiBytes('XMP ')]));
    expect(code(shortHeader)).toBe('format.corrupt');
    const over = lossy.slice();
    writeU32LE(over, 16, readU32LE(over, 16) + 2);
    expect(code(over)).toBe('format.corrupt');
    const huge = lossy.slice();
    writeU32LE(huge, 16, 0xffffffff);
    expect(code(huge)).toBe('format.corrupt');
    const badType = lossy.slice();
    badType[12] = 0x01;
    expect(code(badType)).toBe('format.corrupt');
  });

  it('checks the layout: first chunk, VP8X position and size, one bitstream, image data present', () => {
    const vp8x = (flags: number) => buildWebpChunk('VP8X', Uint8Array.of(flags, 0, 0, 0, 39, 0, 0, 29, 0, 0));
    const alph = buildWebpChunk('ALPH', Uint8Array.of(0, 1, 2));
    const exif = buildWebpChunk('EXIF', asciiBytes('II*\0'));
    const anim = buildWebpChunk('ANIM', new Uint8Array(6));
    const cases: [string, Uint8Array][] = [
      ['EXIF first', riff(exif, vp8)],
      ['VP8X second', riff(vp8, vp8x(0))],
      ['VP8X of 12 bytes', riff(buildWebpChunk('VP8X', new Uint8Array(12)), vp8)],
      ['two bitstreams', riff(vp8x(0), vp8, vp8)],
      ['extended without image data', riff(vp8x(0), exif)],
      ['ALPH in a simple file', riff(vp8, alph)],
      ['ANIM in a simple file', riff(vp8, anim)],
      ['ANMF shorter than its header', riff(vp8x(2), anim, buildWebpChunk('ANMF', new Uint8Array(15)))],
      [
        'ANMF frame chunk past the ANMF end',
        riff(vp8x(2), anim, buildWebpChunk('ANMF', concatBytes([new Uint8Array(16), vp8.subarray(0, 20)]))),
      ],
    ];
    for (const [name, file] of cases) expect(code(file), name).toBe('format.corrupt');
    // ... while metadata after the bitstream of a simple file is tolerated (libwebp ignores it).
    expect(code(riff(vp8, exif))).toBeUndefined();
    expect(code(riff(vp8x(0x08), vp8, exif))).toBeUndefined();
  });

  it('checks the VP8 key frame header (RFC 6386 §9.1) and the VP8L header', () => {
    const at = webpChunkStart(lossy, 'VP8 ') + 8;
    const mutate = (file: Uint8Array, offset: number, value: number) => {
      const out = file.slice();
      out[offset] = value;
      return out;
    };
    expect(code(mutate(lossy, at, lossy[at]! | 1))).toBe('format.corrupt'); // inter frame
    expect(code(mutate(lossy, at, lossy[at]! & ~0x10))).toBe('format.corrupt'); // not shown
    expect(code(mutate(lossy, at, lossy[at]! | 0x0e))).toBe('format.corrupt'); // profile 7
    expect(code(mutate(lossy, at + 2, 0xff))).toBe('format.corrupt'); // partition > chunk
    expect(code(mutate(lossy, at + 3, 0x9c))).toBe('format.corrupt'); // start code
    expect(code(mutate(mutate(lossy, at + 6, 0), at + 7, 0))).toBe('format.corrupt'); // width 0
    expect(code(riff(buildWebpChunk('VP8 ', lossy.subarray(at, at + 9))))).toBe('format.corrupt');

    const l = webpChunkStart(lossless, 'VP8L') + 8;
    expect(code(mutate(lossless, l, 0x2e))).toBe('format.corrupt'); // signature
    expect(code(mutate(lossless, l + 4, lossless[l + 4]! | 0x20))).toBe('format.corrupt'); // version 1
    expect(code(riff(buildWebpChunk('VP8L', lossless.subarray(l, l + 4))))).toBe('format.corrupt');
  });
});
