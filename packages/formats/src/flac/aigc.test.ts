import { asciiBytes, bytesEqual, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import { buildFlac, flacProbes } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildVorbisComment, buildVorbisEntry } from '../vorbis/comment.js';
import { flacCommentLayout, readFlacAigc, writeFlacAigc } from './aigc.js';
import { BLOCK_PADDING, BLOCK_VORBIS_COMMENT, walkFlac } from './stream.js';

const value = buildAigcValue();
const entrySize = 4 + 'AIGC='.length + value.length;
const vc = (vendor: string, ...entries: [string, string][]) => ({
  type: BLOCK_VORBIS_COMMENT,
  body: buildVorbisComment(
    vendor,
    entries.map(([k, v]) => buildVorbisEntry(k, v)),
  ),
});
const padding = (n: number) => ({ type: BLOCK_PADDING, body: new Uint8Array(n) });
const application = { type: 2, body: asciiBytes('sgt1data') };
const shape = (file: Uint8Array) => walkFlac(file).blocks.map((b) => [b.type, b.end - b.dataStart, b.last]);

describe('FLAC AIGC Vorbis comment', () => {
  it('appends to the existing VORBIS_COMMENT and takes the room from the PADDING after it', () => {
    const file = buildFlac({ metadata: [vc('libFLAC', ['TITLE', 't']), padding(1000)] });
    const out = writeFlacAigc(file, value);
    expect(out.length).toBe(file.length);
    expect(walkFlac(out).audioStart).toBe(walkFlac(file).audioStart);
    expect(shape(out)).toEqual([
      [0, 34, false],
      [BLOCK_VORBIS_COMMENT, (shape(file)[1]![1] as number) + entrySize, false],
      [BLOCK_PADDING, 1000 - entrySize, true],
    ]);
    expect(flacCommentLayout(out)?.entries.map((e) => e.key)).toEqual(['TITLE', 'AIGC']);
    expect(bytesEqual(writeFlacAigc(out, undefined), file)).toBe(true);
  });

  it('grows the file when the PADDING is too small (and keeps the PADDING)', () => {
    const file = buildFlac({ metadata: [vc('v'), padding(10)] });
    const out = writeFlacAigc(file, value);
    expect(out.length).toBe(file.length + entrySize);
    expect(shape(out)[2]).toEqual([BLOCK_PADDING, 10, true]);
    // Documented asymmetry: removal hands the bytes to the PADDING block.
    const removed = writeFlacAigc(out, undefined);
    expect(removed.length).toBe(out.length);
    expect(shape(removed)[2]).toEqual([BLOCK_PADDING, 10 + entrySize, true]);
    expect(readFlacAigc(removed)).toBeUndefined();
  });

  it('adds a VORBIS_COMMENT (empty vendor) before a final PADDING that can hold it', () => {
    const file = buildFlac({ metadata: [application, padding(600)] });
    const out = writeFlacAigc(file, value);
    const blockSize = 4 + 8 + entrySize;
    expect(out.length).toBe(file.length);
    expect(shape(out)).toEqual([
      [0, 34, false],
      [2, 8, false],
      [BLOCK_VORBIS_COMMENT, blockSize - 4, false],
      [BLOCK_PADDING, 600 - blockSize, true],
    ]);
    expect(bytesEqual(writeFlacAigc(out, undefined), file)).toBe(true);
  });

  it('adds a VORBIS_COMMENT as the last block otherwise, moving the last flag', () => {
    for (const metadata of [[], [padding(20)], [application]]) {
      const file = buildFlac({ metadata });
      const out = writeFlacAigc(file, value);
      const s = shape(out);
      expect(s.at(-1)).toEqual([BLOCK_VORBIS_COMMENT, 8 + entrySize, true]);
      expect(s.filter((b) => b[2] === true)).toHaveLength(1);
      expect(bytesEqual(writeFlacAigc(out, undefined), file)).toBe(true);
    }
  });

  it('keeps a VORBIS_COMMENT that still has a vendor or other comments after removal', () => {
    const file = buildFlac({ metadata: [vc('', ['AIGC', 'x'], ['TITLE', 't'])] });
    expect(shape(writeFlacAigc(file, undefined)).map((b) => b[0])).toEqual([0, BLOCK_VORBIS_COMMENT]);
    const vendorOnly = buildFlac({ metadata: [vc('libFLAC', ['AIGC', 'x'])] });
    expect(flacCommentLayout(writeFlacAigc(vendorOnly, undefined))?.entries).toEqual([]);
    const bare = buildFlac({ metadata: [vc('', ['aigc', 'x'])] });
    expect(shape(writeFlacAigc(bare, undefined))).toEqual([[0, 34, true]]);
  });

  it('replaces a lower-case entry in place and reads it back under any case', () => {
    const file = buildFlac({ metadata: [vc('v', ['aigc', 'old'], ['TITLE', 't'])] });
    expect(readFlacAigc(file)).toBe('old');
    const out = writeFlacAigc(file, value);
    expect(flacCommentLayout(out)?.entries.map((e) => e.key)).toEqual(['AIGC', 'TITLE']);
  });

  it('rejects two VORBIS_COMMENT blocks and two AIGC entries as format.duplicate_metadata', () => {
    const twoBlocks = buildFlac({ metadata: [vc('a'), vc('b', ['AIGC', 'x'])] });
    const twoEntries = flacProbes.addSecondField(buildFlac({ metadata: [vc('a', ['AIGC', 'x'])] }), 'y');
    for (const file of [twoBlocks, twoEntries]) {
      for (const op of [
        () => readFlacAigc(file),
        () => writeFlacAigc(file, value),
        () => writeFlacAigc(file, undefined),
      ]) {
        expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
      }
    }
  });

  it('rejects a malformed VORBIS_COMMENT block and a value that is not UTF-8', () => {
    const malformed = buildFlac({
      metadata: [{ type: BLOCK_VORBIS_COMMENT, body: Uint8Array.of(9, 0, 0, 0, 1) }],
    });
    expect(catchFormatError(() => readFlacAigc(malformed))?.code).toBe('format.corrupt');
    const text = concatBytes([asciiBytes('AIGC='), Uint8Array.of(0xff)]);
    const badUtf8 = buildFlac({
      metadata: [
        {
          type: BLOCK_VORBIS_COMMENT,
          body: buildVorbisComment('', [concatBytes([Uint8Array.of(text.length, 0, 0, 0), text])]),
        },
      ],
    });
    expect(catchFormatError(() => readFlacAigc(badUtf8))?.code).toBe('format.corrupt');
  });

  it('refuses a value that would overflow the 24-bit block length', () => {
    const file = buildFlac();
    const err = catchFormatError(() => writeFlacAigc(file, 'x'.repeat(0x1000000)));
    expect(err?.code).toBe('format.metadata_too_large');
  });
});
