import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { WAV_TRAILER, buildListInfo, buildWav } from '../testing/audio-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { buildWavChunk, hasWavSignature, readU32LE, walkWav, writeU32LE } from './chunks.js';

/** 'RIFF' size 'WAVE' + chunks, with the right size. */
function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = concatBytes([asciiBytes('WAVE'), ...chunks]);
  const out = concatBytes([asciiBytes('RIFF'), new Uint8Array(4), body]);
  writeU32LE(out, 4, body.length);
  return out;
}

const fmt = buildWavChunk('fmt ', new Uint8Array(16));
const data = buildWavChunk('data', Uint8Array.of(1, 2, 3, 4));

describe('walkWav (RIFF 1.0 WAVE form; EBU Tech 3306 RF64)', () => {
  it('lists every chunk, where the RIFF ends, and keeps a trailer outside it', () => {
    const wav = buildWav({ frames: 10, after: [buildListInfo('t')] });
    const file = concatBytes([wav, WAV_TRAILER]);
    const layout = walkWav(file);
    expect(layout.form).toBe('RIFF');
    expect(layout.chunks.map((c) => c.id)).toEqual(['fmt ', 'data', 'LIST']);
    expect(layout.riffEnd).toBe(wav.length);
    expect(layout.riffSizeField).toEqual({ at: 4, width: 4 });
    expect(layout.missingPad).toBe(false);
  });

  it('steps over pad bytes of odd chunks', () => {
    const odd = buildWavChunk('data', Uint8Array.of(1, 2, 3));
    expect(odd.length).toBe(12);
    const layout = walkWav(riff(fmt, odd, buildWavChunk('note', asciiBytes('x'))));
    expect(layout.chunks.map((c) => [c.id, c.dataEnd - c.dataStart, c.end - c.start])).toEqual([
      ['fmt ', 16, 24],
      ['data', 3, 12],
      ['note', 1, 10],
    ]);
  });

  it('tolerates a missing pad byte after the last chunk (the RIFF size says so)', () => {
    const odd = buildWavChunk('data', Uint8Array.of(1, 2, 3)).subarray(0, 11);
    const layout = walkWav(riff(fmt, odd));
    expect(layout.missingPad).toBe(true);
    expect(layout.chunks.at(-1)?.end).toBe(layout.riffEnd);
  });

  it('reads RF64 sizes from ds64, including the data chunk placeholder', () => {
    const file = buildWav({ form: 'RF64', frames: 10 });
    expect(readU32LE(file, 4)).toBe(0xffffffff);
    const layout = walkWav(file);
    expect(layout.form).toBe('RF64');
    expect(layout.riffEnd).toBe(file.length);
    expect(layout.riffSizeField).toEqual({ at: 20, width: 8 });
    const d = layout.chunks.find((c) => c.id === 'data')!;
    expect(d.dataEnd - d.dataStart).toBe(40);
  });

  it('sniffs RIFF, RF64 and BW64 WAVE only', () => {
    expect(hasWavSignature(buildWav())).toBe(true);
    expect(hasWavSignature(buildWav({ form: 'RF64' }))).toBe(true);
    const bw64 = buildWav({ form: 'RF64' });
    bw64.set(asciiBytes('BW64'));
    expect(hasWavSignature(bw64)).toBe(true);
    expect(walkWav(bw64).form).toBe('BW64');
    const avi = buildWav();
    avi.set(asciiBytes('AVI '), 8);
    expect(hasWavSignature(avi)).toBe(false);
    expect(hasWavSignature(asciiBytes('RIFF'))).toBe(false);
  });

  const withSize = (file: Uint8Array, at: number, size: number): Uint8Array => {
    const out = file.slice();
    writeU32LE(out, at, size);
    return out;
  };
  const rf64 = buildWav({ form: 'RF64', frames: 4 });

  it.each([
    ['empty', () => new Uint8Array(0), 'format.truncated'],
    ['half a header', () => asciiBytes('RIFF\x10\0'), 'format.truncated'],
    ['not RIFF', () => asciiBytes('RIFX\x10\0\0\0WAVEfmt '), 'format.corrupt'],
    ['RIFF but not WAVE', () => asciiBytes('RIFF\x04\0\0\0AVI '), 'format.corrupt'],
    ['a RIFF size past the end', () => withSize(riff(fmt, data), 4, 1000), 'format.truncated'],
    ['a chunk past the RIFF', () => withSize(riff(fmt, data), 12 + 24 + 4, 100), 'format.corrupt'],
    ['bytes left over in the RIFF', () => riff(fmt, data, Uint8Array.of(1, 2, 3)), 'format.corrupt'],
    [
      'a chunk id with control bytes',
      () => riff(fmt, data, buildWavChunk('a\nbc', Uint8Array.of(1, 2))),
      'format.corrupt',
    ],
    ['no fmt chunk', () => riff(data), 'format.corrupt'],
    ['data before fmt', () => riff(data, fmt), 'format.corrupt'],
    ['no data chunk', () => riff(fmt), 'format.corrupt'],
    ['two fmt chunks', () => riff(fmt, fmt, data), 'format.corrupt'],
    ['two data chunks', () => riff(fmt, data, data), 'format.corrupt'],
    ['a short fmt chunk', () => riff(buildWavChunk('fmt ', new Uint8Array(14)), data), 'format.corrupt'],
    [
      'a ds64 chunk in a RIFF',
      () => riff(buildWavChunk('ds64', new Uint8Array(28)), fmt, data),
      'format.corrupt',
    ],
    ['RF64 without -1 in the header', () => withSize(rf64, 4, 100), 'format.corrupt'],
    [
      'RF64 without ds64',
      () =>
        concatBytes([
          asciiBytes('RF64'),
          Uint8Array.of(255, 255, 255, 255),
          asciiBytes('WAVE'),
          fmt,
          data,
          new Uint8Array(40),
        ]),
      'format.corrupt',
    ],
    ['RF64 with a short ds64', () => withSize(rf64, 16, 8), 'format.corrupt'],
    ['RF64 cut inside ds64', () => rf64.subarray(0, 30), 'format.truncated'],
    ['RF64 with a huge riffSize', () => withSize(rf64, 24, 0xffffffff), 'format.truncated'],
  ] as const)('%s -> %s', (_name, build, code) => {
    expect(catchFormatError(() => walkWav(build()))?.code).toBe(code);
  });
});
