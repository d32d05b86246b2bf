import { asciiBytes, bytesEqual } from '@synthguard/core';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceFixture } from '../testing/conformance.js';
import { buildXmpPacket } from '../testing/conformance.js';
import { applyMutation, catchFormatError, mutationArb } from '../testing/mutations.js';
import { buildSharpImage, decodePixels } from '../testing/images.js';
import {
  ASCII,
  BYTE,
  TiffBuilder,
  UNDEFINED,
  buildHandmadeTiff,
  buildMinimalTiff,
  buildTiffFixtures,
  fieldsFor,
  rgbImageFields,
  rgbPixels,
  tiffStructure,
} from '../testing/tiff-fixtures.js';
import { readU16, readU32 } from './bytes.js';
import { type TiffEntry, walkTiff } from './ifd.js';
import { XMP_TAG, readTiffXmp, writeTiffXmp } from './xmp.js';

const packet = buildXmpPacket();
const otherPacket = buildXmpPacket('a second, longer producer name to change the size');
const f = fieldsFor(true);

function ifd0Of(file: Uint8Array) {
  return walkTiff(file).ifds[0]!;
}

function xmpEntry(file: Uint8Array): TiffEntry | undefined {
  return ifd0Of(file).entries.find((e) => e.tag === XMP_TAG);
}

