import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from '../cbor/encode.js';
import { decodeCbor } from '../cbor/decode.js';
import { buildMp4 } from '../testing/fixtures.js';
import { bmffExclusionsCbor, bmffHash, DEFAULT_BMFF_EXCLUSIONS, parseBmffExclusions } from './bmff-hash.js';
import { dataHash, exclusionsValid } from './data-hash.js';

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const be64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};

describe('data hash', () => {
  it('hashes everything outside the exclusions', () => {
    const file = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(
      dataHash('sha256', file, [
        { start: 10, length: 5 },
        { start: 50, length: 50 },
      ]),
    ).toEqual(sha(file.subarray(0, 10), file.subarray(15, 50)));
  });

  it('accepts only sorted, disjoint exclusions inside the file', () => {
    expect(exclusionsValid(10, [{ start: 0, length: 10 }])).toBe(true);
    expect(exclusionsValid(10, [{ start: 5, length: 6 }])).toBe(false);
    expect(
      exclusionsValid(10, [
        { start: 5, length: 1 },
        { start: 2, length: 1 },
      ]),
    ).toBe(false);
    expect(exclusionsValid(10, [{ start: -1, length: 1 }])).toBe(false);
    expect(exclusionsValid(10, [{ start: 0.5, length: 1 }])).toBe(false);
  });
});

describe('BMFF hash (v2/v3, no Merkle)', () => {
  it('hashes each kept top-level box as its 64-bit offset followed by its bytes', () => {
    const file = buildMp4();
    const ftypEnd = new DataView(file.buffer).getUint32(0);
    const moovEnd = ftypEnd + new DataView(file.buffer).getUint32(ftypEnd);
    const freeEnd = moovEnd + new DataView(file.buffer).getUint32(moovEnd);
    // Default exclusions drop ftyp and free whole: moov and mdat remain.
    const expected = sha(
      be64(ftypEnd),
      file.subarray(ftypEnd, moovEnd),
      be64(freeEnd),
      file.subarray(freeEnd),
    );
    expect(bmffHash('sha256', file, DEFAULT_BMFF_EXCLUSIONS)).toEqual(expected);
  });

  it('applies subsets, data matches and length filters', () => {
    const file = buildMp4();
    const ftypEnd = new DataView(file.buffer).getUint32(0);
    const moovEnd = ftypEnd + new DataView(file.buffer).getUint32(ftypEnd);
    const freeEnd = moovEnd + new DataView(file.buffer).getUint32(moovEnd);
    // moov keeps its header (offset hashed, then 8 bytes); free and mdat are hashed whole.
    const subset = bmffHash('sha256', file, [
      { xpath: '/ftyp' },
      { xpath: '/moov', subset: [{ offset: 8, length: 0 }] },
    ]);
    expect(subset).toEqual(
      sha(
        be64(ftypEnd),
        file.subarray(ftypEnd, ftypEnd + 8),
        be64(moovEnd),
        file.subarray(moovEnd, freeEnd),
        be64(freeEnd),
        file.subarray(freeEnd),
      ),
    );
    const noMatch = bmffHash('sha256', file, [
      { xpath: '/ftyp', data: [{ offset: 8, value: Buffer.from('mp42') }] },
    ]);
    expect(noMatch).toEqual(bmffHash('sha256', file, []));
    const wrongLength = bmffHash('sha256', file, [{ xpath: '/ftyp', length: 1 }]);
    expect(wrongLength).toEqual(bmffHash('sha256', file, []));
    expect(bmffHash('sha256', file, [{ xpath: '/moov/trak' }])).toBe('unsupported');
  });

  it('round-trips exclusions through CBOR and rejects malformed ones', () => {
    expect(parseBmffExclusions(decodeCbor(encodeCbor(bmffExclusionsCbor(DEFAULT_BMFF_EXCLUSIONS))))).toEqual(
      DEFAULT_BMFF_EXCLUSIONS,
    );
    for (const bad of [
      7,
      [7],
      [new Map([['xpath', 3]])],
      [
        new Map<string, unknown>([
          ['xpath', '/a'],
          ['length', -1],
        ]),
      ],
    ]) {
      expect(parseBmffExclusions(bad as never)).toBeUndefined();
    }
  });

  it('hostile exclusions: never throw, never read out of bounds', () => {
    const file = buildMp4();
    const exclusion = fc.record(
      {
        xpath: fc.constantFrom('/ftyp', '/moov', '/mdat', '/free', '/uuid'),
        length: fc.nat(),
        data: fc.array(fc.record({ offset: fc.nat(), value: fc.uint8Array({ maxLength: 8 }) }), {
          maxLength: 3,
        }),
        subset: fc.array(fc.record({ offset: fc.nat(), length: fc.nat() }), { maxLength: 3 }),
      },
      { requiredKeys: ['xpath'] },
    );
    fc.assert(
      fc.property(fc.array(exclusion, { maxLength: 5 }), (list) => {
        const h = bmffHash('sha256', file, list);
        expect(h).toBeInstanceOf(Uint8Array);
      }),
    );
  });
});
