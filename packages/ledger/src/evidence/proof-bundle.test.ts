import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64 } from '../base64.js';
import { signCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { inclusionProof } from '../proofs.js';
import { buildRecordEntry, buildTestSigner, buildTileLog, type TileLog } from '../testing/tile-log.js';
import {
  MAX_PROOF_BUNDLE_BYTES,
  buildProofBundle,
  encodeProofBundle,
  parseProofBundle,
  verifyProofBundle,
} from './proof-bundle.js';
import { tileHashReader } from './tile-reader.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return undefined;
};

const h = (b: number): Uint8Array => new Uint8Array(32).fill(b);

let log: TileLog;
let key: string;
beforeAll(async () => {
  // 600 entries published every 100: stale partial tiles lie around, as on a real log.
  log = await buildTileLog(
    Array.from({ length: 600 }, (_, i) => buildRecordEntry(i)),
    { publishEvery: 100 },
  );
  key = log.signer.verifier.verifierKey;
});

describe('encodeProofBundle / parseProofBundle (C2SP tlog-proof)', () => {
  it("writes the spec's layout, byte for byte as Go's proof.TLogProof.Marshal", () => {
    const text = encodeProofBundle({ index: 5, proof: [h(1), h(2)], checkpoint: 'test checkpoint\n' });
    expect(text).toBe(
      `c2sp.org/tlog-proof@v1\nindex 5\n${encodeBase64(h(1))}\n${encodeBase64(h(2))}\n\ntest checkpoint\n`,
    );
    const extra = new TextEncoder().encode('extra information');
    expect(encodeProofBundle({ index: 0, proof: [], checkpoint: 'c\n', extra })).toBe(
      `c2sp.org/tlog-proof@v1\nextra ${encodeBase64(extra)}\nindex 0\n\nc\n`,
    );
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 52 - 1 }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 64 }),
        fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
        (index, proof, extra) => {
          const bundle = { index, proof, checkpoint: 'o\n1\nroot\n\n\u2014 o sig\n', extra };
          const back = parseProofBundle(encodeProofBundle(bundle));
          expect(back.index).toBe(index);
          expect(back.proof).toEqual(proof);
          expect(back.checkpoint).toBe(bundle.checkpoint);
          expect(back.extra).toEqual(extra);
        },
      ),
    );
  });

  it.each([
    ['another header', 'c2sp.org/tlog-proof@v2\nindex 0\n\nc\n'],
    ['no index', 'c2sp.org/tlog-proof@v1\n\nc\n'],
    ['a leading zero', 'c2sp.org/tlog-proof@v1\nindex 01\n\nc\n'],
    ['a negative index', 'c2sp.org/tlog-proof@v1\nindex -1\n\nc\n'],
    ['an index above 2^52', 'c2sp.org/tlog-proof@v1\nindex 9999999999999999\n\nc\n'],
    ['extra after index', 'c2sp.org/tlog-proof@v1\nindex 0\nextra AA==\n\nc\n'],
    ['bad extra base64', 'c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\nc\n'],
    ['a short hash', `c2sp.org/tlog-proof@v1\nindex 0\n${encodeBase64(new Uint8Array(31))}\n\nc\n`],
    ['a long hash', `c2sp.org/tlog-proof@v1\nindex 0\n${encodeBase64(new Uint8Array(64))}\n\nc\n`],
    ['lenient base64', `c2sp.org/tlog-proof@v1\nindex 0\n${encodeBase64(h(1)).replace('=', '')}\n\nc\n`],
    ['no blank line', 'c2sp.org/tlog-proof@v1\nindex 0\n'],
    ['no checkpoint', 'c2sp.org/tlog-proof@v1\nindex 0\n\n'],
    ['CRLF', 'c2sp.org/tlog-proof@v1\r\nindex 0\r\n\r\nc\r\n'],
    ['65 hashes', `c2sp.org/tlog-proof@v1\nindex 0\n${`${encodeBase64(h(1))}\n`.repeat(65)}\nc\n`],
  ])('rejects %s with ledger.malformed_proof', (_name, text) => {
    expect(code(() => parseProofBundle(text))).toBe('ledger.malformed_proof');
  });

  it('rejects invalid UTF-8 and oversized input before parsing', () => {
    expect(code(() => parseProofBundle(new Uint8Array([0xff, 0xfe])))).toBe('ledger.malformed_proof');
    expect(code(() => parseProofBundle('x'.repeat(MAX_PROOF_BUNDLE_BYTES + 1)))).toBe(
      'ledger.malformed_proof',
    );
  });

  it('throws only LedgerError on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        for (const input of [s, `c2sp.org/tlog-proof@v1\n${s}`, `c2sp.org/tlog-proof@v1\nindex 3\n${s}`]) {
          try {
            parseProofBundle(input);
          } catch (err) {
            expect(err).toBeInstanceOf(LedgerError);
          }
        }
      }),
    );
  });
});

