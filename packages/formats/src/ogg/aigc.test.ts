import { asciiBytes, bytesEqual, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildOgg, oggProbes } from '../testing/ogg-fixtures.js';
import { FLAG_CONTINUED } from './page.js';
import { readOggAigc, writeOggAigc } from './aigc.js';
import { walkOgg } from './stream.js';

const value = buildAigcValue();
const keys = (file: Uint8Array) => walkOgg(file).comment.entries.map((e) => e.key);
const tail = (file: Uint8Array) => {
  const { headers, comment } = walkOgg(file);
  return headers[1]!.subarray(comment.end);
};

describe('Ogg AIGC Vorbis comment', () => {
  it('appends after the last comment, keeping the vendor, order, framing bit and Opus extra data', () => {
    const vorbis = buildOgg({
      codec: 'vorbis',
      vendor: 'libVorbis',
      comments: [
        ['TITLE', 't'],
        ['ARTIST', 'a'],
      ],
    });
    const out = writeOggAigc(vorbis, value);
    expect(keys(out)).toEqual(['TITLE', 'ARTIST', 'AIGC']);
    expect(tail(out)).toEqual(Uint8Array.of(1));
    expect(readOggAigc(out)).toBe(value);
    const extra = Uint8Array.of(1, 0xfe, 0);
    const opus = buildOgg({ codec: 'opus', comments: [['title', 't']], extra });
    const labeled = writeOggAigc(opus, '标签');
    expect(keys(labeled)).toEqual(['title', 'AIGC']);
    expect(tail(labeled)).toEqual(extra);
    expect(oggProbes.preserved!(labeled)).toEqual(oggProbes.preserved!(opus));
  });

  it('replaces a lower-case entry in place and reads it back under any case', () => {
    const file = buildOgg({
      codec: 'opus',
      comments: [
        ['aigc', 'old'],
        ['TITLE', 't'],
      ],
    });
    expect(readOggAigc(file)).toBe('old');
    expect(keys(writeOggAigc(file, value))).toEqual(['AIGC', 'TITLE']);
  });

  it('returns the file unchanged, original pages too, when the comment packet would not change', () => {
    // Comment and setup on separate pages: not the canonical layout.
    const split = buildOgg({ codec: 'vorbis', comments: [['AIGC', value]], splitHeaders: true });
    expect(bytesEqual(writeOggAigc(split, value), split)).toBe(true);
    const unlabeled = buildOgg({ codec: 'vorbis', splitHeaders: true });
    expect(bytesEqual(writeOggAigc(unlabeled, undefined), unlabeled)).toBe(true);
  });

  it('repaginates a non-canonical file canonically: removal gives an equivalent file, not its bytes', async () => {
    const split = buildOgg({ codec: 'vorbis', comments: [['TITLE', 't']], splitHeaders: true });
    expect(walkOgg(split).audioPage).toBe(3);
    const removed = writeOggAigc(writeOggAigc(split, value), undefined);
    expect(walkOgg(removed).audioPage).toBe(2);
    expect(bytesEqual(removed, split)).toBe(false);
    expect(bytesEqual(removed, buildOgg({ codec: 'vorbis', comments: [['TITLE', 't']] }))).toBe(true);
    expect(await oggProbes.decode!(removed)).toEqual(await oggProbes.decode!(split));
  });

  it('moves the audio pages by a page when the label needs one, and back when it goes', async () => {
    const file = buildOgg({ codec: 'opus', comments: [['TITLE', 'x'.repeat(64_800)]], pageSize: 200 });
    const out = writeOggAigc(file, value);
    const before = walkOgg(file);
    const after = walkOgg(out);
    expect(after.audioPage).toBe(before.audioPage + 1);
    expect(after.pages[after.audioPage - 1]!.flags & FLAG_CONTINUED).toBe(FLAG_CONTINUED);
    expect(await oggProbes.decode!(out)).toEqual(await oggProbes.decode!(file));
    expect(bytesEqual(writeOggAigc(out, undefined), file)).toBe(true);
  });

  it('rejects a second AIGC entry as format.duplicate_metadata on read, write and removal', () => {
    const file = buildOgg({
      codec: 'vorbis',
      comments: [
        ['AIGC', 'a'],
        ['TITLE', 't'],
        ['Aigc', 'b'],
      ],
    });
    for (const op of [
      () => readOggAigc(file),
      () => writeOggAigc(file, value),
      () => writeOggAigc(file, undefined),
    ]) {
      expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
    }
  });

  it('reads a value that is not UTF-8 as format.corrupt, but can still replace or remove it', () => {
    const file = buildOgg({
      codec: 'opus',
      comments: [
        ['TITLE', 't'],
        ['AIGC', 'v'],
      ],
    });
    // Forge 'AIGC=\xff' in place of 'AIGC=v' (same length, so only the packet bytes change).
    const stream = walkOgg(file);
    const packet = stream.headers[1]!.slice();
    packet[stream.comment.entries[1]!.end - 1] = 0xff;
    const bad = concatBytes([
      file.subarray(0, stream.pages[1]!.bodyStart),
      packet,
      file.subarray(stream.pages[1]!.end),
    ]);
    const sealed = oggProbes.reseal!(bad);
    expect(catchFormatError(() => readOggAigc(sealed))?.code).toBe('format.corrupt');
    expect(readOggAigc(writeOggAigc(sealed, value))).toBe(value);
    expect(keys(writeOggAigc(sealed, undefined))).toEqual(['TITLE']);
  });

  it('refuses other codecs before looking for a label', () => {
    const theora = concatBytes([Uint8Array.of(0x80), asciiBytes('theora'), new Uint8Array(40)]);
    const file = buildOgg({ codec: 'opus' });
    const stream = walkOgg(file);
    const swapped = oggProbes.reseal!(
      concatBytes([
        file.subarray(0, 26),
        Uint8Array.of(1, theora.length),
        theora,
        file.subarray(stream.pages[0]!.end),
      ]),
    );
    expect(catchFormatError(() => writeOggAigc(swapped, value))?.code).toBe('format.unsupported');
  });
});
