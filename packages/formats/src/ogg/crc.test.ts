import { asciiBytes, concatBytes } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oggCrc, pageCrc } from './crc.js';

describe('Ogg page CRC (RFC 3533 §6)', () => {
  it('matches the catalogue check value (poly 0x04C11DB7, init 0, no reflection, no final XOR)', () => {
    // CRC-32/POSIX has the same parameters but a final XOR of 0xFFFFFFFF (check 0x765E7680).
    expect(oggCrc(asciiBytes('123456789'))).toBe(0x89a1897f); // = 0x765E7680 XOR 0xFFFFFFFF
    expect(oggCrc(new Uint8Array(0))).toBe(0);
  });

  it('continues a running CRC and honours ranges', () => {
    const b = asciiBytes('123456789');
    expect(oggCrc(b, 4, 9, oggCrc(b, 0, 4))).toBe(oggCrc(b));
  });

  it('reads the page CRC field (bytes 22-25) as zero, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 27, maxLength: 80 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (page, field) => {
          const zeroed = page.slice();
          zeroed.fill(0, 22, 26);
          const other = concatBytes([page.subarray(0, 22), field, page.subarray(26)]);
          expect(pageCrc(page, 0, page.length)).toBe(oggCrc(zeroed));
          expect(pageCrc(other, 0, other.length)).toBe(oggCrc(zeroed));
        },
      ),
    );
  });
});
