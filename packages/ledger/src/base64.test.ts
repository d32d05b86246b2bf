import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, encodeBase64 } from './base64.js';

describe('strict base64 (RFC 4648 §4)', () => {
  it('decodes exactly what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(decodeBase64Strict(encodeBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each([
    ['missing padding', 'AAE'],
    ['URL-safe alphabet', 'a-_b'],
    ['non-zero padding bits', 'AAF='],
    ['whitespace', 'AAAA AAAA'],
    ['newline', 'AAAA\n'],
    ['too much padding', 'AA==='],
    ['padding inside', 'AA==AAAA'],
    ['one character', 'A'],
  ])('rejects %s', (_name, text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });

  it('accepts a string exactly when Node re-encodes its decoding to the same string (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=_\- ]{0,12}$/), (text) => {
        const naive = Buffer.from(text, 'base64').toString('base64') === text;
        expect(decodeBase64Strict(text) !== undefined).toBe(naive);
      }),
      { numRuns: 3000 },
    );
  });
});
