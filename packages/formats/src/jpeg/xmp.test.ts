import { asciiBytes, bytesEqual, concatBytes, startsWithAt } from '@synthguard/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXmpPacket } from '../testing/conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildSharpImage } from '../testing/images.js';
import {
  JPEG_TRAILER,
  buildExtendedXmpSegment,
  buildJfifSegment,
  buildSegment,
  buildXmpSegment,
  insertAt,
  segmentStart,
} from '../testing/jpeg-fixtures.js';
import { jpegHandler } from './handler.js';
import { walkJpeg } from './segments.js';
import { MAX_STANDARD_XMP_PACKET, readJpegXmp, writeJpegXmp } from './xmp.js';

const packet = buildXmpPacket();
const XMP_NS = asciiBytes('http://ns.adobe.com/xap/1.0/\0');

/** Marker codes, and for APP1 the kind ('exif' | 'xmp' | 'ext'), in file order. */
function layout(file: Uint8Array): string[] {
  return walkJpeg(file).segments.map((s) => {
    const m = s.marker.toString(16);
    if (s.marker !== 0xe1) return m;
    if (startsWithAt(file, XMP_NS, s.payloadStart)) return 'e1:xmp';
    if (startsWithAt(file, asciiBytes('Exif'), s.payloadStart)) return 'e1:exif';
    return 'e1:other';
  });
}

describe('JPEG standard XMP (XMP Part 3 §1.1.3)', () => {
  let plain: Uint8Array;
  let exifIcc: Uint8Array;
  beforeAll(async () => {
    plain = new Uint8Array(await buildSharpImage().jpeg().toBuffer());
    exifIcc = new Uint8Array(
      await buildSharpImage()
        .jpeg()
        .withExif({ IFD0: { Copyright: 'x', ImageDescription: 'y' } })
        .withIccProfile('srgb')
        .toBuffer(),
    );
  });

  it('inserts right after SOI when there is no APP0/APP1', () => {
    const out = writeJpegXmp(plain, packet);
    expect(layout(out).slice(0, 3)).toEqual(['d8', 'e1:xmp', 'db']);
  });

  it('inserts after the leading JFIF APP0 and Exif APP1, before ICC (APP2) and tables', () => {
    const file = insertAt(exifIcc, 2, buildJfifSegment());
    expect(layout(writeJpegXmp(file, packet)).slice(0, 5)).toEqual(['d8', 'e0', 'e1:exif', 'e1:xmp', 'e2']);
  });

  it('does not skip APP segments that come after a non-leading segment', () => {
    // APP0 after the ICC profile is not "leading": insertion stops before APP2.
    const file = insertAt(exifIcc, segmentStart(exifIcc, 0xdb), buildJfifSegment());
    expect(layout(writeJpegXmp(file, packet)).slice(0, 5)).toEqual(['d8', 'e1:exif', 'e1:xmp', 'e2', 'e0']);
  });

  it('is read and written by sharp (libvips) as XMP', async () => {
    const out = writeJpegXmp(exifIcc, packet);
    const meta = await sharp(out).metadata();
    expect(meta.xmp && new Uint8Array(meta.xmp)).toEqual(packet);
    const fromSharp = new Uint8Array(
      await sharp(plain).withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>').toBuffer(),
    );
    expect(readJpegXmp(fromSharp)).toEqual(asciiBytes('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'));
  });

  it('leaves extended XMP segments alone and does not count them as duplicates', () => {
    const ext = buildExtendedXmpSegment(asciiBytes('<x:extension/>'));
    const file = insertAt(plain, 2, ext);
    expect(readJpegXmp(file)).toBeUndefined();
    const out = writeJpegXmp(file, packet);
    expect(layout(out).slice(0, 3)).toEqual(['d8', 'e1:xmp', 'e1:other']);
    expect(out).toEqual(concatBytes([plain.subarray(0, 2), buildXmpSegment(packet), ext, plain.subarray(2)]));
    expect(bytesEqual(writeJpegXmp(out, undefined), file)).toBe(true);
  });

  it('does not take a near-miss namespace (no NUL) or an APP1 shorter than the namespace for XMP', () => {
    const noNul = buildSegment(0xe1, asciiBytes('http://ns.adobe.com/xap/1.0/<x:xmpmeta/>'));
    const short = buildSegment(0xe1, asciiBytes('http://ns.adobe'));
    const file = insertAt(plain, 2, concatBytes([noNul, short]));
    expect(readJpegXmp(file)).toBeUndefined();
    const out = writeJpegXmp(file, packet);
    expect(readJpegXmp(out)).toEqual(packet);
    expect(bytesEqual(writeJpegXmp(out, undefined), file)).toBe(true);
  });

  it('rejects a second standard XMP segment on read and on write', () => {
    const once = writeJpegXmp(plain, packet);
    const twice = insertAt(once, segmentStart(once, 0xdb), buildXmpSegment(buildXmpPacket('forged')));
    jpegHandler.validate(twice);
    for (const op of [
      () => readJpegXmp(twice),
      () => writeJpegXmp(twice, packet),
      () => writeJpegXmp(twice, undefined),
    ]) {
      const err = catchFormatError(op);
      expect(err?.code).toBe('format.duplicate_metadata');
      expect(err?.details).toMatchObject({ first: 2 });
    }
  });

  it('accepts a packet of exactly 65502 bytes and rejects 65503', async () => {
    const max = new Uint8Array(MAX_STANDARD_XMP_PACKET).fill(0x20);
    const out = writeJpegXmp(plain, max);
    expect(readJpegXmp(out)).toEqual(max);
    expect((await sharp(out).raw().toBuffer()).equals(await sharp(plain).raw().toBuffer())).toBe(true);
    const err = catchFormatError(() => writeJpegXmp(plain, new Uint8Array(MAX_STANDARD_XMP_PACKET + 1)));
    expect(err?.code).toBe('format.metadata_too_large');
    expect(err?.details).toMatchObject({ limit: 65502, size: 65503 });
  });

  it('keeps bytes after EOI untouched', () => {
    const file = concatBytes([plain, JPEG_TRAILER]);
    const out = writeJpegXmp(file, packet);
    expect(bytesEqual(out.subarray(out.length - JPEG_TRAILER.length), JPEG_TRAILER)).toBe(true);
    expect(bytesEqual(writeJpegXmp(out, undefined), file)).toBe(true);
  });

  it('reports a JPEG without EOI as truncated', () => {
    const cut = plain.subarray(0, plain.length - 2);
    for (const op of [
      () => {
        jpegHandler.validate(cut);
      },
      () => readJpegXmp(cut),
      () => writeJpegXmp(cut, packet),
    ]) {
      expect(catchFormatError(op)?.code).toBe('format.truncated');
    }
  });
});
