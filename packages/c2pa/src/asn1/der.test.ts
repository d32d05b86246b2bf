import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { children, oid, oidText, readElement, seq, smallInteger, time, unsignedInteger } from './der.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('DER', () => {
  it('encodes OIDs, integers and times as X.690 requires', () => {
    expect(hex(oid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
    expect(oidText(readElement(oid('1.3.6.1.4.1.62558.2.1'), 0))).toBe('1.3.6.1.4.1.62558.2.1');
    expect(hex(smallInteger(2))).toBe('020102');
    expect(hex(unsignedInteger(Uint8Array.of(0x00, 0x80)))).toBe('02020080');
    expect(hex(unsignedInteger(Uint8Array.of(0x00, 0x00, 0x7f)))).toBe('02017f');
    expect(
      Buffer.from(time(new Date(Date.UTC(2026, 0, 2, 3, 4, 5))))
        .toString('latin1')
        .slice(2),
    ).toBe('260102030405Z');
    expect(
      Buffer.from(time(new Date(Date.UTC(2051, 0, 2, 3, 4, 5))))
        .toString('latin1')
        .slice(2),
    ).toBe('20510102030405Z');
  });

  it('reads long-form lengths and nested elements', () => {
    const big = seq(new Uint8Array(300).fill(0x05).map((_, i) => (i % 2 === 0 ? 0x05 : 0x00)));
    const el = readElement(big, 0);
    expect(el.raw.length).toBe(big.length);
    expect(children(el, 1000)).toHaveLength(150);
  });

  it.each([
    ['header past the end', '30'],
    ['content past the end', '30050000'],
    ['indefinite length', '308000000000'],
    ['five length bytes', '30850000000001'],
    ['high tag number', '1f0100'],
  ])('rejects %s', (_n, input) => {
    expect(() => readElement(new Uint8Array(Buffer.from(input, 'hex')), 0)).toThrow(
      expect.objectContaining({ code: 'c2pa.corrupt' }),
    );
  });

  it('hostile input: only typed errors escape', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => {
        try {
          const el = readElement(bytes, 0);
          if (el.tag & 0x20) children(el);
          if (el.tag === 0x06) oidText(el);
        } catch (err) {
          expect(isAppError(err, 'c2pa.corrupt')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
