import { asciiBytes, concatBytes } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import {
  MAX_VORBIS_COMMENTS,
  buildVorbisComment,
  buildVorbisEntry,
  parseVorbisComment,
  readVorbisField,
  vorbisVendor,
  writeVorbisField,
} from './comment.js';

const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

describe('Vorbis comment structure (Vorbis I §5.2.1)', () => {
  const body = buildVorbisComment('vendor ✓', [
    buildVorbisEntry('TITLE', 'tone'),
    buildVorbisEntry('Artist', '艺术家'),
  ]);

  it('parses the vendor and every entry', () => {
    const layout = parseVorbisComment(body);
    expect(vorbisVendor(body, layout)).toBe('vendor ✓');
    expect(layout.entries.map((e) => e.key)).toEqual(['TITLE', 'Artist']);
    expect(layout.end).toBe(body.length);
    expect(readVorbisField(body, 'artist')).toBe('艺术家');
    expect(readVorbisField(body, 'AIGC')).toBeUndefined();
  });

  it('works on a sub-range and keeps what follows the last entry (the Vorbis framing bit)', () => {
    const packet = concatBytes([asciiBytes('\x03vorbis'), body, Uint8Array.of(1)]);
    const layout = parseVorbisComment(packet, 7, packet.length);
    expect(layout.end).toBe(packet.length - 1);
    const out = writeVorbisField(packet.subarray(7), 'AIGC', 'x');
    expect(out.at(-1)).toBe(1);
    expect(readVorbisField(out, 'AIGC')).toBe('x');
  });

  it('appends, replaces in place and removes an entry, updating the count', () => {
    const added = writeVorbisField(body, 'AIGC', '{"a":1}');
    expect(parseVorbisComment(added).entries.map((e) => e.key)).toEqual(['TITLE', 'Artist', 'AIGC']);
    const replaced = writeVorbisField(writeVorbisField(body, 'AIGC', 'first'), 'aigc', '标签');
    expect(parseVorbisComment(replaced).entries.map((e) => e.key)).toEqual(['TITLE', 'Artist', 'aigc']);
    expect(readVorbisField(replaced, 'AIGC')).toBe('标签');
    expect(writeVorbisField(added, 'AIGC', undefined)).toEqual(body);
    expect(writeVorbisField(body, 'AIGC', undefined)).toEqual(body);
  });

  it('takes keys case-insensitively, ignores entries without "=", and rejects a second entry', () => {
    const odd = buildVorbisComment('', [
      concatBytes([u32(4), asciiBytes('AIGC')]),
      concatBytes([u32(6), asciiBytes('A\x01GC=x')]),
      buildVorbisEntry('aIgC', 'one'),
    ]);
    expect(readVorbisField(odd, 'AIGC')).toBe('one');
    const two = buildVorbisComment('', [buildVorbisEntry('AIGC', 'a'), buildVorbisEntry('aigc', 'b')]);
    for (const op of [() => readVorbisField(two, 'AIGC'), () => writeVorbisField(two, 'AIGC', 'c')]) {
      expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
    }
  });

  it('refuses more than MAX_VORBIS_COMMENTS comments as format.metadata_too_large', () => {
    const many = (n: number) => buildVorbisComment('', new Array<Uint8Array>(n).fill(u32(0)));
    expect(parseVorbisComment(many(MAX_VORBIS_COMMENTS)).entries).toHaveLength(MAX_VORBIS_COMMENTS);
    const err = catchFormatError(() => parseVorbisComment(many(MAX_VORBIS_COMMENTS + 1)));
    expect(err?.code).toBe('format.metadata_too_large');
    // Adding the label to a full block would make a file the parser refuses.
    const full = catchFormatError(() => writeVorbisField(many(MAX_VORBIS_COMMENTS), 'AIGC', 'x'));
    expect(full?.code).toBe('format.metadata_too_large');
  });

  it('rejects a value that is not UTF-8', () => {
    const bad = buildVorbisComment('', [
      concatBytes([u32(7), asciiBytes('AIGC='), Uint8Array.of(0xc3, 0x28)]),
    ]);
    expect(catchFormatError(() => readVorbisField(bad, 'AIGC'))?.code).toBe('format.corrupt');
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['a vendor longer than the block', concatBytes([u32(100), asciiBytes('v'), u32(0)])],
    ['no count', concatBytes([u32(1), asciiBytes('v')])],
    ['a count larger than the block can hold', concatBytes([u32(0), u32(0x7fffffff)])],
    ['an entry longer than the block', concatBytes([u32(0), u32(1), u32(50), asciiBytes('A=b')])],
    ['a cut entry list', concatBytes([u32(0), u32(2), u32(3), asciiBytes('A=b'), Uint8Array.of(1, 0)])],
  ])('rejects %s as format.corrupt', (_name, bytes) => {
    expect(catchFormatError(() => parseVorbisComment(bytes))?.code).toBe('format.corrupt');
  });

  it('round-trips any value and never throws anything but FormatError on random bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (v) => {
        expect(readVorbisField(writeVorbisField(body, 'AIGC', v), 'AIGC')).toBe(v);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        catchFormatError(() => readVorbisField(bytes, 'AIGC'));
        catchFormatError(() => writeVorbisField(bytes, 'AIGC', 'x'));
      }),
    );
  });
});
