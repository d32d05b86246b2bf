/** Test-only WebP fixtures, generated with sharp (libwebp) and then edited at the chunk level. */
import { asciiBytes, concatBytes, utf8Decode } from '@synthguard/core';
import sharp, { type Sharp } from 'sharp';
import { buildWebpChunk, readU32LE, walkWebp, writeU32LE } from '../webp/riff.js';
import type { ConformanceFixture, ConformanceOptions } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { buildGradientImage, preservedMetadata } from './images.js';

export const WEBP_TRAILER = asciiBytes('trailing bytes after the RIFF chunk');

/** A gradient with varying alpha (so lossless keeps an alpha channel). */
export function buildAlphaImage(width = 24, height = 16): Sharp {
  const raw = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    raw[i * 4] = (i * 3) & 0xff;
    raw[i * 4 + 1] = (i * 7) & 0xff;
    raw[i * 4 + 2] = i & 0xff;
    raw[i * 4 + 3] = (i * 11) & 0xff;
  }
  return sharp(raw, { raw: { width, height, channels: 4 } });
}

/** Three 20x12 frames joined into an animation (sharp `join.animated`). */
export async function buildAnimation(): Promise<Sharp> {
  const frames = await Promise.all(
    ['#f00', '#0f0', '#00f'].map((c) =>
      sharp({ create: { width: 20, height: 12, channels: 4, background: c } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } });
}

/** The FourCCs of the top-level chunks. */
export function webpChunkTypes(file: Uint8Array): string[] {
  return walkWebp(file).chunks.map((c) => c.fourcc);
}

/** Offset of the `nth` (0-based) top-level chunk with this FourCC; throws when there is none. */
export function webpChunkStart(file: Uint8Array, fourcc: string, nth = 0): number {
  const c = walkWebp(file).chunks.filter((x) => x.fourcc === fourcc)[nth];
  if (c === undefined) throw new Error(`fixture has no ${fourcc} chunk #${nth}`);
  return c.start;
}

/** Inserts whole chunks at `at` (a chunk boundary) and fixes the RIFF File Size. */
export function insertWebpChunks(file: Uint8Array, at: number, chunks: readonly Uint8Array[]): Uint8Array {
  const out = concatBytes([file.subarray(0, at), ...chunks, file.subarray(at)]);
  const added = chunks.reduce((n, c) => n + c.length, 0);
  writeU32LE(out, 4, readU32LE(out, 4) + added);
  return out;
}

/** Appends chunks at the end of the RIFF chunk (before any trailer). */
export function appendWebpChunks(file: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  return insertWebpChunks(file, walkWebp(file).riffEnd, chunks);
}

/**
 * Sets the RIFF File Size to the file length, so the fuzz properties reach past the size
 * check into the chunk list. Never throws.
 */
export function resealWebp(file: Uint8Array): Uint8Array {
  const out = file.slice();
  if (out.length >= 8) writeU32LE(out, 4, out.length - 8);
  return out;
}

/**
 * Proposed `normalize` for the conformance suite (see the handler test): a write may change
 * File Size and VP8X (flags; dropped or added on conversion) besides the XMP chunk itself, so
 * both are blanked before comparing bytes outside the slot. Never throws.
 */
export function normalizeWebp(file: Uint8Array): Uint8Array {
  const out = file.slice();
  if (out.length >= 8) writeU32LE(out, 4, 0);
  const isVp8x =
    out.length >= 30 && out[12] === 0x56 && out[13] === 0x50 && out[14] === 0x38 && out[15] === 0x58;
  return isVp8x ? concatBytes([out.subarray(0, 12), out.subarray(30)]) : out;
}

/** Decoded pixels of every frame (an animation decodes as one tall strip). */
export async function decodeAllFrames(file: Uint8Array): Promise<unknown> {
  const { data, info } = await sharp(file, { animated: true }).raw().toBuffer({ resolveWithObject: true });
  return { info, pixels: Buffer.from(data).toString('hex') };
}

/** EXIF / ICC (via the image probe) plus animation parameters and alpha. */
export async function preservedWithAnimation(file: Uint8Array): Promise<unknown> {
  const m = await sharp(file, { animated: true }).metadata();
  return {
    base: await preservedMetadata(file),
    pages: m.pages,
    pageHeight: m.pageHeight,
    loop: m.loop,
    delay: m.delay,
    hasAlpha: m.hasAlpha,
  };
}

export const animatedImageProbes: Pick<ConformanceOptions, 'decode' | 'preserved'> = {
  decode: decodeAllFrames,
  preserved: preservedWithAnimation,
};

export async function buildWebpFixtures(): Promise<ConformanceFixture[]> {
  const sharpXmp = buildXmpPacket('sharp webp');
  const animXmp = buildXmpPacket('animated webp');
  const oddXmp = buildXmpPacket('odd-length packet, xy');
  const exif = { IFD0: { Copyright: 'synthguard test', ImageDescription: 'fixture' } };

  const lossy = new Uint8Array(await buildGradientImage(40, 30).webp({ quality: 80 }).toBuffer());
  const lossless = new Uint8Array(await buildAlphaImage().webp({ lossless: true }).toBuffer());
  const lossyAlpha = new Uint8Array(await buildAlphaImage(30, 20).webp({ quality: 70 }).toBuffer());
  const animated = new Uint8Array(
    await (await buildAnimation()).webp({ loop: 0, delay: [80, 120, 160] }).toBuffer(),
  );
  const iccExif = new Uint8Array(
    await buildGradientImage(32, 24).webp().withIccProfile('srgb').withExif(exif).toBuffer(),
  );
  const viaSharp = new Uint8Array(
    await buildGradientImage(24, 24).webp().withXmp(utf8Decode(sharpXmp)).toBuffer(),
  );
  const animatedXmp = new Uint8Array(
    await (await buildAnimation()).webp({ loop: 2 }).withExif(exif).withXmp(utf8Decode(animXmp)).toBuffer(),
  );
  // An odd-sized unknown chunk at the end (padding byte), after EXIF: XMP goes before it.
  const unknownOdd = appendWebpChunks(iccExif, [buildWebpChunk('sgTS', asciiBytes('odd'))]);
  // An odd-length packet placed before the image data (out of §2.7 order, allowed for metadata).
  const oddEarly = insertWebpChunks(lossyAlpha, webpChunkStart(lossyAlpha, 'ALPH'), [
    buildWebpChunk('XMP ', oddXmp),
  ]);
  oddEarly[20] = oddEarly[20]! | 0x04;

  if (oddXmp.length % 2 === 0) throw new Error('fixture packet must have an odd length');
  return [
    { name: 'lossy (simple VP8)', bytes: lossy, xmp: undefined },
    { name: 'lossless with alpha (simple VP8L)', bytes: lossless, xmp: undefined },
    { name: 'lossy with alpha (VP8X ALPH VP8)', bytes: lossyAlpha, xmp: undefined },
    { name: 'animated (ANIM ANMF)', bytes: animated, xmp: undefined },
    { name: 'ICC + EXIF', bytes: iccExif, xmp: undefined },
    { name: 'unknown odd-sized chunk at the end', bytes: unknownOdd, xmp: undefined },
    { name: 'XMP written by sharp', bytes: viaSharp, xmp: sharpXmp },
    { name: 'animated with EXIF and XMP', bytes: animatedXmp, xmp: animXmp },
    { name: 'odd-length XMP before the image data', bytes: oddEarly, xmp: oddXmp },
    {
      name: 'lossy + trailer',
      bytes: concatBytes([lossy, WEBP_TRAILER]),
      xmp: undefined,
      trailer: WEBP_TRAILER.length,
    },
    {
      name: 'XMP + trailer',
      bytes: concatBytes([viaSharp, WEBP_TRAILER]),
      xmp: sharpXmp,
      trailer: WEBP_TRAILER.length,
    },
  ];
}
