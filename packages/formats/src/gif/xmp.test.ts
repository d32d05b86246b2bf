import { asciiBytes, bytesEqual, concatBytes } from '@synthguard/core';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXmpPacket } from '../testing/conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildGradientImage } from '../testing/images.js';
import {
  buildApplicationExtension,
  buildGifFixtures,
  buildSubBlocks,
  buildXmpExtension,
  firstImageAt,
  gifPacketArb,
  insertAt,
  toGif87a,
  trailerAt,
} from '../testing/gif-fixtures.js';
import { buildAnimation } from '../testing/webp-fixtures.js';
import { walkGif } from './blocks.js';
import { gifHandler } from './handler.js';
import { XMP_MAGIC_TRAILER, readGifXmp, writeGifXmp } from './xmp.js';

const packet = buildXmpPacket();

function version(file: Uint8Array): string {
  return String.fromCharCode(...file.subarray(0, 6));
}

describe('GIF standard XMP (XMP Part 3 §1.1.2)', () => {
  let still: Uint8Array;
  let animated: Uint8Array;
  beforeAll(async () => {
    still = new Uint8Array(await buildGradientImage(40, 30).gif().toBuffer());
    animated = new Uint8Array(await (await buildAnimation()).gif({ loop: 0 }).toBuffer());
  });

  it('has the 258-byte magic trailer 0x01, 0xFF..0x00, 0x00', () => {
    expect(XMP_MAGIC_TRAILER.length).toBe(258);
    expect([...XMP_MAGIC_TRAILER.subarray(0, 4)]).toEqual([0x01, 0xff, 0xfe, 0xfd]);
    expect([...XMP_MAGIC_TRAILER.subarray(253)]).toEqual([0x03, 0x02, 0x01, 0x00, 0x00]);
  });

  it('inserts the raw packet before the first image, ahead of its Graphic Control Extension', () => {
    const gce = walkGif(still).blocks[0]!;
    expect(gce.label).toBe(0xf9);
    const out = writeGifXmp(still, packet);
    expect(out).toEqual(insertAt(still, gce.start, buildXmpExtension(packet)));
    expect(readGifXmp(out)).toEqual(packet);
  });

  it('keeps NETSCAPE2.0 first in an animation', () => {
    const out = writeGifXmp(animated, packet);
    const apps = walkGif(out).blocks.map((b) => b.application ?? b.label);
    expect(apps.slice(0, 3)).toEqual(['NETSCAPE2.0', 'XMP DataXMP', 0xf9]);
  });

  it('inserts before the trailer when there is no image', () => {
    const noImage = concatBytes([still.subarray(0, firstImageAt(still)), Uint8Array.of(0x3b)]);
    expect(walkGif(noImage).blocks.map((b) => b.label)).toEqual([0xf9]);
    const out = writeGifXmp(noImage, packet);
    expect(out).toEqual(insertAt(noImage, trailerAt(noImage), buildXmpExtension(packet)));
  });

  it('decodes to the same pixels and frames (libnsgif via sharp)', async () => {
    for (const file of [still, animated, toGif87a(still)]) {
      const out = writeGifXmp(file, packet);
      const [a, b] = await Promise.all([file, out].map((f) => sharp(f, { animated: true }).raw().toBuffer()));
      expect(bytesEqual(a!, b!)).toBe(true);
    }
  });

  it('every sub-block reader skips the block exactly: random packets without zero bytes', () => {
    fc.assert(
      fc.property(gifPacketArb, (p) => {
        const out = writeGifXmp(still, p);
        const block = walkGif(out).blocks.find((b) => b.application === 'XMP DataXMP')!;
        expect(block.end - block.start).toBe(14 + p.length + 258);
        expect(readGifXmp(out)).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a packet with a zero byte (it would end the block early for every reader)', () => {
    const bad = concatBytes([packet, Uint8Array.of(0), packet]);
    const err = catchFormatError(() => writeGifXmp(still, bad));
    expect(err?.code).toBe('format.corrupt');
    expect(err?.details).toEqual({ packetOffset: packet.length });
  });

  it('rejects a raw packet whose zero byte ends the block: the rest is not a valid block', () => {
    const forged = insertAt(still, firstImageAt(still), buildXmpExtension(Uint8Array.of(0x00)));
    expect(catchFormatError(() => readGifXmp(forged))?.code).toBe('format.corrupt');
  });

  it('upgrades GIF87a to GIF89a and removal restores GIF87a exactly', () => {
    const gif87a = toGif87a(still);
    const out = writeGifXmp(gif87a, packet);
    expect(version(out)).toBe('GIF89a');
    expect(bytesEqual(writeGifXmp(out, undefined), gif87a)).toBe(true);
  });

  it('removal keeps GIF89a while anything GIF89a-specific remains', () => {
    // Other extensions remain.
    expect(version(writeGifXmp(writeGifXmp(still, packet), undefined))).toBe('GIF89a');
    // No extension left, but a pixel aspect ratio, or an image sort flag.
    const aspect = toGif87a(still);
    aspect.set(asciiBytes('GIF89a'));
    aspect[12] = 49;
    expect(version(writeGifXmp(writeGifXmp(aspect, packet), undefined))).toBe('GIF89a');
    const sorted = toGif87a(still);
    sorted.set(asciiBytes('GIF89a'));
    sorted[firstImageAt(sorted) + 9] = sorted[firstImageAt(sorted) + 9]! | 0x20;
    expect(version(writeGifXmp(writeGifXmp(sorted, packet), undefined))).toBe('GIF89a');
    // A GIF89a with nothing GIF89a-specific comes back as GIF87a (documented).
    const plain = toGif87a(still);
    plain.set(asciiBytes('GIF89a'));
    expect(version(writeGifXmp(writeGifXmp(plain, packet), undefined))).toBe('GIF87a');
  });

  it('replaces an existing packet in place, wherever it is (XMP Toolkit writes it last)', () => {
    const old = buildXmpExtension(buildXmpPacket('old'));
    const at = trailerAt(animated);
    const file = insertAt(animated, at, old);
    expect(readGifXmp(file)).toEqual(buildXmpPacket('old'));
    const out = writeGifXmp(file, packet);
    expect(out).toEqual(insertAt(animated, at, buildXmpExtension(packet)));
    expect(bytesEqual(writeGifXmp(out, undefined), animated)).toBe(true);
  });

  it('reads an empty packet', () => {
    const file = insertAt(still, firstImageAt(still), buildXmpExtension(new Uint8Array(0)));
    expect(readGifXmp(file)).toEqual(new Uint8Array(0));
  });

  it('rejects an XMP block without the magic trailer on read; a write replaces it', () => {
    // A naive writer: the packet in ordinary sub-blocks.
    const naive = concatBytes([
      Uint8Array.of(0x21, 0xff, 0x0b),
      asciiBytes('XMP DataXMP'),
      buildSubBlocks(packet),
    ]);
    const file = insertAt(still, firstImageAt(still), naive);
    const err = catchFormatError(() => readGifXmp(file));
    expect(err?.code).toBe('format.corrupt');
    const out = writeGifXmp(file, packet);
    expect(readGifXmp(out)).toEqual(packet);
    expect(bytesEqual(writeGifXmp(out, undefined), still)).toBe(true);
    // A trailer cut short (only the terminator is left of it).
    const short = insertAt(
      still,
      firstImageAt(still),
      concatBytes([Uint8Array.of(0x21, 0xff, 0x0b), asciiBytes('XMP DataXMP'), Uint8Array.of(0)]),
    );
    expect(catchFormatError(() => readGifXmp(short))?.code).toBe('format.corrupt');
  });

  it('rejects two XMP blocks on read, write and removal', () => {
    const labelled = writeGifXmp(still, packet);
    const file = insertAt(labelled, trailerAt(labelled), buildXmpExtension(buildXmpPacket('forged')));
    expect(walkGif(file).blocks.filter((b) => b.application === 'XMP DataXMP')).toHaveLength(2);
    for (const op of [
      () => readGifXmp(file),
      () => writeGifXmp(file, packet),
      () => writeGifXmp(file, undefined),
    ]) {
      expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
    }
  });

  it('ignores other application extensions, even with XMP-like data', () => {
    const file = insertAt(
      still,
      firstImageAt(still),
      concatBytes([
        buildApplicationExtension('XMP DataXMQ', packet),
        buildApplicationExtension('SGTEST01ABC', asciiBytes('XMP DataXMP')),
      ]),
    );
    expect(readGifXmp(file)).toBeUndefined();
  });

  it('returns a copy when there is nothing to remove', () => {
    const out = writeGifXmp(still, undefined);
    expect(out).not.toBe(still);
    expect(bytesEqual(out, still)).toBe(true);
  });

  // The conformance suite's registry-independent core, so it runs before the handler is
  // registered: every fixture sniffs, validates, and reads back what was written.
  it('every fixture: sniff, validate, write then read, validate the result', async () => {
    for (const f of await buildGifFixtures()) {
      expect(gifHandler.sniff(f.bytes), f.name).toBe(true);
      gifHandler.validate(f.bytes);
      const out = writeGifXmp(f.bytes, packet);
      expect(gifHandler.sniff(out)).toBe(true);
      gifHandler.validate(out);
      expect(readGifXmp(out), f.name).toEqual(packet);
    }
  });
});