/** Offsets at which `a` and `b` differ, over the length of `a` (which `b` must reach). */
function diffOffsets(a: Uint8Array, b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

describe('TIFF standard XMP (XMP Part 3 §1.1.6)', () => {
  let plain: Uint8Array;
  let withXmp: Uint8Array;
  beforeAll(async () => {
    plain = new Uint8Array(await buildSharpImage(16, 8).tiff({ compression: 'none' }).toBuffer());
    withXmp = new Uint8Array(
      await buildSharpImage(16, 8)
        .tiff({ compression: 'lzw' })
        .withIccProfile('srgb') // written after the XMP, so the packet is not the file's last block
        .withXmp(new TextDecoder().decode(buildXmpPacket('sharp')))
        .toBuffer(),
    );
  });

  it('appends a copy of IFD0 with tag 700 in tag order, then the packet; only the IFD0 offset changes', () => {
    const out = writeTiffXmp(plain, packet);
    const dirAt = plain.length + (plain.length & 1);
    expect(readU32(out, 4, true)).toBe(dirAt);
    expect(diffOffsets(plain, out).every((i) => i >= 4 && i < 8)).toBe(true);

    const before = ifd0Of(plain).entries;
    const after = ifd0Of(out);
    expect(after.offset).toBe(dirAt);
    const tags = after.entries.map((e) => e.tag);
    expect(tags).toEqual([...tags].sort((a, b) => a - b));
    expect(tags).toEqual([...before.map((e) => e.tag), XMP_TAG].sort((a, b) => a - b));
    for (const e of before) {
      const copy = after.entries.find((c) => c.tag === e.tag)!;
      expect(out.subarray(copy.at, copy.at + 12)).toEqual(plain.subarray(e.at, e.at + 12));
    }
    const entry = xmpEntry(out)!;
    expect(entry).toMatchObject({ type: BYTE, count: packet.length, valueStart: after.end });
    expect(out.length).toBe(after.end + packet.length);
    expect(readTiffXmp(out)).toEqual(packet);
  });

  it('is read by sharp (libvips) as XMP', async () => {
    const meta = await sharp(writeTiffXmp(plain, packet)).metadata();
    expect(meta.xmp && new Uint8Array(meta.xmp)).toEqual(packet);
  });

  it('replaces an existing packet by rewriting the entry in place and appending the new packet', () => {
    const old = xmpEntry(withXmp)!;
    expect(old.type).toBe(BYTE);
    const out = writeTiffXmp(withXmp, packet);
    expect(diffOffsets(withXmp, out).every((i) => i >= old.at + 4 && i < old.at + 12)).toBe(true);
    expect(xmpEntry(out)).toMatchObject({ at: old.at, count: packet.length, valueStart: withXmp.length });
    expect(readTiffXmp(out)).toEqual(packet);
    // The superseded packet stays behind, unreferenced.
    expect(out.subarray(old.valueStart, old.valueEnd)).toEqual(buildXmpPacket('sharp'));
  });

  it('overwrites a packet that is the last block of the file (as libtiff writes it without ICC)', async () => {
    const file = new Uint8Array(
      await buildSharpImage(8, 8)
        .tiff({ compression: 'lzw' })
        .withXmp(new TextDecoder().decode(buildXmpPacket('sharp')))
        .toBuffer(),
    );
    const old = xmpEntry(file)!;
    expect(old.valueEnd).toBe(file.length);
    const out = writeTiffXmp(file, packet);
    expect(out.length).toBe(old.valueStart + packet.length);
    expect(
      diffOffsets(file.subarray(0, old.valueStart), out).every((i) => i >= old.at + 4 && i < old.at + 8),
    ).toBe(true);
  });

  it('does not grow the file when relabelling: the appended tail is reused', () => {
    for (const start of [plain, withXmp]) {
      let file = writeTiffXmp(start, packet);
      const sizes = new Set<number>();
      for (let k = 0; k < 10; k++) {
        file = writeTiffXmp(file, k % 2 === 0 ? otherPacket : packet);
        sizes.add(file.length);
      }
      expect(sizes.size).toBe(2);
      expect(bytesEqual(file, writeTiffXmp(start, packet))).toBe(true);
    }
  });

  it('rewrites an IFD0 that ends the file in place, so removing restores the exact bytes', () => {
    const file = buildHandmadeTiff({ littleEndian: true, ifd0Last: true });
    const ifd0 = ifd0Of(file);
    expect(ifd0.end).toBe(file.length);
    const out = writeTiffXmp(file, packet);
    expect(readU32(out, 4, true)).toBe(ifd0.offset);
    expect(out.length).toBe(file.length + 12 + packet.length);
    expect(bytesEqual(writeTiffXmp(out, undefined), file)).toBe(true);
  });

  it('keeps a removed IFD0 in the tail it was appended to', () => {
    const once = writeTiffXmp(plain, packet);
    const removed = writeTiffXmp(once, undefined);
    expect(readU32(removed, 4, true)).toBe(readU32(once, 4, true));
    expect(removed.length).toBe(ifd0Of(once).end - 12);
    expect(bytesEqual(writeTiffXmp(removed, packet), once)).toBe(true);
  });

  it('moves IFD0 to the end when removing a packet that itself ends the file', () => {
    const once = writeTiffXmp(withXmp, packet); // packet appended at the end, IFD0 in place
    const removed = writeTiffXmp(once, undefined);
    const dirAt = withXmp.length + (withXmp.length & 1);
    expect(readU32(removed, 4, true)).toBe(dirAt);
    expect(removed.length).toBe(dirAt + 2 + 12 * (ifd0Of(withXmp).entries.length - 1) + 4);
    expect(readTiffXmp(removed)).toBeUndefined();
  });

  it('writes packets of up to 4 bytes into the entry itself', () => {
    for (const small of [new Uint8Array(0), asciiBytes('x'), asciiBytes('abcd')]) {
      const out = writeTiffXmp(plain, small);
      const entry = xmpEntry(out)!;
      expect(entry).toMatchObject({ inline: true, count: small.length });
      expect(out.length).toBe(ifd0Of(out).end);
      expect(readTiffXmp(out)).toEqual(small);
      // Replacing an inline packet with a long one appends it, and back again.
      const long = writeTiffXmp(out, packet);
      expect(readTiffXmp(long)).toEqual(packet);
      expect(bytesEqual(writeTiffXmp(long, small), out)).toBe(true);
    }
    // An appended packet replaced by a short one is cut from the tail.
    const onEnd = writeTiffXmp(withXmp, packet);
    expect(writeTiffXmp(onEnd, asciiBytes('ab')).length).toBe(withXmp.length + (withXmp.length & 1));
  });

  it('reads an UNDEFINED entry and rewrites it as BYTE', () => {
    const old = buildXmpPacket('old');
    const file = buildHandmadeTiff({
      littleEndian: false,
      ifd0Last: true,
      xmp: { packet: old, type: UNDEFINED },
    });
    expect(readTiffXmp(file)).toEqual(old);
    expect(xmpEntry(writeTiffXmp(file, packet))?.type).toBe(BYTE);
  });

  it('writes big-endian fields in a big-endian file', () => {
    const file = buildHandmadeTiff({ littleEndian: false });
    const out = writeTiffXmp(file, packet);
    const entry = xmpEntry(out)!;
    expect(readU16(out, entry.at, false)).toBe(XMP_TAG);
    expect(readU32(out, entry.at + 4, false)).toBe(packet.length);
    expect(readTiffXmp(out)).toEqual(packet);
  });

  it('reports a tag-700 entry of another type as corrupt on read; a write repairs it', () => {
    const file = buildMinimalTiff(true, [f.bytes(XMP_TAG, ASCII, asciiBytes('<x:xmpmeta/>\0'))]);
    const err = catchFormatError(() => readTiffXmp(file));
    expect(err?.code).toBe('format.corrupt');
    expect(err?.details).toMatchObject({ type: ASCII });
    const out = writeTiffXmp(file, packet);
    expect(xmpEntry(out)?.type).toBe(BYTE);
    expect(readTiffXmp(out)).toEqual(packet);
    expect(readTiffXmp(writeTiffXmp(file, undefined))).toBeUndefined();
  });

  describe('one packet (format.duplicate_metadata on read and write)', () => {
    const xmp = (p: Uint8Array) => f.bytes(XMP_TAG, BYTE, p);
    const cases: [string, () => Uint8Array][] = [
      ['two tag-700 entries in IFD0', () => buildMinimalTiff(true, [xmp(packet), xmp(otherPacket)])],
      [
        'tag 700 in IFD1',
        () => {
          const b = new TiffBuilder(true);
          const strip = b.append(rgbPixels(2, 2));
          const ifd1 = b.ifd([...rgbImageFields(true, 2, 2, strip), xmp(otherPacket)]);
          return b.build(b.ifd([...rgbImageFields(true, 2, 2, strip), xmp(packet)], { next: ifd1 }));
        },
      ],
      [
        'tag 700 in the Exif IFD only',
        () => {
          const b = new TiffBuilder(true);
          const exif = b.ifd([xmp(otherPacket)]);
          const strip = b.append(rgbPixels(2, 2));
          return b.build(b.ifd([...rgbImageFields(true, 2, 2, strip), f.long(34665, exif)]));
        },
      ],
    ];
    it.each(cases)('%s', (_name, build) => {
      const file = build();
      expect(() => walkTiff(file)).not.toThrow();
      for (const op of [
        () => readTiffXmp(file),
        () => writeTiffXmp(file, packet),
        () => writeTiffXmp(file, undefined),
      ]) {
        expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
      }
    });
  });

  it('copies IFD0 instead of patching an entry that other data overlaps', () => {
    // The strip is declared over IFD0 itself (hostile, but structurally in bounds).
    const b = new TiffBuilder(true);
    const fields = [...rgbImageFields(true, 2, 2, 0), f.bytes(XMP_TAG, BYTE, otherPacket)];
    const at = b.reserveIfd(fields.length);
    const size = 2 + 12 * fields.length + 4;
    const overlapping = fields.map((x) =>
      x.tag === 273 ? f.long(273, at) : x.tag === 279 ? f.long(279, size) : x,
    );
    const file = b.build(b.ifd(overlapping, { at }));
    const out = writeTiffXmp(file, packet);
    expect(readU32(out, 4, true)).toBeGreaterThan(at + size);
    expect(out.subarray(at, at + size)).toEqual(file.subarray(at, at + size));
    expect(readTiffXmp(out)).toEqual(packet);
  });

  it('refuses to add a 65536th entry to IFD0', () => {
    const b = new TiffBuilder(true);
    // Tags 1..65535 without 700 (one repeated); every value 8, so offset tags stay in bounds.
    const fields = Array.from({ length: 0xffff }, (_, k) => f.short(k + 1 === XMP_TAG ? 1 : k + 1, 8));
    const file = b.build(b.ifd(fields));
    const err = catchFormatError(() => writeTiffXmp(file, packet));
    expect(err?.code).toBe('format.metadata_too_large');
  });
});

/**
 * What the conformance suite's exact-bytes tests cannot check for an append-only format
 * (see the report in README / ConformanceOptions): on every fixture, a write keeps every
 * original byte except the IFD0 offset, the tag-700 entry and a reused tail; write then remove
 * gives an unlabelled file with the same structure and pixels; a remove/relabel cycle reaches
 * a fixed point at once.
 */
describe('TIFF append-only write guarantees, on every fixture', () => {
  let fixtures: readonly ConformanceFixture[] = [];
  beforeAll(async () => {
    fixtures = await buildTiffFixtures();
  });

  it('keeps every original byte outside the IFD0 offset, the XMP entry and a tail it wrote itself', () => {
    for (const fx of fixtures) {
      const ifd0 = ifd0Of(fx.bytes);
      const old = xmpEntry(fx.bytes);
      const ends = (end: number): boolean => end === fx.bytes.length;
      const packetEnds = old !== undefined && !old.inline && ends(old.valueEnd);
      const tailStart =
        ends(ifd0.end) || (packetEnds && old.valueStart === ifd0.end)
          ? ifd0.offset
          : packetEnds
            ? old.valueStart
            : fx.bytes.length;
      for (const p of [packet, undefined]) {
        const out = writeTiffXmp(fx.bytes, p);
        const allowed = new Set([...range(4, 8), ...(old ? range(old.at, old.at + 12) : [])]);
        const changed = diffOffsets(fx.bytes, out).filter((i) => i < tailStart && i < out.length);
        expect(
          changed.filter((i) => !allowed.has(i)),
          fx.name,
        ).toEqual([]);
        expect(out.length, fx.name).toBeGreaterThanOrEqual(Math.min(tailStart, fx.bytes.length));
      }
    }
  });

  it('write then remove: an unlabelled file with the same IFDs, data and pixels', async () => {
    for (const fx of fixtures) {
      const removed = writeTiffXmp(writeTiffXmp(fx.bytes, packet), undefined);
      expect(readTiffXmp(removed), fx.name).toBeUndefined();
      expect(tiffStructure(removed), fx.name).toEqual(tiffStructure(fx.bytes));
      expect(await decodePixels(removed), fx.name).toEqual(await decodePixels(fx.bytes));
    }
  });

  it('a remove/relabel cycle reaches a fixed point at once (no unbounded growth)', () => {
    for (const fx of fixtures) {
      const once = writeTiffXmp(fx.bytes, packet);
      const cycled = writeTiffXmp(writeTiffXmp(once, undefined), packet);
      expect(bytesEqual(writeTiffXmp(writeTiffXmp(cycled, undefined), packet), cycled), fx.name).toBe(true);
      if (fx.xmp === undefined) expect(bytesEqual(cycled, once), fx.name).toBe(true);
      expect(cycled.length - once.length, fx.name).toBeLessThanOrEqual(
        2 + 12 * ifd0Of(once).entries.length + 5,
      );
    }
  });

  it('restores the exact original bytes when IFD0 ended the file', () => {
    let checked = 0;
    for (const fx of fixtures) {
      if (fx.xmp !== undefined || ifd0Of(fx.bytes).end !== fx.bytes.length) continue;
      checked++;
      expect(bytesEqual(writeTiffXmp(writeTiffXmp(fx.bytes, packet), undefined), fx.bytes), fx.name).toBe(
        true,
      );
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps the trailer of a file with bytes after its last structure', () => {
    const fx = fixtures.find((x) => x.trailer !== undefined)!;
    const out = writeTiffXmp(fx.bytes, packet);
    expect(out.subarray(0, 4)).toEqual(fx.bytes.subarray(0, 4));
    expect(out.subarray(8, fx.bytes.length)).toEqual(fx.bytes.subarray(8));
    expect(readTiffXmp(out)).toEqual(packet);
  });

  it('mutated files: a successful write keeps the structure and every byte outside its zones (property)', () => {
    const fixtureArb = fc.nat().map((i) => fixtures[i % fixtures.length]!);
    let written = 0;
    fc.assert(
      fc.property(fixtureArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (fx, ms) => {
        let bytes = fx.bytes;
        for (const m of ms) bytes = applyMutation(bytes, m);
        let out: Uint8Array | undefined;
        if (catchFormatError(() => (out = writeTiffXmp(bytes, packet))) !== undefined || out === undefined)
          return;
        written++;
        const structure = tiffStructure(bytes);
        expect(tiffStructure(out)).toEqual(structure);
        const removed = writeTiffXmp(out, undefined);
        expect(tiffStructure(removed)).toEqual(structure);
        expect(readTiffXmp(removed)).toBeUndefined();
        // Outside the header's IFD0 offset and IFD0 itself, the input's referenced bytes are untouched.
        const ifd0 = ifd0Of(bytes);
        expect(out.subarray(0, 4)).toEqual(bytes.subarray(0, 4));
        for (const r of walkTiff(bytes).ranges) {
          if (r.kind === 'header' || (r.ifd === 0 && (r.kind === 'ifd' || r.tag === XMP_TAG))) continue;
          if (r.start < ifd0.end && ifd0.offset < r.end) continue; // overlaps IFD0 (hostile)
          expect(out.subarray(r.start, r.end)).toEqual(bytes.subarray(r.start, r.end));
        }
      }),
      { numRuns: 1000 },
    );
    expect(written).toBeGreaterThan(30); // about 9% of mutated fixtures still validate
  });
});