describe('buildProofBundle / verifyProofBundle', () => {
  it('proves and verifies every entry of the log, with no server', async () => {
    const cache = new Map<string, Uint8Array>();
    for (let i = 0; i < 600; i += 7) {
      const text = await buildProofBundle(i, {
        read: log.read,
        checkpoint: log.checkpoint,
        verifierKeys: [key],
        cache,
      });
      const v = verifyProofBundle(text, { verifierKeys: [key], origin: log.origin });
      expect(v.index).toBe(i);
      expect(v.size).toBe(600);
      expect(v.root).toEqual(log.root);
      expect(v.entry).toEqual(log.entries[i]);
      expect(v.signatures.map((s) => s.name)).toEqual([log.origin]);
      // The entry from elsewhere must match.
      expect(verifyProofBundle(text, { verifierKeys: [key], entry: log.entries[i] }).index).toBe(i);
    }
  });

  async function bundle(index = 42): Promise<string> {
    return buildProofBundle(index, { read: log.read, checkpoint: log.checkpoint, verifierKeys: [key] });
  }

  it('refuses a checkpoint signed by an unknown key (ledger.unknown_key)', async () => {
    const other = buildTestSigner('other.example/log', 99).verifier.verifierKey;
    const text = await bundle();
    expect(code(() => verifyProofBundle(text, { verifierKeys: [other] }))).toBe('ledger.unknown_key');
    expect(code(() => verifyProofBundle(text, { verifierKeys: [] }))).toBe('ledger.unknown_key');
  });

  it('refuses a bad signature (ledger.invalid_signature) and another origin', async () => {
    const b = parseProofBundle(await bundle());
    const forged = b.checkpoint.replace('\n600\n', '\n601\n');
    expect(code(() => verifyProofBundle({ ...b, checkpoint: forged }, { verifierKeys: [key] }))).toBe(
      'ledger.invalid_signature',
    );
    expect(code(() => verifyProofBundle(b, { verifierKeys: [key], origin: 'elsewhere/log' }))).toBe(
      'ledger.origin_mismatch',
    );
  });

  it('refuses a proof for another tree size (ledger.invalid_proof, clear message)', async () => {
    // A proof made against the tree of 100 entries, with the checkpoint of 600.
    const proof = await inclusionProof(42, 100, tileHashReader(log.read, 100));
    const b = parseProofBundle(await bundle());
    expect(proof.length).not.toBe(b.proof.length);
    let err: unknown;
    try {
      verifyProofBundle({ ...b, proof }, { verifierKeys: [key] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).code).toBe('ledger.invalid_proof');
    expect((err as LedgerError).message).toMatch(/another tree size/);
  });

  it('refuses an index outside the tree (ledger.out_of_range)', async () => {
    const b = parseProofBundle(await bundle());
    expect(code(() => verifyProofBundle({ ...b, index: 600 }, { verifierKeys: [key] }))).toBe(
      'ledger.out_of_range',
    );
  });

  it('refuses a proof that does not verify (ledger.proof_failed)', async () => {
    const b = parseProofBundle(await bundle());
    const tampered = { ...b, extra: buildRecordEntry(43) };
    expect(code(() => verifyProofBundle(tampered, { verifierKeys: [key] }))).toBe('ledger.proof_failed');
    const flipped = b.proof.map((x, i) => (i === 2 ? x.map((v, j) => (j === 0 ? v ^ 1 : v)) : x));
    expect(code(() => verifyProofBundle({ ...b, proof: flipped }, { verifierKeys: [key] }))).toBe(
      'ledger.proof_failed',
    );
    // Another index with the same proof.
    expect(code(() => verifyProofBundle({ ...b, index: 43 }, { verifierKeys: [key] }))).toBe(
      'ledger.proof_failed',
    );
  });

  it('refuses a bundle whose entry is not the one given, or with no entry (ledger.entry_mismatch)', async () => {
    const text = await bundle();
    expect(code(() => verifyProofBundle(text, { verifierKeys: [key], entry: buildRecordEntry(43) }))).toBe(
      'ledger.entry_mismatch',
    );
    const { extra: _extra, ...bare } = parseProofBundle(text);
    expect(code(() => verifyProofBundle(bare, { verifierKeys: [key] }))).toBe('ledger.entry_mismatch');
    expect(verifyProofBundle(bare, { verifierKeys: [key], entry: log.entries[42] }).index).toBe(42);
  });

  it('verifies with witness cosignatures present (unverified, reported)', async () => {
    const witness = buildTestSigner('witness.example', 5);
    const cp = signCheckpoint({ origin: log.origin, size: 600, rootHash: log.root, extensions: [] }, [
      log.signer,
      witness,
    ]);
    const text = await buildProofBundle(3, { read: log.read, checkpoint: cp, verifierKeys: [key] });
    const v = verifyProofBundle(text, { verifierKeys: [key] });
    expect(v.unverifiedSignatures.map((s) => s.name)).toEqual(['witness.example']);
  });

  it('buildProofBundle refuses a corrupt tile rather than writing a bad proof', async () => {
    const copy = new Map(log.files);
    const path = 'tile/0/001'; // full level-0 tile of entries 256..511
    const data = copy.get(path)!.slice();
    data[5] = data[5]! ^ 0xff; // leaf 256's hash: the sibling in leaf 257's proof
    copy.set(path, data);
    const read = (p: string): Promise<Uint8Array | undefined> => Promise.resolve(copy.get(p));
    await expect(
      buildProofBundle(256 + 1, { read, checkpoint: log.checkpoint, verifierKeys: [key] }),
    ).rejects.toMatchObject({
      code: 'ledger.proof_failed',
    });
  });
});
