import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { decodeCbor, MAX_CBOR_DEPTH } from './decode.js';
import { encodeCbor } from './encode.js';
import { CborTag, type CborValue } from './value.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

// RFC 8949 Appendix A examples (the subset in our data model).
const vectors: [CborValue, string][] = [
  [0, '00'],
  [23, '17'],
  [24, '1818'],
  [1000, '1903e8'],
  [1000000, '1a000f4240'],
  [1000000000000, '1b000000e8d4a51000'],
  [18446744073709551615n, '1bffffffffffffffff'],
  [-1, '20'],
  [-1000, '3903e7'],
  [-18446744073709551616n, '3bffffffffffffffff'],
  [1.1, 'fb3ff199999999999a'],
  [false, 'f4'],
  [true, 'f5'],
  [null, 'f6'],
  [undefined, 'f7'],
  [new Uint8Array([1, 2, 3, 4]), '4401020304'],
  ['IETF', '6449455446'],
  ['水', '63e6b0b4'],
  [[1, [2, 3], [4, 5]], '8301820203820405'],
  [
    new Map<string | number, CborValue>([
      ['a', 1],
      ['b', [2, 3]],
    ]),
    'a26161016162820203',
  ],
  [new CborTag(18, [new Uint8Array(0), new Map(), null, new Uint8Array(0)]), 'd28440a0f640'],
];

describe('CBOR', () => {
  it.each(vectors)('encodes %o as RFC 8949 Appendix A', (value, expected) => {
    expect(hex(encodeCbor(value))).toBe(expected);
    expect(decodeCbor(unhex(expected))).toEqual(value);
  });

  it('decodes half and single floats', () => {
    expect(decodeCbor(unhex('f93c00'))).toBe(1);
    expect(decodeCbor(unhex('f97bff'))).toBe(65504);
    expect(decodeCbor(unhex('fa47c35000'))).toBe(100000);
    expect(decodeCbor(unhex('f97c00'))).toBe(Infinity);
  });

  it.each([
    ['indefinite array', '9f01ff'],
    ['reserved additional info', '1c'],
    ['truncated argument', '19ff'],
    ['length past the end', '5a0000ffff00'],
    ['trailing bytes', '0000'],
    ['duplicate map key', 'a2616101616102'],
    ['array map key', 'a1800001'],
    ['invalid UTF-8', '62c328'],
    ['simple value 0', 'e0'],
    ['empty input', ''],
  ])('rejects %s as c2pa.corrupt', (_name, input) => {
    expect(() => decodeCbor(unhex(input))).toThrow(expect.objectContaining({ code: 'c2pa.corrupt' }));
  });

  it('caps nesting depth', () => {
    const deep = new Uint8Array(MAX_CBOR_DEPTH + 2).fill(0x81);
    deep[deep.length - 1] = 0x00;
    expect(() => decodeCbor(deep)).toThrow(expect.objectContaining({ code: 'c2pa.too_large' }));
  });

  it('round-trips generated values', () => {
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }));
    const { value } = fc.letrec<{ value: CborValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc
          .bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n })
          .filter((n) => n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.uint8Array({ maxLength: 32 }),
        fc.double({ noNaN: true }).filter((d) => !Number.isSafeInteger(d)),
        fc.array(tie('value'), { maxLength: 4 }),
        fc
          .uniqueArray(fc.tuple(key, tie('value')), { maxLength: 4, selector: ([k]) => k })
          .map((e) => new Map(e)),
        fc.tuple(fc.integer({ min: 0, max: 1000 }), tie('value')).map(([t, v]) => new CborTag(t, v)),
      ),
    }));
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeCbor(encodeCbor(v))).toEqual(v);
      }),
    );
  });

  it('hostile input: only typed errors escape, linear time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          decodeCbor(bytes);
        } catch (err) {
          expect(isAppError(err, 'c2pa.corrupt', 'c2pa.too_large')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
