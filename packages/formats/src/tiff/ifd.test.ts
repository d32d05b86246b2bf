import { concatBytes } from '@synthguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildSharpImage } from '../testing/images.js';
import {
  RATIONAL,
  SHORT,
  TiffBuilder,
  buildHandmadeTiff,
  buildMinimalTiff,
  fieldsFor,
  unreferencedTail,
} from '../testing/tiff-fixtures.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { MAX_IFDS, hasTiffSignature, walkTiff } from './ifd.js';

const f = fieldsFor(true);

/** Offset of the entry with `tag` in the IFD at `ifd` (little-endian files). */
function entryAt(file: Uint8Array, tag: number, ifd = readU32(file, 4, true)): number {
  const count = readU16(file, ifd, true);
  for (let k = 0; k < count; k++) {
    const at = ifd + 2 + 12 * k;
    if (readU16(file, at, true) === tag) return at;
  }
  throw new Error(`fixture has no tag ${tag}`);
}

function codeOf(file: Uint8Array): string | undefined {
  return catchFormatError(() => walkTiff(file))?.code;
}

describe('hasTiffSignature (TIFF 6.0 §2 Image File Header)', () => {
  it.each([
    ['II*\\0', [0x49, 0x49, 42, 0], true],
    ['MM\\0*', [0x4d, 0x4d, 0, 42], true],
    ['BigTIFF II+\\0', [0x49, 0x49, 43, 0], false],
    ['mixed byte order', [0x49, 0x4d, 42, 0], false],
    ['II in big-endian order', [0x49, 0x49, 0, 42], false],
    ['three bytes', [0x49, 0x49, 42], false],
  ])('%s -> %s', (_name, head, expected) => {
    expect(hasTiffSignature(Uint8Array.from(head))).toBe(expected);
  });
});

