import {
  type ByteSource,
  type Splice,
  applySplices,
  bytesSource,
  handlerById,
  outputPieces,
} from '@synthguard/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeImplicitLabel } from './implicit-label.js';
import { generateSigningKey } from './integrity/keys.js';
import {
  DIGEST_CHUNK_BYTES,
  composePieces,
  digestSource,
  piecesSource,
  splicesFromPieces,
} from './pieces-source.js';
import { digestBytes, verifyImplicitLabel, writeSignedLabel } from './signed-label.js';
import { planSignedLabel, readImplicitLabelSource, verifyImplicitLabelSource } from './streaming-label.js';
import { arbitraryLabel, buildLabel } from './testing/labels.js';
import { buildMp4, buildUdtaTitle } from './testing/mp4.js';

const mp4 = handlerById('mp4')!;
const streaming = mp4.streaming!;

/** A random file and a random valid plan against it. */
const fileAndPlan = fc.uint8Array({ minLength: 0, maxLength: 200 }).chain((file) =>
  fc
    .array(
      fc.record({
        a: fc.nat({ max: file.length }),
        b: fc.nat({ max: file.length }),
        bytes: fc.uint8Array({ maxLength: 12 }),
      }),
      { maxLength: 6 },
    )
    .map((raw) => {
      const cuts = raw
        .map((r) => ({ offset: Math.min(r.a, r.b), end: Math.max(r.a, r.b), bytes: r.bytes }))
        .sort((x, y) => x.offset - y.offset);
      const splices: Splice[] = [];
      let at = 0;
      for (const c of cuts) {
        if (c.offset < at) continue;
        splices.push({ offset: c.offset, length: c.end - c.offset, bytes: c.bytes });
        at = c.end;
      }
      return { file, splices };
    }),
);

/** A random plan against a file of `size` bytes. */
function planFor(size: number, seeds: readonly number[], bytes: Uint8Array): Splice[] {
  const points = [...new Set(seeds.map((s) => s % (size + 1)))].sort((a, b) => a - b);
  const out: Splice[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    out.push({ offset: points[i]!, length: points[i + 1]! - points[i]!, bytes: bytes.subarray(0, i + 1) });
  }
  return out;
}

describe('piecesSource / composePieces / splicesFromPieces', () => {
  it('reads every range of a planned file as applySplices builds it (property)', () => {
    fc.assert(
      fc.property(fileAndPlan, fc.nat(), fc.nat(), ({ file, splices }, x, y) => {
        const out = applySplices(file, splices);
        const view = piecesSource(bytesSource(file), outputPieces(file.length, splices));
        expect(view.size).toBe(out.length);
        const offset = x % (out.length + 1);
        const length = y % (out.length - offset + 1);
        expect(Buffer.from(view.read(offset, length))).toEqual(
          Buffer.from(out.subarray(offset, offset + length)),
        );
        expect(() => view.read(offset, out.length - offset + 1)).toThrow(RangeError);
      }),
    );
  });

  it('composing two plans gives one plan against the original (property)', () => {
    fc.assert(
      fc.property(
        fileAndPlan,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        ({ file, splices }, seeds, bytes) => {
          const first = outputPieces(file.length, splices);
          const mid = applySplices(file, splices);
          const secondPlan = planFor(mid.length, seeds, bytes);
          const composed = composePieces(first, outputPieces(mid.length, secondPlan));
          const plan = splicesFromPieces(file.length, composed);
          expect(Buffer.from(applySplices(file, plan))).toEqual(Buffer.from(applySplices(mid, secondPlan)));
        },
      ),
    );
  });

  it('splicesFromPieces refuses pieces out of order', () => {
    const pieces = [
      { kind: 'source', offset: 5, length: 2 },
      { kind: 'source', offset: 1, length: 2 },
    ] as const;
    expect(() => splicesFromPieces(10, pieces)).toThrow(RangeError);
    expect(() =>
      piecesSource(bytesSource(new Uint8Array(4)), [{ kind: 'source', offset: 2, length: 3 }]),
    ).toThrow(RangeError);
  });

  it('digestSource is the digest of the bytes, whatever the chunk size', () => {
    const file = new Uint8Array(10_000).map((_, i) => (i * 31) & 0xff);
    for (const alg of ['SHA256', 'SM3'] as const) {
      for (const chunk of [1, 7, 4096, 10_000, 1 << 20]) {
        expect(digestSource(alg, bytesSource(file), chunk)).toEqual(digestBytes(alg, file));
      }
    }
  });
});

/** A source that records the longest single read. */
function recording(file: Uint8Array): ByteSource & { readonly longest: number } {
  const inner = bytesSource(file);
  let longest = 0;
  return {
    size: file.length,
    get longest() {
      return longest;
    },
    read(offset, length) {
      longest = Math.max(longest, length);
      return inner.read(offset, length);
    },
  };
}

