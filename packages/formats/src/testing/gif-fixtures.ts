/** Test-only GIF fixtures, generated with sharp (cgif) and then edited at the block level. */
import { asciiBytes, concatBytes } from '@synthguard/core';
import fc from 'fast-check';
import { walkGif } from '../gif/blocks.js';
import type { ConformanceFixture } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { buildGradientImage } from './images.js';
import { buildAnimation } from './webp-fixtures.js';

export const GIF_TRAILER = asciiBytes('trailing bytes after the GIF trailer');

/**
 * An XMP application extension built from XMP Part 3 §1.1.2 by hand (independently of the
 * handler): header, raw packet, magic trailer 0x01 0xFF..0x00, Block Terminator.
 */
export function buildXmpExtension(packet: Uint8Array): Uint8Array {
  const magic = [0x01];
  for (let b = 0xff; b >= 0; b--) magic.push(b);
  magic.push(0x00);
  return concatBytes([
    Uint8Array.of(0x21, 0xff, 0x0b),
    asciiBytes('XMP DataXMP'),
    packet,
    Uint8Array.from(magic),
  ]);
}

/** Data sub-blocks (GIF89a §15) carrying `data`, with the Block Terminator. */
export function buildSubBlocks(data: Uint8Array, chunk = 255): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunk) {
    const part = data.subarray(at, at + chunk);
    parts.push(Uint8Array.of(part.length), part);
  }
  parts.push(Uint8Array.of(0));
  return concatBytes(parts);
}

/** Comment Extension (GIF89a §24). */
export function buildCommentExtension(text: string): Uint8Array {
  return concatBytes([Uint8Array.of(0x21, 0xfe), buildSubBlocks(asciiBytes(text))]);
}

/** An Application Extension (GIF89a §26) with an 11-byte identifier and data sub-blocks. */
export function buildApplicationExtension(identifier: string, data: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(0x21, 0xff, 0x0b), asciiBytes(identifier), buildSubBlocks(data, 7)]);
}

export function insertAt(file: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  return concatBytes([file.subarray(0, at), bytes, file.subarray(at)]);
}

/** Offset of the first image descriptor. */
export function firstImageAt(file: Uint8Array): number {
  const b = walkGif(file).blocks.find((x) => x.kind === 'image');
  if (b === undefined) throw new Error('fixture has no image');
  return b.start;
}

/** Offset of the Trailer 0x3B. */
export function trailerAt(file: Uint8Array): number {
  return walkGif(file).trailerAt;
}

/**
 * A GIF87a built from a sharp GIF89a: header, screen descriptor with GIF87a's reserved zeros,
 * color table, and the image blocks only (no extensions).
 */
export function toGif87a(gif89a: Uint8Array): Uint8Array {
  const layout = walkGif(gif89a);
  const firstBlock = layout.blocks[0]?.start ?? layout.trailerAt;
  const head = gif89a.slice(0, firstBlock);
  head.set(asciiBytes('GIF87a'));
  head[10] = head[10]! & ~0x08;
  head[12] = 0;
  const images = layout.blocks
    .filter((b) => b.kind === 'image')
    .map((b) => {
      const block = gif89a.slice(b.start, b.end);
      block[9] = block[9]! & ~0x38;
      return block;
    });
  return concatBytes([head, ...images, Uint8Array.of(0x3b)]);
}

/** Packets a GIF can carry: any bytes but zero (XMP Part 3 §1.1.2: UTF-8 text). */
export const gifPacketArb: fc.Arbitrary<Uint8Array> = fc.uint8Array({ min: 1, max: 255, maxLength: 4096 });

/**
 * Proposed `normalize` for the conformance suite: labelling may turn GIF87a into GIF89a and
 * removal back, so the version byte is blanked before comparing bytes. Never throws.
 */
export function normalizeGif(file: Uint8Array): Uint8Array {
  const out = file.slice();
  if (out.length > 4) out[4] = 0;
  return out;
}

export async function buildGifFixtures(): Promise<ConformanceFixture[]> {
  const xmp = buildXmpPacket('gif');
  const animXmp = buildXmpPacket('animated gif');

  const still = new Uint8Array(await buildGradientImage(40, 30).gif().toBuffer());
  const animated = new Uint8Array(
    await (await buildAnimation()).gif({ loop: 0, delay: [80, 120, 160] }).toBuffer(),
  );
  const gif87a = toGif87a(still);
  // ExifTool's position: before the first image (here after its Graphic Control Extension).
  const xmpFirst = insertAt(still, firstImageAt(still), buildXmpExtension(xmp));
  const commented = insertAt(
    still,
    firstImageAt(still),
    concatBytes([
      buildCommentExtension('a comment that is not XMP'),
      buildApplicationExtension('SGTEST01ABC', asciiBytes('XMP DataXMP, but in the data')),
    ]),
  );
  // The XMP Toolkit's position: before the Trailer.
  const animatedXmpLast = insertAt(animated, trailerAt(animated), buildXmpExtension(animXmp));

  return [
    { name: 'GIF89a still (sharp)', bytes: still, xmp: undefined },
    { name: 'GIF89a animated, 3 frames (sharp)', bytes: animated, xmp: undefined },
    { name: 'GIF87a (hand-built)', bytes: gif87a, xmp: undefined },
    { name: 'comment + other application extension', bytes: commented, xmp: undefined },
    { name: 'XMP before the first image (ExifTool position)', bytes: xmpFirst, xmp },
    {
      name: 'animated, XMP after the last frame (XMP Toolkit position)',
      bytes: animatedXmpLast,
      xmp: animXmp,
    },
    {
      name: 'XMP before the first image + trailer',
      bytes: concatBytes([xmpFirst, GIF_TRAILER]),
      xmp,
      trailer: GIF_TRAILER.length,
    },
    {
      name: 'GIF87a + trailer',
      bytes: concatBytes([gif87a, GIF_TRAILER]),
      xmp: undefined,
      trailer: GIF_TRAILER.length,
    },
  ];
}
