import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors.js';
import { buildSegment } from '../testing/jpeg-fixtures.js';
import { walkJpeg } from './segments.js';

/** A structurally valid (not decodable) JPEG: SOI, SOF0, SOS + entropy data, EOI. */
function buildSyntheticJpeg(entropy: Uint8Array, between: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes([
    Uint8Array.of(0xff, 0xd8),
    buildSegment(0xc0, Uint8Array.of(8, 0, 1, 0, 1, 1, 1, 0x11, 0)),
    between,
    buildSegment(0xda, Uint8Array.of(1, 1, 0, 0, 63, 0)),
    entropy,
    Uint8Array.of(0xff, 0xd9),
  ]);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof FormatError) return err.code;
    throw err;
  }
}

describe('walkJpeg (ISO/IEC 10918-1 Annex B)', () => {
  it('skips stuffed bytes (FF00) and RSTn inside entropy-coded data', () => {
    const file = buildSyntheticJpeg(
      Uint8Array.of(0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd7, 0x78),
    );
    const { segments, imageEnd } = walkJpeg(file);
    expect(segments.map((s) => s.marker)).toEqual([0xd8, 0xc0, 0xda, 0xd9]);
    expect(imageEnd).toBe(file.length);
  });

  it('accepts fill bytes before a marker and after entropy data', () => {
    const file = buildSyntheticJpeg(Uint8Array.of(0x12, 0xff, 0xff, 0xff), Uint8Array.of(0xff, 0xff, 0xff));
    // The SOS segment starts at the last fill byte before its marker code.
    const sos = walkJpeg(file).segments.find((s) => s.marker === 0xda)!;
    expect(file[sos.start]).toBe(0xff);
    expect(file[sos.start + 1]).toBe(0xda);
  });

  it('handles standalone TEM and several scans (progressive)', () => {
    const scan = buildSegment(0xda, Uint8Array.of(1, 1, 0, 0, 63, 0));
    const file = concatBytes([
      Uint8Array.of(0xff, 0xd8, 0xff, 0x01),
      buildSegment(0xc2, Uint8Array.of(8, 0, 1, 0, 1, 1, 1, 0x11, 0)),
      scan,
      Uint8Array.of(0x01, 0x02),
      buildSegment(0xc4, Uint8Array.of(0)),
      scan,
      Uint8Array.of(0x03),
      Uint8Array.of(0xff, 0xd9),
    ]);
    expect(walkJpeg(file).segments.map((s) => s.marker)).toEqual([0xd8, 0x01, 0xc2, 0xda, 0xc4, 0xda, 0xd9]);
  });

  it('stops at the first EOI and reports the trailer offset', () => {
    const image = buildSyntheticJpeg(Uint8Array.of(1, 2, 3));
    const file = concatBytes([image, Uint8Array.of(0xff, 0xd8, 0xff, 0xd9, 0x00)]);
    expect(walkJpeg(file).imageEnd).toBe(image.length);
  });

  it.each([
    ['empty file', new Uint8Array(0), 'format.truncated'],
    ['one byte', Uint8Array.of(0xff), 'format.truncated'],
    ['no SOI', Uint8Array.of(0xff, 0xd9), 'format.corrupt'],
    ['SOI only', Uint8Array.of(0xff, 0xd8), 'format.truncated'],
    ['fill bytes to the end', Uint8Array.of(0xff, 0xd8, 0xff, 0xff), 'format.truncated'],
    ['non-marker byte between segments', Uint8Array.of(0xff, 0xd8, 0x00, 0xff, 0xd9), 'format.corrupt'],
    ['FF00 outside a scan', Uint8Array.of(0xff, 0xd8, 0xff, 0x00, 0xff, 0xd9), 'format.corrupt'],
    ['reserved marker FF02', Uint8Array.of(0xff, 0xd8, 0xff, 0x02, 0x00, 0x02), 'format.corrupt'],
    ['second SOI', Uint8Array.of(0xff, 0xd8, 0xff, 0xd8, 0xff, 0xd9), 'format.corrupt'],
    ['segment length 1', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xd9), 'format.corrupt'],
    ['half a length', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00), 'format.truncated'],
    ['segment past the end', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x00), 'format.truncated'],
    ['EOI without frame or scan', Uint8Array.of(0xff, 0xd8, 0xff, 0xd9), 'format.corrupt'],
    [
      'SOS before SOF',
      concatBytes([
        Uint8Array.of(0xff, 0xd8),
        buildSegment(0xda, Uint8Array.of(0)),
        Uint8Array.of(0xff, 0xd9),
      ]),
      'format.corrupt',
    ],
  ] as const)('%s -> %s', (_name, file, code) => {
    expect(codeOf(() => walkJpeg(file))).toBe(code);
  });

  it('reports a missing EOI after entropy data as truncated', () => {
    const file = buildSyntheticJpeg(Uint8Array.of(1, 2, 3));
    expect(codeOf(() => walkJpeg(file.subarray(0, file.length - 2)))).toBe('format.truncated');
    expect(codeOf(() => walkJpeg(file.subarray(0, file.length - 1)))).toBe('format.truncated');
  });
});
