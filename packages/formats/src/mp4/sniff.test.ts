import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildMp4 } from '../testing/mp4-fixtures.js';
import { hasMp4Signature } from './sniff.js';

function head(size: number, type: string, brand = ''): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setUint32(0, size);
  out.set(
    Uint8Array.from(type, (c) => c.charCodeAt(0)),
    4,
  );
  return concatBytes([out, Uint8Array.from(`${brand}\0\0\0\0\0\0\0\0`, (c) => c.charCodeAt(0))]);
}

describe('MP4 sniff', () => {
  it.each([
    ['ftyp isom', head(24, 'ftyp', 'isom'), true],
    ['ftyp qt', head(20, 'ftyp', 'qt  '), true],
    ['ftyp M4A', head(32, 'ftyp', 'M4A '), true],
    ['QuickTime moov first', head(1000, 'moov'), true],
    ['QuickTime mdat first, 64-bit size', head(1, 'mdat'), true],
    ['QuickTime wide first', head(8, 'wide'), true],
    ['QuickTime free / skip first', head(16, 'skip'), true],
    ['HEIF brand heic', head(24, 'ftyp', 'heic'), false],
    ['HEIF brand mif1', head(24, 'ftyp', 'mif1'), false],
    ['AVIF brand avif', head(24, 'ftyp', 'avif'), false],
    ['ftyp too small', head(12, 'ftyp', 'isom'), false],
    ['ftyp absurdly large', head(1 << 20, 'ftyp', 'isom'), false],
    ['free smaller than its header', head(4, 'free'), false],
    ['another box first', head(24, 'abcd', 'isom'), false],
  ])('%s -> %s', (_name, bytes, expected) => {
    expect(hasMp4Signature(bytes)).toBe(expected);
  });

  it('needs 12 bytes and never reads past the head', () => {
    const file = buildMp4();
    for (let n = 0; n < 12; n++) expect(hasMp4Signature(file.subarray(0, n))).toBe(false);
    expect(hasMp4Signature(file.subarray(0, 12))).toBe(true);
  });
});
