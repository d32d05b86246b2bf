import { asciiBytes, bytesEqual, concatBytes, utf8Encode } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import { WAV_TRAILER, buildListInfo, buildWav, wavProbes } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { readWavAigc, writeWavAigc } from './aigc.js';
import { buildWavChunk, readU32LE, walkWav } from './chunks.js';

const value = buildAigcValue();

describe('WAV AIGC chunk', () => {
  it('appends the chunk at the end of the RIFF (after data and LIST), grows the RIFF size, keeps the trailer', () => {
    const wav = buildWav({ frames: 20, after: [buildListInfo('t')] });
    const file = concatBytes([wav, WAV_TRAILER]);
    const out = writeWavAigc(file, value);
    const layout = walkWav(out);
    expect(layout.chunks.map((c) => c.id)).toEqual(['fmt ', 'data', 'LIST', 'AIGC']);
    const chunk = layout.chunks.at(-1)!;
    expect(chunk.start).toBe(wav.length);
    // Payload: UTF-8, no terminator; a pad byte only when the length is odd.
    expect(bytesEqual(out.subarray(chunk.dataStart, chunk.dataEnd), utf8Encode(value))).toBe(true);
    expect(readU32LE(out, 4)).toBe(
      wav.length - 8 + 8 + utf8Encode(value).length + (utf8Encode(value).length % 2),
    );
    expect(bytesEqual(out.subarray(layout.riffEnd), WAV_TRAILER)).toBe(true);
    expect(bytesEqual(out.subarray(0, wav.length).subarray(8), wav.subarray(8))).toBe(true);
  });

  it('replaces an existing chunk in place, wherever it is', () => {
    const file = buildWav({
      frames: 10,
      before: [buildWavChunk('AIGC', asciiBytes('old'))],
      after: [buildListInfo('t')],
    });
    const out = writeWavAigc(file, value);
    expect(walkWav(out).chunks.map((c) => c.id)).toEqual(['fmt ', 'AIGC', 'data', 'LIST']);
    expect(readWavAigc(out)).toBe(value);
  });

  it('adds the missing pad byte of an odd last chunk before appending', () => {
    const odd = buildWavChunk('data', Uint8Array.of(1, 2, 3)).subarray(0, 11);
    const body = concatBytes([asciiBytes('WAVE'), buildWavChunk('fmt ', new Uint8Array(16)), odd]);
    const file = concatBytes([asciiBytes('RIFF'), Uint8Array.of(body.length, 0, 0, 0), body]);
    const out = writeWavAigc(file, 'x');
    const layout = walkWav(out);
    expect(layout.missingPad).toBe(false);
    expect(layout.chunks.at(-1)!.start % 2).toBe(0);
    expect(readWavAigc(out)).toBe('x');
  });

  it('updates ds64 riffSize in RF64 and leaves the -1 header alone', () => {
    const file = buildWav({ form: 'RF64', frames: 10 });
    const out = writeWavAigc(file, value);
    expect(readU32LE(out, 4)).toBe(0xffffffff);
    expect(walkWav(out).riffEnd).toBe(out.length);
    expect(readWavAigc(out)).toBe(value);
    expect(bytesEqual(writeWavAigc(out, undefined), file)).toBe(true);
  });

  it('reads a NUL-terminated value as other writers store it', () => {
    const file = buildWav({ frames: 10, after: [buildWavChunk('AIGC', asciiBytes('{"a":1}\0'))] });
    expect(readWavAigc(file)).toBe('{"a":1}');
  });

  it('rejects an AIGC chunk that is not UTF-8, and a second AIGC chunk', () => {
    const bad = buildWav({ frames: 10, after: [buildWavChunk('AIGC', Uint8Array.of(0x7b, 0xff, 0x7d))] });
    expect(catchFormatError(() => readWavAigc(bad))?.code).toBe('format.corrupt');
    const twice = wavProbes.addSecondField(writeWavAigc(buildWav({ frames: 10 }), value), 'x');
    for (const op of [() => readWavAigc(twice), () => writeWavAigc(twice, value)]) {
      const err = catchFormatError(op);
      expect(err?.code).toBe('format.duplicate_metadata');
      expect(err?.message).not.toContain(value);
    }
  });

  it('does not take a chunk id in another case for the AIGC chunk', () => {
    const file = buildWav({ frames: 10, after: [buildWavChunk('aigc', asciiBytes('x'))] });
    expect(readWavAigc(file)).toBeUndefined();
  });
});
