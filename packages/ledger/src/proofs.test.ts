import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { MAX_TREE_SIZE, emptyTreeHash, leafHash, storedTreeHash } from './merkle.js';
import {
  consistencyProof,
  consistencyProofSize,
  inclusionProof,
  inclusionProofSize,
  verifyConsistency,
  verifyInclusion,
} from './proofs.js';
import {
  type TestLog,
  buildLogOfSize,
  hex,
  refPath,
  refProof,
  refRoot,
  RFC6962_TEST_LEAVES,
  unhex,
} from './testing/merkle-reference.js';

// Inclusion and consistency vectors of transparency-dev/merkle (proof/verify_test.go, leaf
// indexes made 0-based) over the RFC 6962 test leaves.
const CT_LEAVES = RFC6962_TEST_LEAVES;
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(unhex);
const rootOf = (size: number) => CT_ROOTS[size - 1]!;
const CT_INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CT_CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'ok';
}

/** A copy of `proof` with bit `bit` of byte `byte` of element `i` flipped. */
function flip(proof: readonly Uint8Array[], i: number, byte: number, bit: number): Uint8Array[] {
  return proof.map((h, j) => {
    if (j !== i) return h;
    const c = h.slice();
    c[byte] = c[byte]! ^ (1 << bit);
    return c;
  });
}

/** verifyInclusion, with typed errors folded to false (a caller's view of "not proven"). */
function inclusionHolds(
  i: number,
  n: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    return verifyInclusion(i, n, leaf, proof, root);
  } catch (err) {
    if (err instanceof LedgerError) return false;
    throw err;
  }
}

function consistencyHolds(
  m: number,
  n: number,
  proof: Uint8Array[],
  r1: Uint8Array,
  r2: Uint8Array,
): boolean {
  try {
    return verifyConsistency(m, n, proof, r1, r2);
  } catch (err) {
    if (err instanceof LedgerError) return false;
    throw err;
  }
}

describe('known answers (transparency-dev/merkle vectors)', () => {
  it.each(CT_INCLUSION)('inclusion of leaf %i in size %i', async (index, size, want) => {
    const log = await buildLogOfData(CT_LEAVES);
    const proof = await inclusionProof(index, size, log.reader);
    expect(proof.map(hex)).toEqual(want);
    expect(verifyInclusion(index, size, leafHash(CT_LEAVES[index]!), proof, rootOf(size))).toBe(true);
  });

  it.each(CT_CONSISTENCY)('consistency %i -> %i', async (size1, size2, want) => {
    const log = await buildLogOfData(CT_LEAVES);
    const proof = await consistencyProof(size1, size2, log.reader);
    expect(proof.map(hex)).toEqual(want);
    expect(verifyConsistency(size1, size2, proof, rootOf(size1), rootOf(size2))).toBe(true);
  });
});

async function buildLogOfData(data: readonly Uint8Array[]): Promise<TestLog> {
  const log = await buildLogOfSize(0);
  for (const d of data) await log.append(d);
  return log;
}

