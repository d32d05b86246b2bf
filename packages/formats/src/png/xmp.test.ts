import { asciiBytes, bytesEqual, concatBytes, startsWithAt, utf8Encode } from '@synthguard/core';
import sharp from 'sharp';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXmpPacket } from '../testing/conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildSharpImage } from '../testing/images.js';
import {
  PNG_TRAILER,
  XMP_KEYWORD,
  buildItxtChunk,
  buildTextChunk,
  buildZtxtChunk,
  chunkStart,
  insertAt,
} from '../testing/png-fixtures.js';
import { buildChunk, walkPng } from './chunks.js';
import { MAX_INFLATED_XMP, readPngXmp, writePngXmp } from './xmp.js';

const packet = buildXmpPacket();

function types(file: Uint8Array): string[] {
  return walkPng(file).chunks.map((c) => c.type);
}

describe('PNG standard XMP (XMP Part 3 §1.1.5)', () => {
  let png: Uint8Array;
  let ihdrEnd: number;
  beforeAll(async () => {
    png = new Uint8Array(await buildSharpImage(16, 16).png({ palette: true }).toBuffer());
    ihdrEnd = walkPng(png).chunks[0]!.end;
  });

  it('inserts an uncompressed iTXt with empty language and translated keyword right after IHDR', () => {
    const out = writePngXmp(png, packet);
    expect(types(out).slice(0, 2)).toEqual(['IHDR', 'iTXt']);
    const expected = buildChunk(
      'iTXt',
      concatBytes([asciiBytes(`${XMP_KEYWORD}\0`), Uint8Array.of(0, 0, 0, 0), packet]),
    );
    expect(out).toEqual(insertAt(png, ihdrEnd, expected));
  });

  it('is read by sharp (libvips) as XMP', async () => {
    const meta = await sharp(writePngXmp(png, packet)).metadata();
    expect(meta.xmp && new Uint8Array(meta.xmp)).toEqual(packet);
  });

  it('reads a compressed iTXt (flag 1) and replaces it in place with an uncompressed one', () => {
    const old = buildItxtChunk(XMP_KEYWORD, buildXmpPacket('old'), {
      compress: true,
      language: 'en',
      translated: 'XMP',
    });
    const at = chunkStart(png, 'IDAT');
    const file = insertAt(png, at, old);
    expect(readPngXmp(file)).toEqual(buildXmpPacket('old'));
    const out = writePngXmp(file, packet);
    const replaced = walkPng(out).chunks.find((c) => c.type === 'iTXt')!;
    expect(replaced.start).toBe(at);
    expect(out[replaced.dataStart + XMP_KEYWORD.length + 1]).toBe(0); // compression flag
    expect(bytesEqual(out.subarray(0, at), file.subarray(0, at))).toBe(true);
    expect(bytesEqual(out.subarray(replaced.end), file.subarray(at + old.length))).toBe(true);
    expect(readPngXmp(out)).toEqual(packet);
  });

  it('reads the XMP that sharp writes (zTXt) and a tEXt carrier, replacing either with iTXt', () => {
    for (const carrier of [
      buildZtxtChunk(XMP_KEYWORD, packet),
      buildTextChunk(XMP_KEYWORD, '<x:xmpmeta/>'),
    ]) {
      const file = insertAt(png, ihdrEnd, carrier);
      expect(readPngXmp(file)).toBeDefined();
      const out = writePngXmp(file, packet);
      expect(types(out).filter((t) => t.endsWith('Xt'))).toEqual(['iTXt']);
      expect(bytesEqual(writePngXmp(out, undefined), png)).toBe(true);
    }
  });

  it('ignores other text chunks, including keywords that merely start like the XMP keyword', () => {
    const others = concatBytes([
      buildTextChunk('Comment', 'hello'),
      buildItxtChunk('XML:com.adobe.xmpx', utf8Encode('<not-xmp/>')),
      buildItxtChunk('Title', utf8Encode('标题'), { compress: true, language: 'zh' }),
    ]);
    const file = insertAt(png, ihdrEnd, others);
    expect(readPngXmp(file)).toBeUndefined();
    const out = writePngXmp(file, packet);
    expect(bytesEqual(writePngXmp(out, undefined), file)).toBe(true);
  });

  it('rejects two XMP chunks on read and on write, whatever their chunk types', () => {
    const pairs = [
      [buildItxtChunk(XMP_KEYWORD, packet), buildItxtChunk(XMP_KEYWORD, buildXmpPacket('forged'))],
      [buildItxtChunk(XMP_KEYWORD, packet), buildZtxtChunk(XMP_KEYWORD, buildXmpPacket('forged'))],
    ];
    for (const [a, b] of pairs) {
      const file = insertAt(insertAt(png, chunkStart(png, 'IEND'), b!), ihdrEnd, a!);
      for (const op of [
        () => readPngXmp(file),
        () => writePngXmp(file, packet),
        () => writePngXmp(file, undefined),
      ]) {
        expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
      }
    }
  });

  it('keeps bytes after IEND untouched', () => {
    const file = concatBytes([png, PNG_TRAILER]);
    const out = writePngXmp(file, packet);
    expect(bytesEqual(out.subarray(out.length - PNG_TRAILER.length), PNG_TRAILER)).toBe(true);
    expect(bytesEqual(writePngXmp(out, undefined), file)).toBe(true);
  });

  describe('malformed XMP chunks are format.corrupt', () => {
    const kw = asciiBytes(`${XMP_KEYWORD}\0`);
    const cases: [string, Uint8Array][] = [
      ['iTXt without flag and method', buildChunk('iTXt', kw)],
      ['iTXt flag 2', buildChunk('iTXt', concatBytes([kw, Uint8Array.of(2, 0, 0, 0)]))],
      ['iTXt method 1', buildChunk('iTXt', concatBytes([kw, Uint8Array.of(1, 1, 0, 0)]))],
      [
        'iTXt unterminated language',
        buildChunk('iTXt', concatBytes([kw, Uint8Array.of(0, 0), asciiBytes('en')])),
      ],
      [
        'iTXt unterminated translated keyword',
        buildChunk('iTXt', concatBytes([kw, Uint8Array.of(0, 0, 0), asciiBytes('X')])),
      ],
      [
        'iTXt flag 1 with bad zlib',
        buildChunk('iTXt', concatBytes([kw, Uint8Array.of(1, 0, 0, 0), asciiBytes('not zlib')])),
      ],
      [
        'iTXt flag 1 with truncated zlib',
        buildChunk('iTXt', concatBytes([kw, Uint8Array.of(1, 0, 0, 0), deflateSync(packet).subarray(0, 20)])),
      ],
      ['zTXt without method', buildChunk('zTXt', kw)],
      ['zTXt method 1', buildChunk('zTXt', concatBytes([kw, Uint8Array.of(1), deflateSync(packet)]))],
    ];
    it.each(cases)('%s', (_name, chunk) => {
      const file = insertAt(png, ihdrEnd, chunk);
      expect(catchFormatError(() => readPngXmp(file))?.code).toBe('format.corrupt');
      // A write replaces the whole carrier, so it also repairs it.
      expect(readPngXmp(writePngXmp(file, packet))).toEqual(packet);
    });

    it(`a zlib bomb inflating past ${MAX_INFLATED_XMP} bytes`, () => {
      const bomb = deflateSync(new Uint8Array(MAX_INFLATED_XMP + 1), { level: 9 });
      const file = insertAt(
        png,
        ihdrEnd,
        buildChunk('iTXt', concatBytes([kw, Uint8Array.of(1, 0, 0, 0), bomb])),
      );
      const err = catchFormatError(() => readPngXmp(file));
      expect(err?.code).toBe('format.corrupt');
      expect(err?.details).toMatchObject({ chunk: 'iTXt', limit: MAX_INFLATED_XMP });
    });
  });

  it('writes an empty packet as an iTXt with empty text', () => {
    const out = writePngXmp(png, new Uint8Array(0));
    expect(readPngXmp(out)).toEqual(new Uint8Array(0));
    const c = walkPng(out).chunks[1]!;
    expect(startsWithAt(out, asciiBytes(XMP_KEYWORD), c.dataStart)).toBe(true);
  });
});
