import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { box, superBox } from '../jumbf/build.js';
import { UUID } from '../jumbf/uuids.js';
import {
  buildJfif,
  buildJpeg,
  buildMp3,
  buildMp4,
  buildPng,
  buildWav,
  buildWebp,
  chunkOffsets,
} from '../testing/fixtures.js';
import { bmffEmbedding } from './bmff.js';
import { mp3Embedding } from './mp3.js';
import { wavEmbedding, webpEmbedding } from './riff.js';
import { jpegEmbedding } from './jpeg.js';
import { pngEmbedding } from './png.js';

function buildStore(contentBytes: number): Uint8Array {
  return superBox(UUID.manifestStore, 'c2pa', [
    superBox(UUID.manifest, 'urn:c2pa:x', [box('cbor', new Uint8Array(contentBytes).fill(7))]),
  ]);
}

describe.each([
  { name: 'jpeg', embedding: jpegEmbedding, build: buildJpeg },
  { name: 'png', embedding: pngEmbedding, build: buildPng },
  { name: 'webp (simple)', embedding: webpEmbedding, build: () => buildWebp(false) },
  { name: 'webp (extended)', embedding: webpEmbedding, build: () => buildWebp(true) },
  { name: 'wav', embedding: wavEmbedding, build: () => Promise.resolve(buildWav()) },
  { name: 'mp3 (no tag)', embedding: mp3Embedding, build: () => Promise.resolve(buildMp3(false)) },
  { name: 'mp3 (ID3v2.3 tag)', embedding: mp3Embedding, build: () => Promise.resolve(buildMp3(true)) },
  { name: 'mp4 (stco)', embedding: bmffEmbedding, build: () => Promise.resolve(buildMp4(false)) },
  { name: 'mp4 (co64)', embedding: bmffEmbedding, build: () => Promise.resolve(buildMp4(true)) },
])('$name embedding', ({ embedding, build }) => {
  it.each([100, 101, 64_000, 150_000])('inserts, finds and removes a %i-byte store exactly', async (size) => {
    const original = await build();
    const store = buildStore(size);
    expect(embedding.find(original)).toBeUndefined();
    const { file, range } = embedding.insert(original, store);
    const found = embedding.find(file)!;
    expect(found.store).toEqual(store);
    expect(found.range).toEqual(range);
    // The carrier may add a few bytes outside the exclusion (a RIFF pad byte, ID3 headers).
    expect(file.length - original.length - range.length).toBeGreaterThanOrEqual(0);
    expect(file.length - original.length - range.length).toBeLessThanOrEqual(64);
    expect(embedding.remove(file)).toEqual(original);
    expect(embedding.remove(original)).toBe(original);
  });

  it('refuses a second store', async () => {
    const { file } = embedding.insert(await build(), buildStore(10));
    expect(() => embedding.insert(file, buildStore(10))).toThrow(
      expect.objectContaining({ code: 'c2pa.duplicate_store' }),
    );
  });

  it('hostile input: only typed errors escape', async () => {
    const { file } = embedding.insert(await build(), buildStore(300));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(file.length),
        (edits, cut) => {
          const bytes = file.slice(0, cut);
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            embedding.find(bytes);
            embedding.remove(bytes);
          } catch (err) {
            expect(
              isAppError(
                err,
                'c2pa.corrupt',
                'c2pa.too_large',
                'c2pa.duplicate_store',
                'c2pa.unsupported_format',
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('jpeg placement', () => {
  it('goes after APP0 and splits into APP11 segments repeating LBox/TBox (ISO 19566-5 A.2)', async () => {
    const original = await buildJfif();
    expect([original[2], original[3]]).toEqual([0xff, 0xe0]);
    const app0End = 4 + ((original[4]! << 8) | original[5]!);
    const store = buildStore(130_000);
    const { file, range } = jpegEmbedding.insert(original, store);
    expect(range.start).toBe(app0End);
    const seg2 = range.start + 4 + 8 + 64_000;
    expect([file[seg2], file[seg2 + 1]]).toEqual([0xff, 0xeb]);
    expect(file.subarray(seg2 + 4, seg2 + 12)).toEqual(Uint8Array.of(0x4a, 0x50, 0x02, 0x11, 0, 0, 0, 2));
    expect(file.subarray(seg2 + 12, seg2 + 20)).toEqual(store.subarray(0, 8));
  });

  it('treats segments that are not consecutive as corrupt', async () => {
    const original = await buildJpeg();
    const { file, range } = jpegEmbedding.insert(original, buildStore(70_000));
    const firstEnd = range.start + 4 + 8 + 64_000;
    const com = Uint8Array.of(0xff, 0xfe, 0x00, 0x03, 0x41);
    const broken = new Uint8Array([...file.subarray(0, firstEnd), ...com, ...file.subarray(firstEnd)]);
    expect(() => jpegEmbedding.find(broken)).toThrow(expect.objectContaining({ code: 'c2pa.corrupt' }));
  });
});

describe('png placement', () => {
  it('goes right before the first IDAT (after eXIf, iCCP, text) with a valid CRC', async () => {
    const original = await buildPng();
    const { file, range } = pngEmbedding.insert(original, buildStore(10));
    expect(
      Buffer.from(file.subarray(range.start + range.length + 4, range.start + range.length + 8)).toString(
        'latin1',
      ),
    ).toBe('IDAT');
    expect(Buffer.from(file.subarray(range.start + 4, range.start + 8)).toString('latin1')).toBe('caBX');
    const { crc32 } = await import('node:zlib');
    const end = range.start + range.length;
    expect(new DataView(file.buffer).getUint32(end - 4)).toBe(crc32(file.subarray(range.start + 4, end - 4)));
  });
});

describe('mp4 placement', () => {
  it.each([false, true])('goes after ftyp and shifts chunk offsets (co64: %s)', (wide) => {
    const original = buildMp4(wide);
    const before = chunkOffsets(original);
    const { file, range } = bmffEmbedding.insert(original, buildStore(50));
    expect(range.start).toBe(new DataView(original.buffer).getUint32(0));
    expect(Buffer.from(file.subarray(range.start + 4, range.start + 8)).toString()).toBe('uuid');
    expect(chunkOffsets(file)).toEqual(before.map((o) => o + range.length));
    expect(bmffEmbedding.remove(file)).toEqual(original);
  });

  it('refuses fragmented files', () => {
    const original = buildMp4();
    const moof = Uint8Array.of(0, 0, 0, 8, 0x6d, 0x6f, 0x6f, 0x66);
    expect(() => bmffEmbedding.insert(new Uint8Array([...original, ...moof]), buildStore(10))).toThrow(
      expect.objectContaining({ code: 'c2pa.unsupported_format' }),
    );
  });
});