describe('walkTiff (TIFF 6.0 §2)', () => {
  let sharpTiff: Uint8Array;
  beforeAll(async () => {
    sharpTiff = new Uint8Array(await buildSharpImage(8, 8).tiff({ compression: 'none' }).toBuffer());
  });

  it('walks a libtiff file: IFD0, its values and its strip, up to the last byte', () => {
    const { littleEndian, ifds, ranges } = walkTiff(sharpTiff);
    expect(littleEndian).toBe(true);
    expect(ifds.map((i) => i.kind)).toEqual(['IFD']);
    expect(ifds[0]!.entries.map((e) => e.tag)).toContain(273);
    expect(ranges.filter((r) => r.kind === 'data')).toHaveLength(1);
    expect(unreferencedTail(sharpTiff)).toBe(0);
  });

  it('follows SubIFDs, the Exif and GPS IFDs and the chain, in either byte order', () => {
    for (const littleEndian of [true, false]) {
      const file = buildHandmadeTiff({ littleEndian });
      const layout = walkTiff(file);
      expect(layout.littleEndian).toBe(littleEndian);
      expect(layout.ifds.map((i) => i.kind)).toEqual(['IFD', 'SubIFD', 'ExifIFD', 'GPSIFD', 'IFD']);
      // One strip for each of the three images, and nothing unreferenced at the end.
      expect(layout.ranges.filter((r) => r.kind === 'data').map((r) => r.ifd)).toEqual([0, 1, 4]);
      expect(unreferencedTail(file)).toBe(0);
    }
  });

  it('reads inline values from the entry and out-of-line values from their offset', () => {
    const file = buildMinimalTiff(true, [f.short(274, 1), f.long(305, 7, 8)]);
    const entries = walkTiff(file).ifds[0]!.entries;
    const orientation = entries.find((e) => e.tag === 274)!;
    expect(orientation).toMatchObject({
      inline: true,
      valueStart: orientation.at + 8,
      valueEnd: orientation.at + 10,
    });
    const pair = entries.find((e) => e.tag === 305)!;
    expect(pair.inline).toBe(false);
    expect(readU32(file, pair.valueStart + 4, true)).toBe(8);
  });

  describe('header', () => {
    const head = (bytes: number[], rest = 0): Uint8Array =>
      concatBytes([Uint8Array.from(bytes), new Uint8Array(rest)]);
    it.each([
      ['empty', head([]), 'format.truncated'],
      ['one byte', head([0x49]), 'format.truncated'],
      ['bad byte order', head([0x49, 0x4d, 42, 0, 8, 0, 0, 0]), 'format.corrupt'],
      ['no version', head([0x4d, 0x4d]), 'format.truncated'],
      ['version 41', head([0x49, 0x49, 41, 0, 8, 0, 0, 0]), 'format.corrupt'],
      ['BigTIFF', head([0x49, 0x49, 43, 0, 8, 0, 0, 0], 16), 'format.unsupported'],
      ['no IFD0 offset', head([0x49, 0x49, 42, 0, 8]), 'format.truncated'],
      ['IFD0 offset 0', head([0x49, 0x49, 42, 0, 0, 0, 0, 0], 32), 'format.corrupt'],
      ['IFD0 inside the header', head([0x4d, 0x4d, 0, 42, 0, 0, 0, 4], 32), 'format.corrupt'],
      ['IFD0 past the end', head([0x49, 0x49, 42, 0, 200, 0, 0, 0], 32), 'format.truncated'],
      ['IFD0 count cut short', head([0x49, 0x49, 42, 0, 8, 0, 0, 0], 1), 'format.truncated'],
    ])('%s -> %s', (_name, file, code) => {
      expect(codeOf(file)).toBe(code);
    });

    it('says what to do with a BigTIFF', () => {
      const err = catchFormatError(() => walkTiff(head([0x4d, 0x4d, 0, 43, 0, 8, 0, 0], 16)));
      expect(err?.message).toMatch(/BigTIFF.*classic TIFF/);
    });
  });

  describe('IFDs and values', () => {
    it('rejects an IFD without entries, and one whose entries run past the end', () => {
      const file = buildMinimalTiff(true);
      const empty = file.slice();
      writeU16(empty, 8, 0, true);
      expect(codeOf(empty)).toBe('format.corrupt');
      const long = file.slice();
      writeU16(long, 8, 0xffff, true);
      expect(codeOf(long)).toBe('format.truncated');
    });

    it('rejects an unknown field type, naming the tag', () => {
      const file = buildMinimalTiff(true);
      const bad = file.slice();
      writeU16(bad, entryAt(bad, 259) + 2, 14, true);
      const err = catchFormatError(() => walkTiff(bad));
      expect(err?.code).toBe('format.corrupt');
      expect(err?.details).toMatchObject({ tag: 259, type: 14 });
      writeU16(bad, entryAt(bad, 259) + 2, 0, true);
      expect(codeOf(bad)).toBe('format.corrupt');
    });

    it('rejects a value offset past the end (truncated) or into the header (corrupt)', () => {
      const file = buildMinimalTiff(true);
      const at = entryAt(file, 282) + 8;
      const past = file.slice();
      writeU32(past, at, file.length - 4, true);
      expect(codeOf(past)).toBe('format.truncated');
      writeU32(past, at, 0xfffffff0, true);
      expect(codeOf(past)).toBe('format.truncated');
      const header = file.slice();
      writeU32(header, at, 2, true);
      expect(codeOf(header)).toBe('format.corrupt');
      // A count so large that count * size passes 2^32 still only compares numbers.
      const huge = file.slice();
      writeU32(huge, entryAt(huge, 282) + 4, 0xffffffff, true);
      expect(codeOf(huge)).toBe('format.truncated');
    });

    it('checks strips: inside the file, offsets paired with counts of the same number and type', () => {
      const file = buildMinimalTiff(true);
      const strips = entryAt(file, 273);
      const counts = entryAt(file, 279);

      const past = file.slice();
      writeU32(past, counts + 8, 1000, true);
      expect(codeOf(past)).toBe('format.truncated');

      const header = file.slice();
      writeU32(header, strips + 8, 4, true);
      expect(codeOf(header)).toBe('format.corrupt');

      const unpaired = file.slice();
      writeU16(unpaired, counts, 280, true); // StripByteCounts becomes MinSampleValue
      expect(codeOf(unpaired)).toBe('format.corrupt');

      const mismatch = buildMinimalTiff(true);
      writeU32(mismatch, entryAt(mismatch, 279) + 4, 2, true);
      expect(codeOf(mismatch)).toBe('format.corrupt');

      const rational = file.slice();
      writeU16(rational, strips + 2, RATIONAL, true);
      expect(codeOf(rational)).toBe('format.corrupt');

      // An empty strip (byte count 0) references nothing, whatever its offset.
      const sparse = file.slice();
      writeU32(sparse, strips + 8, 0xffffffff, true);
      writeU32(sparse, counts + 8, 0, true);
      expect(codeOf(sparse)).toBeUndefined();
    });

    it('checks the Exif JPEG thumbnail (513/514) like a strip', () => {
      const file = buildMinimalTiff(true, [f.long(513, 170), f.long(514, 12)]);
      expect(codeOf(file)).toBeUndefined();
      writeU32(file, entryAt(file, 514) + 8, file.length, true);
      expect(codeOf(file)).toBe('format.truncated');
    });

    it('ignores pointer tags of other types, and SubIFD offsets of 0', () => {
      const file = buildMinimalTiff(true, [f.short(34665, 12), f.long(330, 0)]);
      expect(walkTiff(file).ifds).toHaveLength(1);
    });
  });

  describe('loops and limits', () => {
    it('rejects IFD0 chaining to itself, IFD1 chaining back, and a SubIFD pointing at IFD0', () => {
      const self = buildMinimalTiff(true, [], 8);
      expect(catchFormatError(() => walkTiff(self))?.details).toMatchObject({ to: 8 });
      expect(codeOf(self)).toBe('format.corrupt');

      const b = new TiffBuilder(true);
      const ifd0 = b.reserveIfd(1);
      const ifd1 = b.ifd([f.short(256, 1)], { next: ifd0 });
      expect(codeOf(b.build(b.ifd([f.short(256, 1)], { at: ifd0, next: ifd1 })))).toBe('format.corrupt');

      const sub = buildMinimalTiff(true, [f.long(330, 8)]);
      expect(codeOf(sub)).toBe('format.corrupt');
    });

    it(`accepts a chain of ${MAX_IFDS} IFDs and rejects one more`, () => {
      const chain = (length: number): Uint8Array => {
        const b = new TiffBuilder(true);
        let next = 0;
        for (let k = 0; k < length; k++) next = b.ifd([f.short(256, k)], { next });
        return b.build(next);
      };
      expect(walkTiff(chain(MAX_IFDS)).ifds).toHaveLength(MAX_IFDS);
      const err = catchFormatError(() => walkTiff(chain(MAX_IFDS + 1)));
      expect(err?.code).toBe('format.corrupt');
      expect(err?.details).toMatchObject({ limit: MAX_IFDS });
    });

    it('stops overlapping directories from multiplying the work', () => {
      // One 5000-entry IFD; 900 SubIFD offsets point into it, each parsing as a 4000-entry IFD.
      const b = new TiffBuilder(true);
      const entries = 5000;
      const big = new Uint8Array(2 + 12 * entries + 4);
      writeU16(big, 0, entries, true);
      for (let k = 0; k < entries; k++) {
        const at = 2 + 12 * k;
        writeU16(big, at, 1, true);
        writeU16(big, at + 2, SHORT, true);
        writeU32(big, at + 4, 2, true);
        writeU16(big, at + 10, 4000, true); // read as the entry count of an IFD starting 2 bytes on
      }
      const bigAt = b.append(big);
      const subs = Array.from({ length: 900 }, (_, k) => bigAt + 12 * (k + 1));
      const file = b.build(b.ifd([f.short(256, 1), f.long(330, ...subs)]));
      const started = performance.now();
      const err = catchFormatError(() => walkTiff(file));
      expect(err?.code).toBe('format.corrupt');
      expect(err?.message).toMatch(/overlap/);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });
});
