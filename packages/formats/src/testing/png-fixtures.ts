/** Test-only PNG fixtures, generated with sharp and then edited at the chunk level. */
import { asciiBytes, concatBytes, utf8Decode, utf8Encode } from '@synthguard/core';
import { deflateSync } from 'node:zlib';
import { buildChunk, walkPng } from '../png/chunks.js';
import { crc32 } from '../png/crc.js';
import type { ConformanceFixture } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { buildGradientImage, buildSharpImage } from './images.js';

export const XMP_KEYWORD = 'XML:com.adobe.xmp';

export function buildTextChunk(keyword: string, text: string): Uint8Array {
  return buildChunk('tEXt', concatBytes([asciiBytes(`${keyword}\0`), asciiBytes(text)]));
}

export function buildZtxtChunk(keyword: string, text: Uint8Array): Uint8Array {
  return buildChunk('zTXt', concatBytes([asciiBytes(`${keyword}\0`), Uint8Array.of(0), deflateSync(text)]));
}

/** iTXt (PNG 3rd ed. §11.3.3.4); `compress` zlib-compresses the text. */
export function buildItxtChunk(
  keyword: string,
  text: Uint8Array,
  options: { compress?: boolean; language?: string; translated?: string } = {},
): Uint8Array {
  const compress = options.compress ?? false;
  return buildChunk(
    'iTXt',
    concatBytes([
      asciiBytes(`${keyword}\0`),
      Uint8Array.of(compress ? 1 : 0, 0),
      asciiBytes(`${options.language ?? ''}\0`),
      utf8Encode(`${options.translated ?? ''}\0`),
      compress ? deflateSync(text) : text,
    ]),
  );
}

/** Offset of the `nth` (0-based) chunk of `type`; throws when there is none. */
export function chunkStart(file: Uint8Array, type: string, nth = 0): number {
  const c = walkPng(file).chunks.filter((x) => x.type === type)[nth];
  if (c === undefined) throw new Error(`fixture has no ${type} chunk #${nth}`);
  return c.start;
}

export function insertAt(file: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  return concatBytes([file.subarray(0, at), bytes, file.subarray(at)]);
}

/**
 * Recomputes the CRC of every chunk that still fits the file, walking lengths leniently.
 * Used by the fuzz properties so mutations get past the CRC check. Never throws.
 */
export function resealPng(file: Uint8Array): Uint8Array {
  const out = file.slice();
  let at = 8;
  while (at + 12 <= out.length) {
    const length = ((out[at]! << 24) >>> 0) + ((out[at + 1]! << 16) | (out[at + 2]! << 8) | out[at + 3]!);
    const dataEnd = at + 8 + length;
    if (dataEnd + 4 > out.length) break;
    const crc = crc32(out, at + 4, dataEnd);
    out[dataEnd] = crc >>> 24;
    out[dataEnd + 1] = (crc >>> 16) & 0xff;
    out[dataEnd + 2] = (crc >>> 8) & 0xff;
    out[dataEnd + 3] = crc & 0xff;
    at = dataEnd + 4;
  }
  return out;
}

export const PNG_TRAILER = asciiBytes('trailing bytes after IEND');

export async function buildPngFixtures(): Promise<ConformanceFixture[]> {
  const sharpXmp = buildXmpPacket('sharp');
  const compressedXmp = buildXmpPacket('compressed iTXt');
  const exif = { IFD0: { Copyright: 'synthguard test', ImageDescription: 'fixture' } };

  const rgb = new Uint8Array(await buildSharpImage().png().toBuffer());
  const palette = new Uint8Array(
    await buildGradientImage(40, 30).png({ palette: true, colours: 16 }).toBuffer(),
  );
  const iccExif = new Uint8Array(
    await buildGradientImage(32, 24).png().withIccProfile('srgb').withExif(exif).toBuffer(),
  );
  const textChunks = insertAt(
    rgb,
    chunkStart(rgb, 'IDAT'),
    concatBytes([
      buildTextChunk('Comment', 'plain tEXt'),
      buildZtxtChunk('Description', asciiBytes('compressed zTXt')),
      buildItxtChunk('Title', utf8Encode('标题'), { language: 'zh-CN', translated: '标题' }),
    ]),
  );
  const viaSharp = new Uint8Array(
    await buildGradientImage(24, 24).png().withXmp(utf8Decode(sharpXmp)).toBuffer(),
  );
  // Compressed iTXt XMP in an unconventional place (just before IEND), plus a trailer.
  const compressed = concatBytes([
    insertAt(
      palette,
      chunkStart(palette, 'IEND'),
      buildItxtChunk(XMP_KEYWORD, compressedXmp, { compress: true }),
    ),
    PNG_TRAILER,
  ]);
  const interlaced = new Uint8Array(await buildGradientImage(20, 20).png({ progressive: true }).toBuffer());

  return [
    { name: 'RGB', bytes: rgb, xmp: undefined },
    { name: 'palette', bytes: palette, xmp: undefined },
    { name: 'ICC + eXIf', bytes: iccExif, xmp: undefined },
    { name: 'tEXt + zTXt + iTXt', bytes: textChunks, xmp: undefined },
    { name: 'XMP in zTXt (as sharp writes it)', bytes: viaSharp, xmp: sharpXmp },
    {
      name: 'compressed iTXt XMP before IEND + trailer',
      bytes: compressed,
      xmp: compressedXmp,
      trailer: PNG_TRAILER.length,
    },
    {
      name: 'interlaced + trailer',
      bytes: concatBytes([interlaced, PNG_TRAILER]),
      xmp: undefined,
      trailer: PNG_TRAILER.length,
    },
  ];
}
