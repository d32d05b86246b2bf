/** Test-only JPEG fixtures, generated with sharp and then edited at the segment level. */
import { asciiBytes, concatBytes, utf8Decode, writeU16BE } from '@synthguard/core';
import { walkJpeg } from '../jpeg/segments.js';
import type { ConformanceFixture } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { buildGradientImage, buildSharpImage } from './images.js';

/** A marker segment: 0xFF, marker, 2-byte length, payload. */
export function buildSegment(marker: number, payload: Uint8Array): Uint8Array {
  const head = Uint8Array.of(0xff, marker, 0, 0);
  writeU16BE(head, 2, payload.length + 2);
  return concatBytes([head, payload]);
}

export function buildXmpSegment(packet: Uint8Array): Uint8Array {
  return buildSegment(0xe1, concatBytes([asciiBytes('http://ns.adobe.com/xap/1.0/\0'), packet]));
}

/** An extended-XMP APP1 (XMP Part 3 §1.1.3.1): GUID, full length, offset, then a portion. */
export function buildExtendedXmpSegment(portion: Uint8Array): Uint8Array {
  const header = asciiBytes('http://ns.adobe.com/xmp/extension/\0');
  const guid = asciiBytes('0123456789ABCDEF0123456789ABCDEF');
  const lengths = new Uint8Array(8);
  lengths[3] = portion.length;
  return buildSegment(0xe1, concatBytes([header, guid, lengths, portion]));
}

/** JFIF APP0 (JFIF 1.02): version 1.1, aspect ratio 1:1, no thumbnail. */
export function buildJfifSegment(): Uint8Array {
  return buildSegment(0xe0, concatBytes([asciiBytes('JFIF\0'), Uint8Array.of(1, 1, 0, 0, 1, 0, 1, 0, 0)]));
}

/** Inserts `bytes` at `at`. */
export function insertAt(file: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  return concatBytes([file.subarray(0, at), bytes, file.subarray(at)]);
}

/** Offset of the `nth` (0-based) segment with `marker`; throws when there is none. */
export function segmentStart(file: Uint8Array, marker: number, nth = 0): number {
  const s = walkJpeg(file).segments.filter((x) => x.marker === marker)[nth];
  if (s === undefined) throw new Error(`fixture has no marker ${marker.toString(16)} #${nth}`);
  return s.start;
}

export const JPEG_TRAILER = concatBytes([
  asciiBytes('\0\0vendor trailer after EOI'),
  Uint8Array.of(0xff, 0xd9),
]);

export async function buildJpegFixtures(): Promise<ConformanceFixture[]> {
  const xmp = buildXmpPacket('sharp');
  const exif = { IFD0: { Copyright: 'synthguard test', ImageDescription: 'fixture' } };

  const baseline = new Uint8Array(await buildSharpImage().jpeg().toBuffer());
  const exifIcc = new Uint8Array(
    await buildSharpImage(40, 30, '#3a6').jpeg().withExif(exif).withIccProfile('srgb').toBuffer(),
  );
  const jfifExifIcc = insertAt(exifIcc, 2, buildJfifSegment());
  const withXmp = new Uint8Array(
    await buildGradientImage()
      .jpeg({ quality: 70 })
      .withExif(exif)
      .withIccProfile('srgb')
      .withXmp(utf8Decode(xmp))
      .toBuffer(),
  );
  const progressive = new Uint8Array(await buildGradientImage(48, 40).jpeg({ progressive: true }).toBuffer());
  const gradient = new Uint8Array(await buildGradientImage(32, 32).jpeg().toBuffer());
  // Fill bytes before DQT (B.1.1.2) and a trailer after EOI.
  const fillAndTrailer = concatBytes([
    insertAt(gradient, segmentStart(gradient, 0xdb), Uint8Array.of(0xff, 0xff)),
    JPEG_TRAILER,
  ]);
  // Standard XMP followed by an extended-XMP segment, which must be left alone.
  const withExtended = insertAt(
    withXmp,
    segmentStart(withXmp, 0xe2),
    buildExtendedXmpSegment(asciiBytes('<x:extension/>')),
  );
  // Standard XMP between two scans of a progressive image (allowed: B.2.4 tables/misc).
  const betweenScans = insertAt(progressive, segmentStart(progressive, 0xda, 1), buildXmpSegment(xmp));

  return [
    { name: 'baseline, no APPn', bytes: baseline, xmp: undefined },
    { name: 'EXIF + ICC', bytes: exifIcc, xmp: undefined },
    { name: 'JFIF + EXIF + ICC', bytes: jfifExifIcc, xmp: undefined },
    { name: 'EXIF + ICC + XMP (sharp)', bytes: withXmp, xmp },
    { name: 'progressive', bytes: progressive, xmp: undefined },
    { name: 'fill bytes + trailer', bytes: fillAndTrailer, xmp: undefined, trailer: JPEG_TRAILER.length },
    { name: 'XMP + extended XMP', bytes: withExtended, xmp },
    { name: 'progressive, XMP between scans', bytes: betweenScans, xmp },
  ];
}
