import { asciiBytes } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors.js';
import { jpegHandler } from './jpeg/handler.js';
import { pngHandler } from './png/handler.js';
import {
  detectFormat,
  formatHandlers,
  handlerByExtension,
  handlerById,
  handlerByMediaType,
} from './registry.js';
import { catchFormatError } from './testing/mutations.js';

describe('format registry', () => {
  it('lists each handler once, with unique ids, extensions and media types', () => {
    expect(formatHandlers.map((h) => h.id)).toEqual([
      'jpeg',
      'png',
      'webp',
      'gif',
      'tiff',
      'heif',
      'mp4',
      'mkv',
      'wav',
      'flac',
      'ogg',
      'pdf',
      'ooxml',
      'mp3',
      'markdown',
    ]);
    const exts = formatHandlers.flatMap((h) => h.extensions);
    expect(new Set(exts).size).toBe(exts.length);
    expect(new Set(formatHandlers.map((h) => h.mediaType)).size).toBe(formatHandlers.length);
    expect(Object.isFrozen(formatHandlers)).toBe(true);
  });

  it('looks handlers up by id, extension and media type', () => {
    expect(handlerById('jpeg')).toBe(jpegHandler);
    expect(handlerById('JPEG')).toBeUndefined();
    expect(handlerById('toString')).toBeUndefined();
    for (const ext of ['jpg', 'JPG', '.jpg', '.JPEG', 'jpe', ' jpeg '])
      expect(handlerByExtension(ext)).toBe(jpegHandler);
    for (const ext of ['png', '.PNG']) expect(handlerByExtension(ext)).toBe(pngHandler);
    for (const ext of ['', '.', '..png', 'png.']) expect(handlerByExtension(ext)).toBeUndefined();
    expect(handlerByMediaType('image/jpeg')).toBe(jpegHandler);
    expect(handlerByMediaType('Image/PNG; charset=binary')).toBe(pngHandler);
    expect(handlerByMediaType(' image/png ;x=y')).toBe(pngHandler);
    expect(handlerByMediaType('image/jpg')).toBe(jpegHandler);
    expect(handlerByMediaType('image/x-png')).toBe(pngHandler);
    expect(handlerByMediaType('image/bmp')).toBeUndefined();
    expect(handlerByMediaType('')).toBeUndefined();
  });

  it('detects formats by magic bytes, not by name', () => {
    expect(detectFormat(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe(jpegHandler);
    expect(detectFormat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe(pngHandler);
  });

  it.each([
    ['text', asciiBytes('hello, this is not an image')],
    ['empty', new Uint8Array(0)],
    ['a JPEG SOI alone', Uint8Array.of(0xff, 0xd8)],
    ['a PNG signature cut short', Uint8Array.of(0x89, 0x50, 0x4e, 0x47)],
  ])('throws format.unsupported for %s', (_name, bytes) => {
    const err = catchFormatError(() => detectFormat(bytes));
    expect(err).toBeInstanceOf(FormatError);
    expect(err?.code).toBe('format.unsupported');
  });

  it('never throws anything but format.unsupported on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const err = catchFormatError(() => detectFormat(bytes));
        if (err !== undefined) expect(err.code).toBe('format.unsupported');
      }),
      { numRuns: 500 },
    );
  });
});

describe('detection of formats without magic bytes', () => {
  const plain = new TextEncoder().encode('# Title\n\nGenerated text.\n');

  it('finds Markdown by file name or media type when no handler sniffs the bytes', () => {
    expect(() => detectFormat(plain)).toThrow(expect.objectContaining({ code: 'format.unsupported' }));
    expect(detectFormat(plain, { fileName: 'notes/summary.MD' }).id).toBe('markdown');
    expect(detectFormat(plain, { mediaType: 'text/markdown; charset=utf-8' }).id).toBe('markdown');
  });

  it('never lets a name override magic bytes or pick a handler that has them', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(detectFormat(png, { fileName: 'x.md' }).id).toBe('png');
    expect(() => detectFormat(plain, { fileName: 'x.png' })).toThrow(
      expect.objectContaining({ code: 'format.unsupported' }),
    );
  });
});
