import { asciiBytes, bytesEqual, concatBytes } from '@synthguard/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXmpPacket } from '../testing/conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildGradientImage } from '../testing/images.js';
import {
  WEBP_TRAILER,
  appendWebpChunks,
  buildAlphaImage,
  buildAnimation,
  buildWebpFixtures,
  insertWebpChunks,
  resealWebp,
  webpChunkStart,
  webpChunkTypes,
} from '../testing/webp-fixtures.js';
import { webpHandler } from './handler.js';
import { buildWebpChunk, readU32LE, walkWebp } from './riff.js';
import { readWebpXmp, writeWebpXmp } from './xmp.js';

const packet = buildXmpPacket();

/** VP8X chunk bytes, built by hand from the spec diagram (RFC 9649 §2.7). */
function vp8xBytes(flags: number, width: number, height: number): Uint8Array {
  const w = width - 1;
  const h = height - 1;
  return Uint8Array.of(
    ...asciiBytes('VP8X'),
    10,
    0,
    0,
    0,
    flags,
    0,
    0,
    0,
    w & 0xff,
    (w >> 8) & 0xff,
    w >> 16,
    h & 0xff,
    (h >> 8) & 0xff,
    h >> 16,
  );
}

function flagsOf(file: Uint8Array): number | undefined {
  const layout = walkWebp(file);
  return layout.extended ? file[layout.vp8x.dataStart] : undefined;
}

