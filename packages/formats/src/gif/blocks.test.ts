import { asciiBytes, concatBytes } from '@synthguard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildGradientImage } from '../testing/images.js';
import {
  GIF_TRAILER,
  buildApplicationExtension,
  buildCommentExtension,
  firstImageAt,
  insertAt,
  toGif87a,
} from '../testing/gif-fixtures.js';
import { buildAnimation } from '../testing/webp-fixtures.js';
import { hasGifSignature, walkGif } from './blocks.js';

function code(file: Uint8Array): string | undefined {
  return catchFormatError(() => walkGif(file))?.code;
}

/** Header + 2x1 logical screen with a 2-colour global table, then `blocks`. */
function gif(...blocks: Uint8Array[]): Uint8Array {
  return concatBytes([
    asciiBytes('GIF89a'),
    Uint8Array.of(2, 0, 1, 0, 0x80, 0, 0),
    Uint8Array.of(0, 0, 0, 255, 255, 255),
    ...blocks,
  ]);
}

/** A 2x1 image: descriptor, optional local table, LZW code size 2, one data sub-block. */
function image(localTable = false): Uint8Array {
  return concatBytes([
    Uint8Array.of(0x2c, 0, 0, 0, 0, 2, 0, 1, 0, localTable ? 0x80 : 0),
    localTable ? new Uint8Array(6) : new Uint8Array(0),
    Uint8Array.of(2, 2, 0x44, 0x01, 0),
  ]);
}

describe('walkGif (GIF89a specification)', () => {
  let still: Uint8Array;
  let animated: Uint8Array;
  beforeAll(async () => {
    still = new Uint8Array(await buildGradientImage(40, 30).gif().toBuffer());
    animated = new Uint8Array(await (await buildAnimation()).gif({ loop: 0 }).toBuffer());
  });

  it('lists the extension and image blocks and where the trailer is', () => {
    const layout = walkGif(still);
    expect(layout.version).toBe('89a');
    expect(layout.blocks.map((b) => [b.kind, b.label])).toEqual([
      ['extension', 0xf9],
      ['image', undefined],
    ]);
    expect(layout.trailerAt).toBe(still.length - 1);
    expect(layout.end).toBe(still.length);
    const anim = walkGif(animated);
    expect(anim.blocks[0]?.application).toBe('NETSCAPE2.0');
    expect(anim.blocks.filter((b) => b.kind === 'image')).toHaveLength(3);
    expect(walkGif(toGif87a(still)).version).toBe('87a');
  });

  it('keeps bytes after the trailer out of the walk', () => {
    const layout = walkGif(concatBytes([still, GIF_TRAILER]));
    expect(layout.end).toBe(still.length);
  });

  it('walks comments, plain text and unknown application extensions as sub-blocks', () => {
    const plainText = concatBytes([
      Uint8Array.of(0x21, 0x01, 12),
      new Uint8Array(12),
      Uint8Array.of(2, 65, 66, 0),
    ]);
    const file = insertAt(
      still,
      firstImageAt(still),
      concatBytes([
        buildCommentExtension('x'.repeat(600)),
        plainText,
        buildApplicationExtension('SGTEST01ABC', asciiBytes('XMP DataXMP in the data')),
        Uint8Array.of(0x21, 0xff, 4, 65, 66, 67, 68, 0), // identifier of a non-standard size
      ]),
    );
    const apps = walkGif(file).blocks.map((b) => b.application);
    expect(apps).toEqual([undefined, undefined, undefined, 'SGTEST01ABC', undefined, undefined]);
  });

  it('sniffs GIF87a and GIF89a only', () => {
    expect(hasGifSignature(asciiBytes('GIF87a'))).toBe(true);
    expect(hasGifSignature(asciiBytes('GIF89a'))).toBe(true);
    expect(hasGifSignature(asciiBytes('GIF88a'))).toBe(false);
    expect(hasGifSignature(asciiBytes('GIF89'))).toBe(false);
  });

  it('reports every cut before the trailer as truncated', () => {
    for (const file of [still, animated]) {
      for (let cut = 0; cut < file.length; cut++) {
        expect(code(file.subarray(0, cut)), `cut ${cut}`).toBe('format.truncated');
      }
    }
  });

  it.each([
    ['GIF88a', () => concatBytes([asciiBytes('GIF88a'), new Uint8Array(8)])],
    ['GIF89b', () => concatBytes([asciiBytes('GIF89b'), new Uint8Array(8)])],
    ['PNG bytes', () => Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)],
    ['a zero where a block starts', () => gif(image(), Uint8Array.of(0, 0x3b))],
    ['a stray sub-block after an image', () => gif(image(), Uint8Array.of(1, 0, 0, 0x3b))],
  ] as const)('%s -> format.corrupt', (_name, build) => {
    const err = catchFormatError(() => walkGif(build()));
    expect(err?.code).toBe('format.corrupt');
  });

  it('reports the offset and value of an unknown block introducer', () => {
    const file = gif(image(), Uint8Array.of(0x2b, 0x3b));
    expect(catchFormatError(() => walkGif(file))?.details).toEqual({
      offset: 13 + 6 + image().length,
      introducer: 0x2b,
    });
  });

  it.each([
    ['no trailer', () => gif(image())],
    ['a cut global color table', () => gif().subarray(0, 15)],
    ['a cut local color table', () => gif(image(true)).subarray(0, 13 + 6 + 10 + 3)],
    ['a sub-block running past the end', () => gif(Uint8Array.of(0x21, 0xfe, 200, 1, 2, 3))],
    ['an extension without a terminator', () => gif(Uint8Array.of(0x21, 0xfe, 1, 65))],
    ['an image without LZW data', () => gif(image()).subarray(0, 13 + 6 + 10)],
  ] as const)('%s -> format.truncated', (_name, build) => {
    expect(code(build())).toBe('format.truncated');
  });

  it('accepts a data stream without images, and images with a local color table', () => {
    expect(code(gif(Uint8Array.of(0x3b)))).toBeUndefined();
    expect(code(gif(image(true), Uint8Array.of(0x3b)))).toBeUndefined();
  });
});
