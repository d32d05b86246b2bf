import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildId3v1, buildMpegFrames } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { MAX_SYNC_SEARCH, parseMpegHeader, walkMpegAudio } from './mpeg.js';

const h = (...bytes: number[]) => parseMpegHeader(Uint8Array.of(...bytes), 0);

describe('parseMpegHeader (ISO/IEC 11172-3 §2.4.2.3)', () => {
  it.each([
    ['MPEG-1 Layer III 128 kbit/s 44.1 kHz', [0xff, 0xfb, 0x90, 0x00], 44100, 128000, 417],
    ['the same, padded', [0xff, 0xfb, 0x92, 0x00], 44100, 128000, 418],
    ['MPEG-1 Layer III 320 kbit/s 48 kHz', [0xff, 0xfb, 0xe4, 0x00], 48000, 320000, 960],
    ['MPEG-1 Layer II 192 kbit/s 48 kHz', [0xff, 0xfd, 0xa4, 0x00], 48000, 192000, 576],
    ['MPEG-1 Layer I 384 kbit/s 44.1 kHz', [0xff, 0xff, 0xc0, 0x00], 44100, 384000, 416],
    ['MPEG-2 Layer III 64 kbit/s 22.05 kHz', [0xff, 0xf3, 0x80, 0xc0], 22050, 64000, 208],
    ['MPEG-2.5 Layer III 8 kbit/s 8 kHz', [0xff, 0xe3, 0x18, 0xc0], 8000, 8000, 72],
  ])('%s', (_name, bytes, sampleRate, bitrate, length) => {
    expect(h(...bytes)).toMatchObject({ sampleRate, bitrate, length });
  });

  it.each([
    ['no sync', [0xff, 0x1b, 0x90, 0x00]],
    ['the reserved version', [0xff, 0xeb, 0x90, 0x00]],
    ['the reserved layer', [0xff, 0xf9, 0x90, 0x00]],
    ['a free-format bitrate', [0xff, 0xfb, 0x00, 0x00]],
    ['bitrate index 15', [0xff, 0xfb, 0xf0, 0x00]],
    ['sample rate index 3', [0xff, 0xfb, 0x9c, 0x00]],
    ['an ADTS (AAC) header', [0xff, 0xf1, 0x50, 0x80]],
    ['three bytes', [0xff, 0xfb, 0x90]],
  ])('rejects %s', (_name, bytes) => {
    expect(h(...bytes)).toBeUndefined();
  });
});

describe('walkMpegAudio', () => {
  const { bytes: frames, boundaries } = buildMpegFrames({ count: 6 });

  it('walks every frame and stops at the end', () => {
    expect(walkMpegAudio(frames, 0)).toEqual({ start: 0, end: frames.length, frames: 6 });
    for (const b of boundaries) expect(walkMpegAudio(frames.subarray(0, b), 0).end).toBe(b);
  });

  it('skips junk before the first frame, within MAX_SYNC_SEARCH', () => {
    const junk = concatBytes([
      asciiBytes('junk'),
      Uint8Array.of(0xff, 0xfb, 0x90),
      new Uint8Array(100),
      frames,
    ]);
    expect(walkMpegAudio(junk, 0).start).toBe(junk.length - frames.length);
    const far = concatBytes([new Uint8Array(MAX_SYNC_SEARCH), frames]);
    expect(catchFormatError(() => walkMpegAudio(far, 0))?.code).toBe('format.corrupt');
  });

  it('keeps ID3v1, APEv2 and junk after the frames as a trailer', () => {
    for (const tail of [buildId3v1('x'), asciiBytes('APETAGEX....'), asciiBytes('whatever')]) {
      expect(walkMpegAudio(concatBytes([frames, tail]), 0).end).toBe(frames.length);
    }
    const single = frames.subarray(0, boundaries[0]);
    expect(walkMpegAudio(concatBytes([single, buildId3v1('x')]), 0)).toMatchObject({ start: 0, frames: 1 });
  });

  it('reports a cut frame as truncated and a bad header after frames as corrupt', () => {
    for (const cut of [1, 2, 3, 4, 100]) {
      expect(catchFormatError(() => walkMpegAudio(frames.subarray(0, boundaries[2]! + cut), 0))?.code).toBe(
        'format.truncated',
      );
    }
    expect(catchFormatError(() => walkMpegAudio(frames.subarray(0, 100), 0))?.code).toBe('format.truncated');
    const bad = concatBytes([frames, Uint8Array.of(0xff, 0xfb, 0xf0, 0, 1, 2)]);
    expect(catchFormatError(() => walkMpegAudio(bad, 0))?.code).toBe('format.corrupt');
    const otherRate = concatBytes([frames, buildMpegFrames({ version: 2, count: 1 }).bytes]);
    expect(catchFormatError(() => walkMpegAudio(otherRate, 0))?.code).toBe('format.corrupt');
  });

  it('reports no frame at all as corrupt', () => {
    for (const file of [
      new Uint8Array(0),
      asciiBytes('no audio here'),
      Uint8Array.of(0xff, 0xfb, 0x90, 0, 1, 2, 3, 4, 5, 6),
    ]) {
      expect(catchFormatError(() => walkMpegAudio(file, 0))?.code).toBeOneOf([
        'format.corrupt',
        'format.truncated',
      ]);
    }
    expect(catchFormatError(() => walkMpegAudio(asciiBytes('no audio here'), 0))?.code).toBe(
      'format.corrupt',
    );
  });
});
