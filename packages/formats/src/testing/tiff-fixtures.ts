/**
 * Test-only TIFF fixtures: little-endian files written by sharp (libtiff) and hand-built ones
 * (big-endian, Exif / GPS / SubIFD / IFD1, IFD0 first or last) from `TiffBuilder`.
 */
import { asciiBytes, concatBytes, utf8Decode } from '@synthguard/core';
import sharp from 'sharp';
import { writeU16, writeU32 } from '../tiff/bytes.js';
import { walkTiff } from '../tiff/ifd.js';
import { XMP_TAG, writeTiffXmp } from '../tiff/xmp.js';
import type { ConformanceFixture, ConformanceOptions } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { buildGradientImage, buildSharpImage, decodePixels, preservedMetadata } from './images.js';

export const BYTE = 1;
export const ASCII = 2;
export const SHORT = 3;
export const LONG = 4;
export const RATIONAL = 5;
export const UNDEFINED = 7;

/** One IFD field; `data` holds the value bytes already in the file's byte order. */
export interface TiffField {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  readonly data: Uint8Array;
}

/** Builds fields in one byte order. */
export function fieldsFor(le: boolean) {
  const ints = (size: 2 | 4, values: readonly number[]): Uint8Array => {
    const out = new Uint8Array(size * values.length);
    values.forEach((v, k) => {
      if (size === 2) writeU16(out, 2 * k, v, le);
      else writeU32(out, 4 * k, v, le);
    });
    return out;
  };
  return {
    short: (tag: number, ...values: number[]): TiffField => ({
      tag,
      type: SHORT,
      count: values.length,
      data: ints(2, values),
    }),
    long: (tag: number, ...values: number[]): TiffField => ({
      tag,
      type: LONG,
      count: values.length,
      data: ints(4, values),
    }),
    rational: (tag: number, num: number, den: number): TiffField => ({
      tag,
      type: RATIONAL,
      count: 1,
      data: ints(4, [num, den]),
    }),
    ascii: (tag: number, text: string): TiffField => ({
      tag,
      type: ASCII,
      count: text.length + 1,
      data: asciiBytes(`${text}\0`),
    }),
    bytes: (tag: number, type: number, data: Uint8Array): TiffField => ({
      tag,
      type,
      count: data.length,
      data,
    }),
  };
}

/** Lays out a classic TIFF: blocks appended on word boundaries after the 8-byte header. */
export class TiffBuilder {
  private buf = new Uint8Array(256);
  private size = 8;

  constructor(readonly littleEndian: boolean) {}

  /** Appends `data` at the next even offset and returns that offset. */
  append(data: Uint8Array): number {
    const at = this.size + (this.size & 1);
    this.grow(at + data.length);
    this.buf.set(data, at);
    this.size = at + data.length;
    return at;
  }

  /** Reserves room for an IFD of `fields` entries (fill it with `ifd(fields, at)`). */
  reserveIfd(fields: number): number {
    return this.append(new Uint8Array(2 + 12 * fields + 4));
  }

  /**
   * Writes an IFD (fields sorted by tag): out-of-line values first, then the directory, or the
   * directory into a reserved slot `at`. Returns the directory's offset.
   */
  ifd(fields: readonly TiffField[], options: { at?: number; next?: number } = {}): number {
    const le = this.littleEndian;
    const sorted = [...fields].sort((a, b) => a.tag - b.tag);
    const values = sorted.map((f) => (f.data.length > 4 ? this.append(f.data) : -1));
    const dir = new Uint8Array(2 + 12 * sorted.length + 4);
    writeU16(dir, 0, sorted.length, le);
    sorted.forEach((f, k) => {
      const at = 2 + 12 * k;
      writeU16(dir, at, f.tag, le);
      writeU16(dir, at + 2, f.type, le);
      writeU32(dir, at + 4, f.count, le);
      if (f.data.length > 4) writeU32(dir, at + 8, values[k]!, le);
      else dir.set(f.data, at + 8);
    });
    writeU32(dir, dir.length - 4, options.next ?? 0, le);
    if (options.at === undefined) return this.append(dir);
    this.buf.set(dir, options.at);
    return options.at;
  }

  /** The finished file, with IFD0 at `ifd0`. */
  build(ifd0: number): Uint8Array {
    const out = this.buf.slice(0, this.size);
    out.set(this.littleEndian ? Uint8Array.of(0x49, 0x49, 42, 0) : Uint8Array.of(0x4d, 0x4d, 0, 42));
    writeU32(out, 4, ifd0, this.littleEndian);
    return out;
  }

