import { asciiBytes, concatBytes, utf8Encode } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildTxxxData, parseTxxx } from './txxx.js';

/** UTF-16 code units, little- or big-endian. */
const units = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
const le = (s: string) => Uint8Array.from(units(s).flatMap((c) => [c & 0xff, c >> 8]));
const be = (s: string) => Uint8Array.from(units(s).flatMap((c) => [c >> 8, c & 0xff]));
const read = (data: Uint8Array) => {
  const t = parseTxxx(data, 0);
  return t === undefined ? undefined : [t.description, t.value()];
};

describe('TXXX frame text (ID3v2.4 frames §4.2.6)', () => {
  it.each([
    ['ISO-8859-1', concatBytes([Uint8Array.of(0), asciiBytes('AIGC\0caf'), Uint8Array.of(0xe9)]), 'café'],
    ['UTF-8 with a terminator', concatBytes([Uint8Array.of(3), utf8Encode('AIGC\0标签\0')]), '标签'],
    [
      'UTF-16LE with BOMs',
      concatBytes([Uint8Array.of(1, 0xff, 0xfe), le('AIGC'), Uint8Array.of(0, 0, 0xff, 0xfe), le('标签')]),
      '标签',
    ],
    [
      'UTF-16BE with BOMs',
      concatBytes([
        Uint8Array.of(1, 0xfe, 0xff),
        be('AIGC'),
        Uint8Array.of(0, 0, 0xfe, 0xff),
        be('标签'),
        Uint8Array.of(0, 0),
      ]),
      '标签',
    ],
    [
      'UTF-16 value without a BOM (takes the description order)',
      concatBytes([Uint8Array.of(1, 0xff, 0xfe), le('AIGC'), Uint8Array.of(0, 0), le('标签')]),
      '标签',
    ],
    ['UTF-16BE (encoding 2)', concatBytes([Uint8Array.of(2), be('AIGC'), Uint8Array.of(0, 0), be('x')]), 'x'],
    ['no description terminator', concatBytes([Uint8Array.of(3), asciiBytes('AIGC')]), ''],
  ])('reads %s', (_name, data, value) => {
    expect(read(data)).toEqual(['AIGC', value]);
  });

  it('keeps NULs inside the value (2.4 multi-value lists) and drops only the last terminator', () => {
    expect(read(concatBytes([Uint8Array.of(3), asciiBytes('AIGC\0a\0b\0\0')]))).toEqual(['AIGC', 'a\0b\0']);
  });

  it('ignores an unknown encoding or empty data, and flags a value that does not decode', () => {
    expect(parseTxxx(asciiBytes('\x04AIGC\0x'), 0)).toBeUndefined();
    expect(parseTxxx(new Uint8Array(0), 0)).toBeUndefined();
    const badUtf8 = parseTxxx(concatBytes([Uint8Array.of(3), asciiBytes('AIGC\0'), Uint8Array.of(0xc3)]), 7)!;
    expect(badUtf8.description).toBe('AIGC');
    const err = catchFormatError(() => badUtf8.value());
    expect(err?.code).toBe('format.corrupt');
    expect(err?.details).toEqual({ offset: 7 });
    const oddUtf16 = parseTxxx(
      concatBytes([Uint8Array.of(1, 0xff, 0xfe), le('AIGC'), Uint8Array.of(0, 0, 0x41)]),
      0,
    )!;
    expect(catchFormatError(() => oddUtf16.value())?.code).toBe('format.corrupt');
    expect(
      parseTxxx(concatBytes([Uint8Array.of(3), Uint8Array.of(0xff, 0), asciiBytes('x')]), 0)?.description,
    ).toBeUndefined();
  });

  it('writes UTF-8 for 2.4 and UTF-16LE with BOMs for 2.3, both terminated, and reads them back', () => {
    expect(buildTxxxData(4, 'AIGC', 'é')).toEqual(
      concatBytes([Uint8Array.of(3), asciiBytes('AIGC\0'), utf8Encode('é'), Uint8Array.of(0)]),
    );
    expect(buildTxxxData(3, 'AIGC', 'é')).toEqual(
      concatBytes([
        Uint8Array.of(1, 0xff, 0xfe),
        le('AIGC'),
        Uint8Array.of(0, 0, 0xff, 0xfe),
        le('é'),
        Uint8Array.of(0, 0),
      ]),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(3 as const, 4 as const),
        fc.string({ unit: 'grapheme' }),
        (version, value) => {
          expect(read(buildTxxxData(version, 'AIGC', value))).toEqual(['AIGC', value]);
        },
      ),
    );
  });
});
