import { asciiBytes } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16, crc8 } from './crc.js';

describe('FLAC CRCs (RFC 9639 §9.1.8, §9.3)', () => {
  const check = asciiBytes('123456789');

  it('matches the catalogue check values (CRC-8/SMBUS, CRC-16/UMTS)', () => {
    expect(crc8(check)).toBe(0xf4);
    expect(crc16(check)).toBe(0xfee8);
    expect(crc8(new Uint8Array(0))).toBe(0);
  });

  it('continues a running CRC-16 and honours ranges', () => {
    expect(crc16(check, 4, 9, crc16(check, 0, 4))).toBe(0xfee8);
    expect(crc8(check, 2, 5)).toBe(crc8(asciiBytes('345')));
  });

  it('gives 0 over a message followed by its own CRC-16 (the frame scanner relies on it)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (msg) => {
        const c = crc16(msg);
        const full = new Uint8Array(msg.length + 2);
        full.set(msg);
        full.set([c >> 8, c & 0xff], msg.length);
        expect(crc16(full)).toBe(0);
      }),
    );
  });
});
