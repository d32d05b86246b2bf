import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { decodeStream } from './filters.js';
import { Lexer } from './lexer.js';
import { type PdfDict, parseValue } from './objects.js';

function dict(src: string): PdfDict {
  const v = parseValue(new Lexer(Uint8Array.from(src, (c) => c.charCodeAt(0))));
  if (v.kind !== 'dict') throw new Error('not a dict');
  return v.dict;
}

/** PNG filtering (the encoder side of §7.4.4.4) of `rows` with the given row filter type. */
function pngFilter(rows: Uint8Array[], type: number, bpp: number): Uint8Array {
  const out: number[] = [];
  rows.forEach((row, r) => {
    const prev = r > 0 ? rows[r - 1]! : new Uint8Array(row.length);
    out.push(type);
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][type]!;
      out.push((row[i]! - pred) & 0xff);
    }
  });
  return Uint8Array.from(out);
}

const ROWS = [
  Uint8Array.of(1, 0x01, 0x23, 0, 2, 0x10, 0x00, 7),
  Uint8Array.of(1, 0x01, 0x99, 0, 1, 0x12, 0x00, 0),
  Uint8Array.of(2, 0x00, 0x07, 1, 2, 0xff, 0xfe, 0),
];
const PLAIN = Uint8Array.from(ROWS.flatMap((r) => [...r]));

describe('stream filters (ISO 32000-1 §7.4)', () => {
  it('passes unfiltered data through', () => {
    expect(decodeStream(dict('<< >>'), PLAIN, 100, 0)).toEqual(PLAIN);
    expect(decodeStream(dict('<< /Filter null >>'), PLAIN, 100, 0)).toEqual(PLAIN);
  });

  it('inflates FlateDecode (also as a one-element array, and the abbreviation Fl)', () => {
    const z = deflateSync(PLAIN);
    for (const d of ['<< /Filter /FlateDecode >>', '<< /Filter [/FlateDecode] >>', '<< /Filter /Fl >>']) {
      expect(decodeStream(dict(d), z, 100, 0)).toEqual(PLAIN);
    }
  });

  it.each([0, 1, 2, 3, 4])('undoes the PNG predictor with row type %i (Columns 4, Colors 2)', (type) => {
    const z = deflateSync(pngFilter(ROWS, type, 2));
    const d = dict('<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 /Colors 2 >> >>');
    expect(decodeStream(d, z, 100, 0)).toEqual(PLAIN);
  });

  it('caps the decoded size and rejects damaged zlib data', () => {
    const big = deflateSync(new Uint8Array(10_000));
    expect(
      catchFormatError(() => decodeStream(dict('<< /Filter /FlateDecode >>'), big, 9_999, 0))?.code,
    ).toBe('format.corrupt');
    expect(decodeStream(dict('<< /Filter /FlateDecode >>'), big, 10_000, 0).length).toBe(10_000);
    expect(catchFormatError(() => decodeStream(dict('<< >>'), PLAIN, PLAIN.length - 1, 0))?.code).toBe(
      'format.corrupt',
    );
    expect(catchFormatError(() => decodeStream(dict('<< /Filter /FlateDecode >>'), big, 0, 0))?.code).toBe(
      'format.corrupt',
    );
    const damaged = big.subarray(0, big.length - 3);
    expect(
      catchFormatError(() => decodeStream(dict('<< /Filter /FlateDecode >>'), damaged, 1e6, 0))?.code,
    ).toBe('format.corrupt');
  });

  it.each([
    ['<< /Filter /LZWDecode >>', 'format.unsupported'],
    ['<< /Filter [/FlateDecode /ASCIIHexDecode] >>', 'format.unsupported'],
    ['<< /Filter 5 >>', 'format.unsupported'],
    ['<< /Filter /FlateDecode /DecodeParms << /Predictor 2 >> >>', 'format.unsupported'],
    ['<< /Filter /FlateDecode /DecodeParms 7 >>', 'format.corrupt'],
    ['<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 0 >> >>', 'format.corrupt'],
    ['<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >> >>', 'format.corrupt'],
  ])('rejects %s', (d, code) => {
    const z = deflateSync(pngFilter(ROWS, 2, 1));
    expect(catchFormatError(() => decodeStream(dict(d), z, 1000, 0))?.code).toBe(code);
  });

  it('rejects an unknown PNG row type', () => {
    const data = pngFilter(ROWS, 2, 1);
    data[9] = 5;
    const d = dict('<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >> >>');
    expect(catchFormatError(() => decodeStream(d, deflateSync(data), 1000, 0))?.code).toBe('format.corrupt');
  });
});