function buildFixtures(): { name: string; bytes: Uint8Array }[] {
  const plain = [
    { name: 'faststart, stco', bytes: buildMp4({ moovFirst: true }) },
    {
      name: 'faststart, co64, udta title',
      bytes: buildMp4({ moovFirst: true, co64: true, moovExtra: [buildUdtaTitle('标题')] }),
    },
    { name: 'mdat then moov', bytes: buildMp4({ chunks: [10, 20] }) },
  ];
  const labeled = plain.map((f) => ({
    name: `${f.name}, already labeled`,
    bytes: writeImplicitLabel(mp4, f.bytes, buildLabel({ ProduceID: 'OLD-LABEL' })),
  }));
  return [...plain, ...labeled];
}

describe('planSignedLabel and verifyImplicitLabelSource (MP4)', () => {
  const fixtures = buildFixtures();
  const ed25519 = generateSigningKey('Ed25519');

  it('applied to the input, the plan gives exactly writeSignedLabel’s bytes (Ed25519, property)', () => {
    fc.assert(
      fc.property(fc.nat(), arbitraryLabel, (i, label) => {
        const f = fixtures[i % fixtures.length]!;
        const plan = planSignedLabel(streaming, bytesSource(f.bytes), label, ed25519);
        const expected = writeSignedLabel(mp4, f.bytes, label, ed25519);
        const out = applySplices(f.bytes, plan.splices);
        expect(Buffer.from(out)).toEqual(Buffer.from(expected.file));
        expect(plan.label).toEqual(expected.label);
        expect(plan.size).toBe(out.length);
      }),
      { numRuns: 60 },
    );
  });

  it('takes the caller’s digest of the input exactly when the content is the input', () => {
    for (const alg of ['Ed25519', 'SM2-SM3'] as const) {
      const key = generateSigningKey(alg);
      for (const f of fixtures) {
        const asked: string[] = [];
        const plan = planSignedLabel(streaming, bytesSource(f.bytes), buildLabel(), key, {
          inputDigest: (a) => {
            asked.push(a);
            return digestBytes(a, f.bytes);
          },
        });
        const labeled = f.name.endsWith('already labeled');
        expect(asked, f.name).toEqual(labeled ? [] : [alg === 'Ed25519' ? 'SHA256' : 'SM3']);
        const out = applySplices(f.bytes, plan.splices);
        expect(verifyImplicitLabelSource(streaming, bytesSource(out))!.producer, f.name).toMatchObject({
          signatureValid: true,
          contentUnchanged: true,
        });
      }
    }
  });

  it('verifies like verifyImplicitLabel: valid when signed, content_changed after a media byte flips', () => {
    for (const alg of ['Ed25519', 'SM2-SM3'] as const) {
      const key = generateSigningKey(alg);
      for (const f of fixtures) {
        const plan = planSignedLabel(streaming, bytesSource(f.bytes), buildLabel(), key);
        const out = applySplices(f.bytes, plan.splices);
        const v = verifyImplicitLabelSource(streaming, bytesSource(out))!;
        expect(v, f.name).toEqual(verifyImplicitLabel(mp4, out));
        expect(v.producer).toMatchObject({ status: 'checked', signatureValid: true, contentUnchanged: true });
        expect(readImplicitLabelSource(streaming, bytesSource(out))?.label).toEqual(plan.label);

        // A media byte: the file's last (faststart: mdat last), else one in the first chunk
        // (ftyp 24 bytes + mdat header 8 = 32).
        const tampered = out.slice();
        tampered[f.name.startsWith('faststart') ? out.length - 1 : 40]! ^= 0x01;
        const t = verifyImplicitLabelSource(streaming, bytesSource(tampered))!;
        expect(t.producer, f.name).toMatchObject({ signatureValid: true, contentUnchanged: false });
      }
    }
  });

  it('an unlabeled file verifies as undefined, and a truncated one throws the carrier’s error', () => {
    const f = fixtures[0]!;
    expect(verifyImplicitLabelSource(streaming, bytesSource(f.bytes))).toBeUndefined();
    const cut = f.bytes.subarray(0, f.bytes.length - 1);
    expect(() => planSignedLabel(streaming, bytesSource(cut), buildLabel(), ed25519)).toThrow(
      expect.objectContaining({ code: 'format.truncated' }),
    );
  });

  it('reads at most one 1 MiB chunk at a time, whatever the media size', () => {
    const big = buildMp4({ moovFirst: true, chunks: [3 * DIGEST_CHUNK_BYTES + 5, 1000] });
    const src = recording(big);
    const plan = planSignedLabel(streaming, src, buildLabel(), ed25519);
    expect(src.longest).toBeLessThanOrEqual(DIGEST_CHUNK_BYTES);
    const out = applySplices(big, plan.splices);
    const check = recording(out);
    expect(verifyImplicitLabelSource(streaming, check)?.producer).toMatchObject({ contentUnchanged: true });
    expect(check.longest).toBeLessThanOrEqual(DIGEST_CHUNK_BYTES);
  });
});
