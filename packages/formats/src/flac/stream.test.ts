import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildFlac, buildId3v1 } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { BLOCK_PADDING, blockHeader, hasFlacSignature, walkFlac, walkFlacMetadata } from './stream.js';

const file = buildFlac({
  blocks: [576, 576, 300],
  metadata: [{ type: BLOCK_PADDING, body: new Uint8Array(10) }],
});
const { audioStart } = walkFlacMetadata(file);
const streamInfo = file.subarray(4, 42);
const frames = file.subarray(audioStart);
const info = (mutate: (b: Uint8Array) => void): Uint8Array => {
  const out = file.slice();
  mutate(out.subarray(8, 42));
  return out;
};

describe('walkFlac (RFC 9639)', () => {
  it('lists the metadata blocks, STREAMINFO and the frames', () => {
    const layout = walkFlac(file);
    expect(layout.blocks.map((b) => [b.type, b.last])).toEqual([
      [0, false],
      [BLOCK_PADDING, true],
    ]);
    expect(layout.streamInfo).toEqual({
      minBlockSize: 576,
      maxBlockSize: 576,
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
      totalSamples: 1452,
    });
    expect(layout.audioStart).toBe(audioStart);
    expect(layout.frames).toEqual({ count: 3, samples: 1452, end: file.length });
    expect(hasFlacSignature(file)).toBe(true);
    expect(hasFlacSignature(asciiBytes('fLa'))).toBe(false);
  });

  it('keeps an ID3v1 tag after the frames as a trailer', () => {
    const tagged = concatBytes([file, buildId3v1('x')]);
    expect(walkFlac(tagged).frames.end).toBe(file.length);
  });

  it('takes a cut at a frame boundary as truncated when STREAMINFO gives the total, else accepts it', () => {
    // Same samples, one frame fewer: the shorter stream's length is a frame boundary of the longer.
    const boundary = buildFlac({ blocks: [576, 576], unknownTotal: true }).length;
    const unknown = buildFlac({ blocks: [576, 576, 300], unknownTotal: true });
    expect(walkFlac(unknown.subarray(0, boundary)).frames.count).toBe(2);
    const known = buildFlac({ blocks: [576, 576, 300] });
    const err = catchFormatError(() => walkFlac(known.subarray(0, boundary)));
    expect(err?.code).toBe('format.truncated');
    expect(err?.details).toEqual({ expected: 1452, found: 1152 });
  });

  it.each([
    ['empty', () => new Uint8Array(0), 'format.truncated'],
    ['half a signature', () => asciiBytes('fL'), 'format.truncated'],
    ['a bad signature', () => concatBytes([asciiBytes('fLaX'), file.subarray(4)]), 'format.corrupt'],
    ['no block header', () => asciiBytes('fLaC'), 'format.truncated'],
    [
      'a first block that is not STREAMINFO',
      () =>
        concatBytes([
          asciiBytes('fLaC'),
          blockHeader(BLOCK_PADDING, 34, false),
          streamInfo.subarray(4),
          file.subarray(42),
        ]),
      'format.corrupt',
    ],
    [
      'a 33-byte STREAMINFO',
      () =>
        concatBytes([
          asciiBytes('fLaC'),
          blockHeader(0, 33, false),
          streamInfo.subarray(4, 37),
          file.subarray(42),
        ]),
      'format.corrupt',
    ],
    [
      'a second STREAMINFO',
      () =>
        concatBytes([
          file.subarray(0, 4),
          blockHeader(0, 34, false),
          streamInfo.subarray(4),
          file.subarray(4),
        ]),
      'format.corrupt',
    ],
    [
      'block type 127',
      () => concatBytes([file.subarray(0, 42), blockHeader(127, 0, true), frames]),
      'format.corrupt',
    ],
    [
      'a block past the end',
      () => concatBytes([file.subarray(0, 42), blockHeader(BLOCK_PADDING, 1000, true), new Uint8Array(10)]),
      'format.truncated',
    ],
    ['no frames', () => file.subarray(0, audioStart), 'format.truncated'],
    [
      'junk instead of frames',
      () => concatBytes([file.subarray(0, audioStart), asciiBytes('not a frame at all')]),
      'format.corrupt',
    ],
    ['junk after the frames', () => concatBytes([file, asciiBytes('junk')]), 'format.truncated'],
    [
      'a minimum block size under 16',
      () =>
        info((b) => {
          b.set([0, 8], 0);
        }),
      'format.corrupt',
    ],
    [
      'a maximum block size under the minimum',
      () =>
        info((b) => {
          b.set([0, 16], 2);
        }),
      'format.corrupt',
    ],
    [
      'a sample rate of 0',
      () =>
        info((b) => {
          b.set([0, 0, b[12]! & 0x0f], 10);
        }),
      'format.corrupt',
    ],
  ] as const)('%s -> %s', (_name, build, code) => {
    expect(catchFormatError(() => walkFlac(build()))?.code).toBe(code);
  });

  it('rejects every cut inside the frames', () => {
    for (let cut = audioStart; cut < file.length; cut++) {
      expect(catchFormatError(() => walkFlac(file.subarray(0, cut)))?.code).toBeOneOf([
        'format.truncated',
        'format.corrupt',
      ]);
    }
  });
});