  private grow(min: number): void {
    if (min <= this.buf.length) return;
    const next = new Uint8Array(Math.max(min, 2 * this.buf.length));
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }
}

/** Uncompressed 8-bit RGB pixels of a small gradient. */
export function rgbPixels(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) out.set([(i * 9) & 0xff, (i * 5) & 0xff, (i * 17) & 0xff], 3 * i);
  return out;
}

/** The baseline RGB image fields (TIFF 6.0 §6) for one strip at `strip`. */
export function rgbImageFields(le: boolean, width: number, height: number, strip: number): TiffField[] {
  const f = fieldsFor(le);
  return [
    f.short(256, width),
    f.short(257, height),
    f.short(258, 8, 8, 8),
    f.short(259, 1),
    f.short(262, 2),
    f.long(273, strip),
    f.short(277, 3),
    f.short(278, height),
    f.long(279, width * height * 3),
    f.rational(282, 72, 1),
    f.rational(283, 72, 1),
    f.short(284, 1),
    f.short(296, 2),
  ];
}

export interface HandmadeTiffOptions {
  readonly littleEndian: boolean;
  /** Write IFD0 after everything else (else right after the header). */
  readonly ifd0Last?: boolean;
  /** Tag-700 packet in IFD0, with its field type. */
  readonly xmp?: { readonly packet: Uint8Array; readonly type: number };
  readonly icc?: Uint8Array;
}

/**
 * A 6x4 RGB TIFF with an Exif IFD, a GPS IFD, a reduced-resolution SubIFD and an IFD1
 * thumbnail, each image in its own strip.
 */
export function buildHandmadeTiff(options: HandmadeTiffOptions): Uint8Array {
  const le = options.littleEndian;
  const f = fieldsFor(le);
  const b = new TiffBuilder(le);
  const ifd0Fields = 13 + 8 + (options.xmp ? 1 : 0) + (options.icc ? 1 : 0);
  const reserved = options.ifd0Last === true ? undefined : b.reserveIfd(ifd0Fields);
  const strip = b.append(rgbPixels(6, 4));
  const exif = b.ifd([
    f.bytes(0x9000, UNDEFINED, asciiBytes('0232')),
    f.ascii(0x9003, '2025:09:01 12:00:00'),
    f.bytes(0x9286, UNDEFINED, concatBytes([asciiBytes('ASCII\0\0\0'), asciiBytes('synthguard fixture')])),
    f.bytes(0xa000, UNDEFINED, asciiBytes('0100')),
    f.short(0xa001, 1),
  ]);
  const gps = b.ifd([
    f.bytes(0, BYTE, Uint8Array.of(2, 3, 0, 0)),
    f.bytes(0x1b, UNDEFINED, concatBytes([asciiBytes('ASCII\0\0\0'), asciiBytes('MANUAL')])),
  ]);
  const subStrip = b.append(rgbPixels(3, 2));
  const sub = b.ifd([f.long(254, 1), ...rgbImageFields(le, 3, 2, subStrip)]);
  const thumbStrip = b.append(rgbPixels(2, 2));
  const ifd1 = b.ifd([f.long(254, 1), ...rgbImageFields(le, 2, 2, thumbStrip)]);
  const fields = [
    ...rgbImageFields(le, 6, 4, strip),
    f.ascii(270, 'hand-built fixture'),
    f.ascii(271, 'synthguard'),
    f.ascii(305, 'synthguard tests'),
    f.ascii(306, '2025:09:01 12:00:00'),
    f.ascii(33432, 'synthguard test'),
    f.long(330, sub),
    f.long(34665, exif),
    f.long(34853, gps),
    ...(options.xmp ? [f.bytes(XMP_TAG, options.xmp.type, options.xmp.packet)] : []),
    ...(options.icc ? [f.bytes(34675, UNDEFINED, options.icc)] : []),
  ];
  if (fields.length !== ifd0Fields) throw new Error('fixture: IFD0 field count');
  return b.build(b.ifd(fields, { at: reserved, next: ifd1 }));
}

/** A 2x2 RGB image in one strip, IFD0 right after the header, plus `extra` fields and IFDs. */
export function buildMinimalTiff(le: boolean, extra: readonly TiffField[] = [], next = 0): Uint8Array {
  const b = new TiffBuilder(le);
  const ifd0 = b.reserveIfd(13 + extra.length);
  const strip = b.append(rgbPixels(2, 2));
  return b.build(b.ifd([...rgbImageFields(le, 2, 2, strip), ...extra], { at: ifd0, next }));
}