describe('WebP standard XMP (RFC 9649 §2.7.1.5)', () => {
  let lossy: Uint8Array;
  let lossless: Uint8Array;
  let lossyAlpha: Uint8Array;
  let iccExif: Uint8Array;
  beforeAll(async () => {
    lossy = new Uint8Array(await buildGradientImage(40, 30).webp().toBuffer());
    lossless = new Uint8Array(await buildAlphaImage(24, 16).webp({ lossless: true }).toBuffer());
    lossyAlpha = new Uint8Array(await buildAlphaImage(30, 20).webp().toBuffer());
    iccExif = new Uint8Array(
      await buildGradientImage(32, 24)
        .webp()
        .withIccProfile('srgb')
        .withExif({ IFD0: { Copyright: 'x' } })
        .toBuffer(),
    );
  });

  it('converts a simple lossy file: VP8X (X flag, canvas from VP8) before the bitstream, XMP after it', () => {
    const out = writeWebpXmp(lossy, packet);
    const expected = concatBytes([
      lossy.subarray(0, 12),
      vp8xBytes(0x04, 40, 30),
      lossy.subarray(12),
      asciiBytes('XMP '),
      Uint8Array.of(packet.length & 0xff, packet.length >> 8, 0, 0),
      packet,
    ]);
    expect(packet.length % 2).toBe(0);
    expected.set(Uint8Array.of((expected.length - 8) & 0xff, (expected.length - 8) >> 8, 0, 0), 4);
    expect(out).toEqual(expected);
  });

  it('sets the alpha flag when converting a VP8L image that uses alpha', () => {
    const out = writeWebpXmp(lossless, packet);
    expect(bytesEqual(out.subarray(12, 30), vp8xBytes(0x14, 24, 16))).toBe(true);
    expect(bytesEqual(writeWebpXmp(out, undefined), lossless)).toBe(true);
  });

  it('is read by sharp (libwebp) as XMP, and the pixels are unchanged', async () => {
    for (const file of [lossy, lossless, lossyAlpha]) {
      const out = writeWebpXmp(file, packet);
      const meta = await sharp(out).metadata();
      expect(meta.xmp && new Uint8Array(meta.xmp)).toEqual(packet);
      const [a, b] = await Promise.all([sharp(file).raw().toBuffer(), sharp(out).raw().toBuffer()]);
      expect(bytesEqual(a, b)).toBe(true);
    }
  });

  it('inserts after EXIF and before unknown chunks in an extended file, setting only the X flag', () => {
    const unknown = buildWebpChunk('sgTS', asciiBytes('odd'));
    const file = appendWebpChunks(iccExif, [unknown]);
    expect(flagsOf(file)).toBe(0x28);
    const out = writeWebpXmp(file, packet);
    expect(webpChunkTypes(out)).toEqual(['VP8X', 'ICCP', 'VP8 ', 'EXIF', 'XMP ', 'sgTS']);
    expect(flagsOf(out)).toBe(0x2c);
    expect(readU32LE(out, 4)).toBe(out.length - 8);
    expect(bytesEqual(writeWebpXmp(out, undefined), file)).toBe(true);
  });

  it('pads an odd-length packet with a zero byte and keeps File Size even', () => {
    const odd = concatBytes([packet, asciiBytes(' ')]);
    const out = writeWebpXmp(lossyAlpha, odd);
    expect(out[out.length - 1]).toBe(0);
    expect(readU32LE(out, 4) % 2).toBe(0);
    expect(readWebpXmp(out)).toEqual(odd);
    expect(bytesEqual(writeWebpXmp(out, undefined), lossyAlpha)).toBe(true);
  });

  it('replaces an existing XMP chunk in place, wherever it is', () => {
    const old = buildWebpChunk('XMP ', buildXmpPacket('old'));
    const at = webpChunkStart(lossyAlpha, 'ALPH');
    const file = insertWebpChunks(lossyAlpha, at, [old]);
    file[20] = file[20]! | 0x04;
    const out = writeWebpXmp(file, packet);
    expect(webpChunkTypes(out)).toEqual(['VP8X', 'XMP ', 'ALPH', 'VP8 ']);
    expect(bytesEqual(out.subarray(8, at), file.subarray(8, at))).toBe(true);
    const tail = file.subarray(at + old.length);
    expect(bytesEqual(out.subarray(out.length - tail.length), tail)).toBe(true);
    expect(readWebpXmp(out)).toEqual(packet);
  });

  it('removal clears the X flag and keeps VP8X when it carries more than a simple file needs', () => {
    const labelled = writeWebpXmp(lossyAlpha, packet);
    expect(flagsOf(labelled)).toBe(0x14);
    expect(bytesEqual(writeWebpXmp(labelled, undefined), lossyAlpha)).toBe(true);
    // A VP8X whose canvas differs from the bitstream is not ours to drop.
    const wide = concatBytes([lossy.subarray(0, 12), vp8xBytes(0x04, 41, 30), lossy.subarray(12)]);
    wide.set(Uint8Array.of((wide.length - 8) & 0xff, (wide.length - 8) >> 8), 4);
    const removed = writeWebpXmp(writeWebpXmp(wide, packet), undefined);
    expect(webpChunkTypes(removed)).toEqual(['VP8X', 'VP8 ']);
    expect(flagsOf(removed)).toBe(0);
  });

  it('removal drops a VP8X that only the XMP needed (as sharp writes it), giving a simple file', async () => {
    const viaSharp = new Uint8Array(
      await buildGradientImage(40, 30).webp().withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>').toBuffer(),
    );
    expect(webpChunkTypes(viaSharp)).toEqual(['VP8X', 'VP8 ', 'XMP ']);
    const removed = writeWebpXmp(viaSharp, undefined);
    expect(webpChunkTypes(removed)).toEqual(['VP8 ']);
    expect(readU32LE(removed, 4)).toBe(removed.length - 8);
    const plain = await sharp(removed).raw().toBuffer();
    expect(bytesEqual(plain, await sharp(viaSharp).raw().toBuffer())).toBe(true);
  });

  it('reads and replaces a stray XMP chunk in a simple file, converting it', () => {
    const file = appendWebpChunks(lossy, [buildWebpChunk('XMP ', buildXmpPacket('stray'))]);
    expect(readWebpXmp(file)).toEqual(buildXmpPacket('stray'));
    const out = writeWebpXmp(file, packet);
    expect(webpChunkTypes(out)).toEqual(['VP8X', 'VP8 ', 'XMP ']);
    expect(bytesEqual(writeWebpXmp(out, undefined), lossy)).toBe(true);
    expect(bytesEqual(writeWebpXmp(file, undefined), lossy)).toBe(true);
  });

  it('rejects two XMP chunks on read, write and removal', () => {
    const file = appendWebpChunks(writeWebpXmp(iccExif, packet), [
      buildWebpChunk('XMP ', buildXmpPacket('forged')),
    ]);
    for (const op of [
      () => readWebpXmp(file),
      () => writeWebpXmp(file, packet),
      () => writeWebpXmp(file, undefined),
    ]) {
      const err = catchFormatError(op);
      expect(err?.code).toBe('format.duplicate_metadata');
    }
  });

  it('ignores XMP-like chunks inside ANMF frames and chunks with other FourCCs', async () => {
    const lower = appendWebpChunks(lossyAlpha, [buildWebpChunk('xmp ', packet)]);
    expect(readWebpXmp(lower)).toBeUndefined();
    const animated = new Uint8Array(await (await buildAnimation()).webp().toBuffer());
    const anmf = walkWebp(animated).chunks.find((c) => c.fourcc === 'ANMF')!;
    const frame = buildWebpChunk(
      'ANMF',
      concatBytes([animated.subarray(anmf.dataStart, anmf.dataEnd), buildWebpChunk('XMP ', packet)]),
    );
    const nested = resealWebp(
      concatBytes([animated.subarray(0, anmf.start), frame, animated.subarray(anmf.end)]),
    );
    expect(readWebpXmp(nested)).toBeUndefined();
    expect(webpChunkTypes(writeWebpXmp(nested, packet))).toEqual([
      'VP8X',
      'ANIM',
      'ANMF',
      'ANMF',
      'ANMF',
      'XMP ',
    ]);
  });

  it('keeps bytes after the RIFF chunk', () => {
    const file = concatBytes([lossy, WEBP_TRAILER]);
    const out = writeWebpXmp(file, packet);
    expect(bytesEqual(out.subarray(out.length - WEBP_TRAILER.length), WEBP_TRAILER)).toBe(true);
    expect(readU32LE(out, 4)).toBe(out.length - WEBP_TRAILER.length - 8);
    expect(bytesEqual(writeWebpXmp(out, undefined), file)).toBe(true);
  });

  it('returns a copy when there is nothing to remove', () => {
    const out = writeWebpXmp(lossy, undefined);
    expect(out).not.toBe(lossy);
    expect(bytesEqual(out, lossy)).toBe(true);
  });

  // The conformance suite's registry-independent core, so it runs before the handler is
  // registered: every fixture sniffs, validates, and reads back what was written.
  it('every fixture: sniff, validate, write then read, validate the result', async () => {
    for (const f of await buildWebpFixtures()) {
      expect(webpHandler.sniff(f.bytes), f.name).toBe(true);
      webpHandler.validate(f.bytes);
      const out = writeWebpXmp(f.bytes, packet);
      expect(webpHandler.sniff(out)).toBe(true);
      webpHandler.validate(out);
      expect(readWebpXmp(out), f.name).toEqual(packet);
    }
  });
});
