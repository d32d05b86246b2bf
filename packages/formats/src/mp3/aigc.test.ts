import { asciiBytes, bytesEqual, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import {
  buildId3Frame,
  buildId3Tag,
  buildMpegFrames,
  buildTextData,
  buildTxxxFrame,
  mp3Probes,
} from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { readMp3Aigc, writeMp3Aigc } from './aigc.js';
import { parseId3Tag, readSyncsafe } from './id3v2.js';
import { walkMp3 } from './stream.js';

const value = buildAigcValue();
const audio = buildMpegFrames({ count: 4 }).bytes;
const title = (v: 3 | 4) => buildId3Frame(v, 'TIT2', buildTextData(v, 'tone'));
const ids = (file: Uint8Array) => walkMp3(file).tags.map((t) => t.frames.map((f) => f.id));

describe('MP3 TXXX:AIGC', () => {
  it('prepends a new ID3v2.4 tag holding only the frame to a file without a tag', () => {
    const out = writeMp3Aigc(audio, value);
    const tag = parseId3Tag(out, 0);
    expect(tag).toMatchObject({ version: 4, flags: 0, paddingStart: tag.framesEnd });
    expect(ids(out)).toEqual([['TXXX']]);
    expect(out[tag.frames[0]!.dataStart]).toBe(3); // UTF-8
    expect(bytesEqual(out.subarray(tag.end), audio)).toBe(true);
    expect(bytesEqual(writeMp3Aigc(out, undefined), audio)).toBe(true);
  });

  it('writes into the padding when it fits (same size, same audio offset), UTF-16 in a 2.3 tag', () => {
    const file = concatBytes([buildId3Tag(3, [title(3)], 2048), audio]);
    const out = writeMp3Aigc(file, value);
    expect(out.length).toBe(file.length);
    expect(walkMp3(out).audio.start).toBe(walkMp3(file).audio.start);
    const tag = walkMp3(out).tags[0]!;
    expect(tag.frames.map((f) => f.id)).toEqual(['TIT2', 'TXXX']);
    expect([...out.subarray(tag.frames[1]!.dataStart, tag.frames[1]!.dataStart + 3)]).toEqual([
      1, 0xff, 0xfe,
    ]);
    expect(readMp3Aigc(out)).toBe(value);
    expect(bytesEqual(writeMp3Aigc(out, undefined), file)).toBe(true);
  });

  it('puts the frame first and grows the tag when the padding is too small', () => {
    const file = concatBytes([buildId3Tag(4, [title(4)], 16), audio]);
    const out = writeMp3Aigc(file, value);
    expect(ids(out)).toEqual([['TXXX', 'TIT2']]);
    expect(walkMp3(out).tags[0]!.framesEnd - walkMp3(out).tags[0]!.paddingStart).toBe(16);
    expect(bytesEqual(writeMp3Aigc(out, undefined), file)).toBe(true);
  });

  it('updates both header and footer sizes of a 2.4 tag with a footer', () => {
    const file = concatBytes([buildId3Tag(4, [title(4)], 0, true), audio]);
    const out = writeMp3Aigc(file, value);
    const tag = walkMp3(out).tags[0]!;
    expect(readSyncsafe(out, tag.bodyEnd + 6)).toBe(readSyncsafe(out, 6));
    expect(readMp3Aigc(out)).toBe(value);
    expect(bytesEqual(writeMp3Aigc(out, undefined), file)).toBe(true);
  });

  it('does not use padding that holds junk', () => {
    const tag = buildId3Tag(4, [title(4)], 2000);
    tag[tag.length - 5] = 7;
    const file = concatBytes([tag, audio]);
    const out = writeMp3Aigc(file, value);
    expect(ids(out)).toEqual([['TXXX', 'TIT2']]);
    expect(readMp3Aigc(out)).toBe(value);
  });

  it('finds the field in a second leading tag, and a duplicate across tags', () => {
    const second = buildId3Tag(4, [buildTxxxFrame(4, 'AIGC', 'old')]);
    const file = concatBytes([buildId3Tag(3, [title(3)]), second, audio]);
    expect(readMp3Aigc(file)).toBe('old');
    const out = writeMp3Aigc(file, value);
    expect(ids(out)).toEqual([['TIT2'], ['TXXX']]);
    expect(readMp3Aigc(out)).toBe(value);
    const dup = concatBytes([buildId3Tag(4, [buildTxxxFrame(4, 'aigc', 'x')]), second, audio]);
    for (const op of [
      () => readMp3Aigc(dup),
      () => writeMp3Aigc(dup, value),
      () => writeMp3Aigc(dup, undefined),
    ]) {
      expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
    }
  });

  it('reads a 2.4 frame with unsynchronisation, grouping and a data length indicator', () => {
    // UTF-16 with BOMs (FF FE): unsynchronisation inserts a 00 after each FF.
    const data = buildTxxxFrame(3, 'AIGC', '标签').subarray(10);
    const unsynced: number[] = [];
    data.forEach((b, i) => {
      unsynced.push(b);
      if (b === 0xff && (data[i + 1] ?? 0) >= 0xe0) unsynced.push(0);
    });
    expect(unsynced.length).toBe(data.length + 2);
    const frame = buildId3Frame(
      4,
      'TXXX',
      concatBytes([Uint8Array.of(9, 0, 0, 0, data.length), Uint8Array.from(unsynced)]),
    );
    frame[9] = 0x40 | 0x02 | 0x01; // grouping, unsynchronisation, data length indicator
    expect(readMp3Aigc(concatBytes([buildId3Tag(4, [frame]), audio]))).toBe('标签');
  });

  it('refuses to write into tags it would have to re-encode, but reads them', () => {
    const v23 = buildId3Tag(3, [buildTxxxFrame(3, 'AIGC', 'x')]);
    const unsync = concatBytes([v23.slice(0, 5), Uint8Array.of(0x80), v23.subarray(6), audio]);
    expect(readMp3Aigc(unsync)).toBe('x');
    const ext = buildId3Tag(4, [Uint8Array.of(0, 0, 0, 6, 1, 0), title(4)]);
    ext[5] = 0x40;
    const v22 = buildId3Tag(3, [asciiBytes('TT2\0\0\x03\0ab')]);
    v22[3] = 2;
    for (const file of [unsync, concatBytes([ext, audio]), concatBytes([v22, audio])]) {
      expect(catchFormatError(() => writeMp3Aigc(file, value))?.code).toBe('format.unsupported');
    }
    expect(catchFormatError(() => readMp3Aigc(concatBytes([v22, audio])))?.code).toBe('format.unsupported');
    const compressed = buildTxxxFrame(4, 'AIGC', 'x');
    compressed[9] = 0x08 | 0x01;
    expect(
      catchFormatError(() => readMp3Aigc(concatBytes([buildId3Tag(4, [compressed]), audio])))?.code,
    ).toBe('format.unsupported');
  });

  it('adds its own duplicate forger for the conformance suite (lower-case description)', () => {
    const twice = mp3Probes.addSecondField(writeMp3Aigc(audio, value), 'x');
    expect(ids(twice)).toEqual([['TXXX', 'TXXX']]);
    expect(catchFormatError(() => readMp3Aigc(twice))?.code).toBe('format.duplicate_metadata');
  });
});
