import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AigcConformanceFixture } from '../testing/aigc-conformance.js';
import { buildMp4Fixtures, listBoxes } from '../testing/mp4-fixtures.js';
import { type ByteSource, applySplices, bytesSource } from '../source.js';
import { mp4Handler } from './handler.js';

/** A source over `file` whose `read` throws for any range that touches an mdat payload. */
function mdatGuarded(file: Uint8Array): ByteSource & { readonly reads: number } {
  const payloads = listBoxes(file, 0, file.length)
    .filter((b) => b.type === 'mdat')
    .map((b) => [b.body, b.end] as const);
  const inner = bytesSource(file);
  let reads = 0;
  return {
    size: file.length,
    get reads() {
      return reads;
    },
    read(offset, length) {
      for (const [start, end] of payloads) {
        if (offset < end && offset + length > start) {
          throw new Error(`read of mdat payload [${String(offset)}, ${String(offset + length)})`);
        }
      }
      reads++;
      return inner.read(offset, length);
    },
  };
}

describe('MP4 streaming carrier', () => {
  const streaming = mp4Handler.streaming!;
  let fixtures: readonly AigcConformanceFixture[] = [];
  beforeAll(async () => {
    fixtures = await buildMp4Fixtures();
  });

  it('never reads the mdat payload, and its plan is what the in-memory carrier writes (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 80 }), { nil: undefined }),
        (i, value) => {
          const f = fixtures[i % fixtures.length]!;
          const src = mdatGuarded(f.bytes);
          expect(streaming.readAigc(src)).toBe(f.aigc);
          const plan = streaming.planAigc(src, value);
          const out = applySplices(f.bytes, plan);
          expect(out).toEqual(mp4Handler.aigc!.writeAigc(f.bytes, value));
          expect(streaming.readAigc(mdatGuarded(out))).toBe(value);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads a bounded number of ranges: box headers and one moov read', () => {
    for (const f of fixtures) {
      const src = mdatGuarded(f.bytes);
      streaming.planAigc(src, 'v');
      const top = listBoxes(f.bytes, 0, f.bytes.length).length;
      // One header read per top-level box (two for a 64-bit size) plus one for the moov.
      expect(src.reads).toBeLessThanOrEqual(2 * top + 1);
    }
  });

  it('the guard itself trips on an mdat read', () => {
    const f = fixtures[0]!;
    const mdat = listBoxes(f.bytes, 0, f.bytes.length).find((b) => b.type === 'mdat')!;
    expect(() => mdatGuarded(f.bytes).read(mdat.body, 1)).toThrow(/mdat payload/);
  });
});