describe('against the naive RFC 6962 reference', () => {
  it('every inclusion proof and every consistency pair, all sizes up to 64', async () => {
    const log = await buildLogOfSize(64);
    for (let n = 1; n <= 64; n++) {
      const leaves = log.leaves.slice(0, n);
      const root = refRoot(leaves);
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(i, n, log.reader);
        expect(proof.map(hex)).toEqual(refPath(i, leaves).map(hex));
        expect(proof.length).toBe(inclusionProofSize(i, n));
        expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(m, n, log.reader);
        expect(proof.map(hex)).toEqual(refProof(m, leaves).map(hex));
        expect(proof.length).toBe(consistencyProofSize(m, n));
        expect(verifyConsistency(m, n, proof, refRoot(log.leaves.slice(0, m)), root)).toBe(true);
      }
    }
  });

  it('random leaves and size pairs in a tree of 3000 (property)', async () => {
    const log = await buildLogOfSize(3000);
    const roots = new Map<number, Uint8Array>();
    const rootAt = async (n: number) => {
      let r = roots.get(n);
      if (r === undefined) roots.set(n, (r = await storedTreeHash(n, log.reader)));
      return r;
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.nat(), async (n, seed) => {
        const i = seed % n;
        const proof = await inclusionProof(i, n, log.reader);
        expect(proof.map(hex)).toEqual(refPath(i, log.leaves.slice(0, n)).map(hex));
        expect(verifyInclusion(i, n, log.leaves[i]!, proof, await rootAt(n))).toBe(true);
        const m = 1 + (seed % n);
        const cproof = await consistencyProof(m, n, log.reader);
        expect(cproof.map(hex)).toEqual(refProof(m, log.leaves.slice(0, n)).map(hex));
        expect(verifyConsistency(m, n, cproof, await rootAt(m), await rootAt(n))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('tampering is detected', () => {
  it('flipping any bit of any inclusion proof element, or of the leaf or root, fails (property)', async () => {
    const log = await buildLogOfSize(1100);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 1100 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 7 }),
        async (n, seed, pick, byte, bit) => {
          const i = seed % n;
          const root = await storedTreeHash(n, log.reader);
          const proof = await inclusionProof(i, n, log.reader);
          const leaf = log.leaves[i]!;
          expect(verifyInclusion(i, n, leaf, flip(proof, pick % proof.length, byte, bit), root)).toBe(false);
          expect(verifyInclusion(i, n, flip([leaf], 0, byte, bit)[0]!, proof, root)).toBe(false);
          expect(verifyInclusion(i, n, leaf, proof, flip([root], 0, byte, bit)[0]!)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('flipping any bit of any consistency proof element, or of either root, fails (property)', async () => {
    const log = await buildLogOfSize(1100);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 1100 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 31 }),
        fc.integer({ min: 0, max: 7 }),
        async (n, seed, pick, byte, bit) => {
          const m = 1 + (seed % (n - 1)); // m < n: a non-trivial proof
          const r1 = await storedTreeHash(m, log.reader);
          const r2 = await storedTreeHash(n, log.reader);
          const proof = await consistencyProof(m, n, log.reader);
          expect(verifyConsistency(m, n, flip(proof, pick % proof.length, byte, bit), r1, r2)).toBe(false);
          expect(verifyConsistency(m, n, proof, flip([r1], 0, byte, bit)[0]!, r2)).toBe(false);
          expect(verifyConsistency(m, n, proof, r1, flip([r2], 0, byte, bit)[0]!)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a proof replayed for another index, size, or with elements reordered, added or dropped fails', async () => {
    const log = await buildLogOfSize(40);
    for (let n = 2; n <= 40; n++) {
      const root = refRoot(log.leaves.slice(0, n));
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(i, n, log.reader);
        const leaf = log.leaves[i]!;
        for (const j of [i - 1, i + 1, i ^ 2]) {
          if (j >= 0 && j < n) expect(inclusionHolds(j, n, leaf, proof, root)).toBe(false);
        }
        // Not n ± 1: leaf 0's path in sizes 3 and 4 has the same shape and, by design, the same
        // root arithmetic; an inclusion proof binds the root, and the checkpoint binds root to size.
        for (const size of [n * 2, Math.floor(n / 2)]) {
          if (size > i) expect(inclusionHolds(i, size, leaf, proof, root)).toBe(false);
        }
        expect(inclusionHolds(i, n, leaf, [...proof, root], root)).toBe(false);
        expect(inclusionHolds(i, n, leaf, [root, ...proof], root)).toBe(false);
        expect(inclusionHolds(i, n, leaf, proof.slice(1), root)).toBe(false);
        if (proof.length > 1 && hex(proof[0]!) !== hex(proof[1]!)) {
          expect(inclusionHolds(i, n, leaf, [proof[1]!, proof[0]!, ...proof.slice(2)], root)).toBe(false);
        }
      }
      for (let m = 1; m < n; m++) {
        const proof = await consistencyProof(m, n, log.reader);
        const r1 = refRoot(log.leaves.slice(0, m));
        expect(consistencyHolds(m, n, proof, r2Swap(root), root)).toBe(false);
        expect(consistencyHolds(m, n, proof, root, r1)).toBe(false);
        expect(consistencyHolds(m, n, [], r1, root)).toBe(false);
        expect(consistencyHolds(m, n, proof.slice(0, -1), r1, root)).toBe(false);
        expect(consistencyHolds(m, n, [...proof, r1], r1, root)).toBe(false);
        expect(consistencyHolds(m, n, [proof[0]!, ...proof], r1, root)).toBe(false);
        for (const size1 of [m - 1, m + 1, m ^ 2]) {
          if (size1 >= 1 && size1 < n && size1 !== m) {
            expect(consistencyHolds(size1, n, proof, r1, root)).toBe(false);
          }
        }
      }
    }
  });
});

/** A root that differs from `r`. */
function r2Swap(r: Uint8Array): Uint8Array {
  return flip([r], 0, 0, 0)[0]!;
}

describe('trivial cases and hostile arguments', () => {
  const h = leafHash(new Uint8Array([1]));

  it('size1 == size2 and size1 == 0', () => {
    expect(verifyConsistency(5, 5, [], h, h)).toBe(true);
    expect(verifyConsistency(5, 5, [], h, emptyTreeHash())).toBe(false);
    expect(verifyConsistency(0, 0, [], emptyTreeHash(), emptyTreeHash())).toBe(true);
    expect(verifyConsistency(0, 9, [], emptyTreeHash(), h)).toBe(true);
    // The empty tree has one root: anything else claimed for size 0 is a lie.
    expect(verifyConsistency(0, 9, [], h, h)).toBe(false);
    expect(code(() => verifyConsistency(5, 5, [h], h, h))).toBe('ledger.invalid_proof');
    expect(code(() => verifyConsistency(0, 3, [h], emptyTreeHash(), h))).toBe('ledger.invalid_proof');
    expect(verifyInclusion(0, 1, h, [], h)).toBe(true);
  });

  it.each([
    ['index == size', () => verifyInclusion(3, 3, h, [], h), 'ledger.out_of_range'],
    ['size 0', () => verifyInclusion(0, 0, h, [], h), 'ledger.out_of_range'],
    ['size1 > size2', () => verifyConsistency(3, 2, [], h, h), 'ledger.out_of_range'],
    ['negative index', () => verifyInclusion(-1, 3, h, [h, h], h), 'ledger.invalid_argument'],
    ['fractional size', () => verifyInclusion(0, 2.5, h, [h], h), 'ledger.invalid_argument'],
    ['size above the cap', () => verifyInclusion(0, MAX_TREE_SIZE + 1, h, [], h), 'ledger.invalid_argument'],
    ['short leaf hash', () => verifyInclusion(0, 2, new Uint8Array(31), [h], h), 'ledger.invalid_argument'],
    ['short root', () => verifyConsistency(1, 2, [h], h, new Uint8Array(0)), 'ledger.invalid_argument'],
    ['proof too long', () => verifyInclusion(0, 2, h, [h, h], h), 'ledger.invalid_proof'],
    ['proof too short', () => verifyInclusion(0, 3, h, [h], h), 'ledger.invalid_proof'],
    ['short proof element', () => verifyInclusion(0, 2, h, [new Uint8Array(33)], h), 'ledger.invalid_proof'],
    ['consistency proof empty', () => verifyConsistency(1, 2, [], h, h), 'ledger.invalid_proof'],
    [
      'not an array',
      () => verifyInclusion(0, 2, h, 'x' as unknown as Uint8Array[], h),
      'ledger.invalid_proof',
    ],
  ])('%s', (_name, fn, want) => {
    expect(code(fn)).toBe(want);
  });

  it('generation rejects impossible requests', async () => {
    const log = await buildLogOfSize(4);
    await expect(inclusionProof(4, 4, log.reader)).rejects.toMatchObject({ code: 'ledger.out_of_range' });
    await expect(consistencyProof(5, 4, log.reader)).rejects.toMatchObject({ code: 'ledger.out_of_range' });
    expect(await consistencyProof(0, 4, log.reader)).toEqual([]);
    expect(await consistencyProof(4, 4, log.reader)).toEqual([]);
  });

  it('proof sizes at the cap are computed exactly, without overflow', () => {
    expect(inclusionProofSize(0, MAX_TREE_SIZE)).toBe(52);
    expect(inclusionProofSize(MAX_TREE_SIZE - 1, MAX_TREE_SIZE)).toBe(52);
    expect(inclusionProofSize(MAX_TREE_SIZE - 1, MAX_TREE_SIZE - 1 + 1)).toBe(52);
    expect(consistencyProofSize(MAX_TREE_SIZE - 1, MAX_TREE_SIZE)).toBe(53);
    expect(consistencyProofSize(2 ** 51, MAX_TREE_SIZE)).toBe(1);
  });

  it('never throws anything but LedgerError, and never accepts garbage (property)', () => {
    const hash = fc.uint8Array({ minLength: 30, maxLength: 33 });
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 70 }),
        fc.integer({ min: -2, max: 70 }),
        hash,
        fc.array(hash, { maxLength: 9 }),
        hash,
        (a, b, leaf, proof, root) => {
          expect(inclusionHolds(a, b, leaf, proof, root)).toBe(false);
          // Roots drawn independently of leaves: only the trivial m == n, equal roots case holds.
          const ok = consistencyHolds(a, b, proof, leaf, root);
          if (ok) expect(a === b && hex(leaf) === hex(root)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
