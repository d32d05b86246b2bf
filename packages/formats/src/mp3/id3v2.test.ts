import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildId3Frame, buildId3Tag, buildTextData } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import {
  MAX_LEADING_TAGS,
  parseId3Tag,
  readSyncsafe,
  resynchronise,
  walkLeadingId3,
  writeSyncsafe,
} from './id3v2.js';

const title = (v: 3 | 4) => buildId3Frame(v, 'TIT2', buildTextData(v, 'tone'));
const patched = (bytes: Uint8Array, at: number, ...values: number[]) => {
  const out = bytes.slice();
  out.set(values, at);
  return out;
};

describe('ID3v2 tags (ID3v2.3.0 §3, ID3v2.4.0 structure §3-§4)', () => {
  it('reads and writes syncsafe integers, and rejects a byte with its high bit set', () => {
    const b = new Uint8Array(4);
    writeSyncsafe(b, 0, 0x0fffffff);
    expect([...b]).toEqual([0x7f, 0x7f, 0x7f, 0x7f]);
    expect(readSyncsafe(b, 0)).toBe(0x0fffffff);
    writeSyncsafe(b, 0, 257);
    expect([...b]).toEqual([0, 0, 2, 1]);
    expect(readSyncsafe(Uint8Array.of(0, 0, 0x80, 0), 0)).toBe(-1);
  });

  it('lists frames and where the padding starts, in 2.3 and 2.4', () => {
    for (const v of [3, 4] as const) {
      const tag = buildId3Tag(v, [title(v), buildId3Frame(v, 'TPE1', buildTextData(v, 'me'))], 50);
      const parsed = parseId3Tag(tag, 0);
      expect(parsed.frames.map((f) => f.id)).toEqual(['TIT2', 'TPE1']);
      expect(parsed.framesStart).toBe(10);
      expect(parsed.paddingStart).toBe(tag.length - 50);
      expect(parsed.framesEnd).toBe(tag.length);
      expect(parsed.end).toBe(tag.length);
    }
  });

  it('reads a 2.4 footer, skips an extended header, and walks over a 2.2 tag', () => {
    const footer = buildId3Tag(4, [title(4)], 0, true);
    expect(parseId3Tag(footer, 0)).toMatchObject({ end: footer.length, bodyEnd: footer.length - 10 });
    const ext3 = buildId3Tag(3, [concatBytes([Uint8Array.of(0, 0, 0, 6, 0, 0, 0, 0, 0, 0)]), title(3)]);
    ext3[5] = 0x40;
    expect(parseId3Tag(ext3, 0)).toMatchObject({ framesStart: 20, frames: [{ id: 'TIT2' }] });
    const ext4 = buildId3Tag(4, [Uint8Array.of(0, 0, 0, 6, 1, 0), title(4)]);
    ext4[5] = 0x40;
    expect(parseId3Tag(ext4, 0)).toMatchObject({ framesStart: 16, frames: [{ id: 'TIT2' }] });
    const v22 = patched(buildId3Tag(3, [asciiBytes('TT2\0\0\x03\0ab')]), 3, 2);
    expect(parseId3Tag(v22, 0)).toMatchObject({ version: 2, frames: [], frameBytes: undefined });
  });

  it('restores a 2.3 tag with unsynchronisation before reading its frames', () => {
    expect([...resynchronise(Uint8Array.of(0xff, 0x00, 0xe0, 0xff, 0x00, 0x00, 1))]).toEqual([
      0xff, 0xe0, 0xff, 0x00, 1,
    ]);
    const frame = buildId3Frame(3, 'PRIV', Uint8Array.of(0x41, 0, 0xff, 0xe0));
    const raw = concatBytes([frame.subarray(0, 12), Uint8Array.of(0xff, 0, 0xe0)]);
    const tag = concatBytes([Uint8Array.of(0x49, 0x44, 0x33, 3, 0, 0x80, 0, 0, 0, raw.length), raw]);
    const parsed = parseId3Tag(tag, 0);
    expect(parsed.frames).toEqual([{ id: 'PRIV', start: 0, dataStart: 10, end: 14, flags: 0 }]);
    expect([...parsed.frameBytes!.subarray(10, 14)]).toEqual([0x41, 0, 0xff, 0xe0]);
  });

  it('walks consecutive leading tags, up to a cap', () => {
    const tag = buildId3Tag(4, [title(4)]);
    expect(walkLeadingId3(concatBytes([tag, tag, asciiBytes('x')]))).toMatchObject({ end: 2 * tag.length });
    const many = concatBytes(Array.from({ length: MAX_LEADING_TAGS + 1 }, () => tag));
    expect(catchFormatError(() => walkLeadingId3(many))?.code).toBe('format.corrupt');
    expect(walkLeadingId3(asciiBytes('no tag'))).toEqual({ tags: [], end: 0 });
  });

  const v4 = buildId3Tag(4, [title(4)], 4);
  it.each([
    ['a cut header', () => v4.subarray(0, 6), 'format.truncated'],
    ['a cut body', () => v4.subarray(0, v4.length - 1), 'format.truncated'],
    ['version 2.5', () => patched(v4, 3, 5), 'format.corrupt'],
    ['revision 0xFF', () => patched(v4, 4, 0xff), 'format.corrupt'],
    ['an undefined flag', () => patched(v4, 5, 0x01), 'format.corrupt'],
    ['the footer flag in 2.3', () => patched(buildId3Tag(3, [title(3)]), 5, 0x10), 'format.corrupt'],
    ['a size that is not syncsafe', () => patched(v4, 9, 0x80), 'format.corrupt'],
    [
      'a bad footer',
      () => patched(buildId3Tag(4, [title(4)], 0, true), 10 + title(4).length, 0x34),
      'format.corrupt',
    ],
    ['a frame id with lower case', () => patched(v4, 10, 0x74), 'format.corrupt'],
    ['a frame past the tag', () => patched(v4, 17, 0x7f), 'format.corrupt'],
    ['a frame size that is not syncsafe', () => patched(v4, 17, 0x80), 'format.corrupt'],
    ['a frame header past the tag', () => buildId3Tag(4, [asciiBytes('TIT2\0\0')]), 'format.corrupt'],
    [
      'an extended header past the tag',
      () => patched(buildId3Tag(4, [Uint8Array.of(0, 0, 0, 60, 1, 0)]), 5, 0x40),
      'format.corrupt',
    ],
    [
      'an extended header under 6 bytes',
      () => patched(buildId3Tag(3, [new Uint8Array(10)]), 5, 0x40),
      'format.corrupt',
    ],
  ] as const)('rejects %s -> %s', (_name, build, code) => {
    expect(catchFormatError(() => parseId3Tag(build(), 0))?.code).toBe(code);
  });
});