/** Bytes after the end of everything the file references. */
export function unreferencedTail(file: Uint8Array): number {
  return file.length - Math.max(...walkTiff(file).ranges.map((r) => r.end));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * The container as readers see it, XMP aside: for every IFD in walk order its kind, every entry
 * but tag 700 (raw 12 bytes and value bytes), the next-IFD offset and every data block. IFD
 * offsets are left out (a write may move IFD0).
 */
export function tiffStructure(file: Uint8Array): unknown {
  const { littleEndian, ifds, ranges } = walkTiff(file);
  return {
    littleEndian,
    ifds: ifds.map((ifd, index) => ({
      kind: ifd.kind,
      entries: ifd.entries
        .filter((e) => !(index === 0 && e.tag === XMP_TAG))
        .map((e) => `${hex(file.subarray(e.at, e.at + 12))}=${hex(file.subarray(e.valueStart, e.valueEnd))}`),
      next: hex(file.subarray(ifd.end - 4, ifd.end)),
      data: ranges
        .filter((r) => r.ifd === index && r.kind === 'data')
        .map((r) => `${r.tag}@${r.start}=${hex(file.subarray(r.start, r.end))}`),
    })),
  };
}

/** sharp's pixels and metadata, plus the IFD structure: all must survive a write. */
export const tiffProbes: Pick<ConformanceOptions, 'decode' | 'preserved'> = {
  decode: decodePixels,
  preserved: async (file) => ({ sharp: await preservedMetadata(file), tiff: tiffStructure(file) }),
};

export const TIFF_TRAILER = asciiBytes('\0vendor bytes after the last TIFF structure');

export async function buildTiffFixtures(): Promise<ConformanceFixture[]> {
  const sharpXmp = buildXmpPacket('sharp');
  const handXmp = buildXmpPacket('hand-built, UNDEFINED');
  const earlier = buildXmpPacket('an earlier synthguard label');
  const icc = (await sharp(await buildSharpImage(4, 4).withIccProfile('srgb').png().toBuffer()).metadata())
    .icc!;

  const plain = new Uint8Array(await buildSharpImage(16, 12).tiff({ compression: 'none' }).toBuffer());
  const lzw = new Uint8Array(
    await buildGradientImage(20, 10).tiff({ compression: 'lzw', predictor: 'horizontal' }).toBuffer(),
  );
  const deflate = new Uint8Array(
    await buildGradientImage(12, 12).tiff({ compression: 'deflate' }).toBuffer(),
  );
  const jpegIcc = new Uint8Array(
    await buildGradientImage(16, 16).tiff({ compression: 'jpeg' }).withIccProfile('srgb').toBuffer(),
  );
  const tiled = new Uint8Array(
    await buildGradientImage(40, 24)
      .tiff({ compression: 'none', tile: true, tileWidth: 16, tileHeight: 16 })
      .toBuffer(),
  );
  const withXmp = new Uint8Array(
    await buildGradientImage(16, 8)
      .tiff({ compression: 'lzw' })
      .withIccProfile('srgb')
      .withXmp(utf8Decode(sharpXmp))
      .toBuffer(),
  );

  return [
    { name: 'uncompressed RGB (sharp, II)', bytes: plain, xmp: undefined },
    { name: 'LZW + predictor (sharp)', bytes: lzw, xmp: undefined },
    { name: 'deflate (sharp)', bytes: deflate, xmp: undefined },
    { name: 'JPEG-compressed + ICC (sharp)', bytes: jpegIcc, xmp: undefined },
    { name: 'tiled (sharp)', bytes: tiled, xmp: undefined },
    { name: 'ICC + XMP (sharp)', bytes: withXmp, xmp: sharpXmp },
    {
      name: 'MM, IFD0 first, Exif + GPS + SubIFD + IFD1 + ICC (hand-built)',
      bytes: buildHandmadeTiff({ littleEndian: false, icc }),
      xmp: undefined,
    },
    {
      name: 'II, IFD0 last, Exif + GPS + SubIFD + IFD1 (hand-built)',
      bytes: buildHandmadeTiff({ littleEndian: true, ifd0Last: true }),
      xmp: undefined,
    },
    {
      name: 'MM, XMP as UNDEFINED, IFD0 last (hand-built)',
      bytes: buildHandmadeTiff({
        littleEndian: false,
        ifd0Last: true,
        xmp: { packet: handXmp, type: UNDEFINED },
      }),
      xmp: handXmp,
    },
    { name: 'labelled before by this handler', bytes: writeTiffXmp(deflate, earlier), xmp: earlier },
    {
      name: 'trailing bytes after the last structure',
      bytes: concatBytes([plain, TIFF_TRAILER]),
      xmp: undefined,
      trailer: TIFF_TRAILER.length,
    },
  ];
}
