import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import {
  MAX_TREE_SIZE,
  emptyTreeHash,
  leafHash,
  nodeHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  storedHashes,
  storedTreeHash,
  treeHash,
} from './merkle.js';
import {
  buildLeafData,
  buildLog,
  buildLogOfSize,
  hex,
  refLeafHash,
  refRoot,
  RFC6962_TEST_LEAVES,
} from './testing/merkle-reference.js';

// RFC 6962 test vectors as published by transparency-dev/merkle (testonly/constants.go):
// leaf inputs, the root for each size 0..8, and every complete subtree hash by [level][n].
const CT_LEAVES = RFC6962_TEST_LEAVES;
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
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

async function codeAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('RFC 6962 hashing: known answers', () => {
  it('empty tree, leaf and node hashes', () => {
    expect(hex(emptyTreeHash())).toBe(CT_ROOTS[0]);
    expect(hex(leafHash(CT_LEAVES[0]!))).toBe(CT_ROOTS[1]);
    expect(hex(nodeHash(leafHash(CT_LEAVES[0]!), leafHash(CT_LEAVES[1]!)))).toBe(CT_ROOTS[2]);
  });

  it('treeHash and storedTreeHash give the published root for every size 0..8', async () => {
    const leaves = CT_LEAVES.map(leafHash);
    const log = await buildLogFromData(CT_LEAVES);
    for (let n = 0; n <= 8; n++) {
      expect(hex(treeHash(leaves.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
      expect(hex(await storedTreeHash(n, log.reader)), `stored size ${n}`).toBe(CT_ROOTS[n]);
    }
  });

  it('stores every complete subtree hash at storedHashIndex(level, n)', async () => {
    const log = await buildLogFromData(CT_LEAVES);
    expect(log.stored.length).toBe(15);
    CT_NODES.forEach((row, level) => {
      row.forEach((h, n) => {
        expect(hex(log.stored[storedHashIndex(level, n)]!), `(${level}, ${n})`).toBe(h);
      });
    });
  });

  it('uses the Go sumdb/tlog stored-hash order', () => {
    // Index: 0=(0,0) 1=(0,1) 2=(1,0) 3=(0,2) 4=(0,3) 5=(1,1) 6=(2,0) 7=(0,4) ... 14=(3,0)
    const order = [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 3],
      [1, 1],
      [2, 0],
      [0, 4],
    ];
    order.forEach(([level, n], index) => {
      expect(storedHashIndex(level!, n!)).toBe(index);
      expect(splitStoredHashIndex(index)).toEqual({ level, n });
    });
    expect(storedHashIndex(3, 0)).toBe(14);
  });
});

async function buildLogFromData(data: readonly Uint8Array[]) {
  const log = buildLog();
  for (const d of data) await log.append(d);
  return log;
}

describe('stored hashes against the naive reference', () => {
  it('every size up to 700: count, root from stored hashes, root from treeHash', async () => {
    const log = await buildLogOfSize(700);
    for (let n = 0; n <= 700; n++) {
      const want = hex(refRoot(log.leaves.slice(0, n)));
      expect(hex(await storedTreeHash(n, log.reader))).toBe(want);
      expect(hex(treeHash(log.leaves.slice(0, n)))).toBe(want);
    }
    // The log only ever appends: after leaf n it holds exactly storedHashCount(n + 1) hashes.
    const again = await buildLogOfSize(0);
    for (let n = 0; n < 300; n++) {
      await again.append(buildLeafData(n));
      expect(again.stored.length).toBe(storedHashCount(n + 1));
    }
  });

  it('random sizes up to 3000 (property)', async () => {
    const log = await buildLogOfSize(3000);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3000 }), async (n) => {
        expect(hex(await storedTreeHash(n, log.reader))).toBe(hex(refRoot(log.leaves.slice(0, n))));
      }),
      { numRuns: 60 },
    );
  });

  it('treeHash equals the recursive MTH for random leaf lists (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 300 }), (data) => {
        const leaves = data.map(refLeafHash);
        expect(hex(treeHash(leaves))).toBe(hex(refRoot(leaves)));
      }),
      { numRuns: 200 },
    );
  });

  it('splitStoredHashIndex inverts storedHashIndex (property), also near the cap', () => {
    for (let i = 0; i < 5000; i++) {
      const { level, n } = splitStoredHashIndex(i);
      expect(storedHashIndex(level, n)).toBe(i);
    }
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 52 }),
        fc.integer({ min: 0, max: MAX_TREE_SIZE - 1 }),
        (level, m) => {
          const n = Math.floor(m / 2 ** level);
          const index = storedHashIndex(level, n);
          expect(Number.isSafeInteger(index)).toBe(true);
          expect(splitStoredHashIndex(index)).toEqual({ level, n });
        },
      ),
      { numRuns: 2000 },
    );
    expect(storedHashCount(MAX_TREE_SIZE)).toBe(Number.MAX_SAFE_INTEGER);
    expect(storedHashIndex(52, 0)).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
});

describe('hostile arguments', () => {
  it.each([
    ['negative n', () => storedHashIndex(0, -1)],
    ['fractional n', () => storedHashIndex(0, 1.5)],
    ['NaN level', () => storedHashIndex(Number.NaN, 0)],
    ['level 64', () => storedHashIndex(64, 0)],
    ['size above the cap', () => storedHashCount(MAX_TREE_SIZE + 1)],
    ['index beyond the cap', () => splitStoredHashIndex(Number.MAX_SAFE_INTEGER)],
    ['a short leaf hash', () => treeHash([new Uint8Array(31)])],
  ])('%s -> ledger.invalid_argument', (_name, fn) => {
    expect(code(fn)).toBe('ledger.invalid_argument');
  });

  it('a subtree beyond the largest tree is out of range', () => {
    expect(code(() => storedHashIndex(53, 0))).toBe('ledger.out_of_range');
    expect(code(() => storedHashIndex(1, MAX_TREE_SIZE / 2))).toBe('ledger.out_of_range');
  });

  it('a reader that returns too few or malformed hashes gives ledger.read_failed', async () => {
    const log = await buildLogOfSize(7);
    const short = () => [] as Uint8Array[];
    const bad = (indexes: readonly number[]) => indexes.map(() => new Uint8Array(16));
    expect(await codeAsync(() => storedTreeHash(7, short))).toBe('ledger.read_failed');
    expect(await codeAsync(() => storedTreeHash(7, bad))).toBe('ledger.read_failed');
    expect(await codeAsync(() => storedHashes(7, new Uint8Array(), short))).toBe('ledger.read_failed');
    // Leaf 7 completes three subtrees: it reads the three left siblings.
    const asked: number[][] = [];
    await storedHashes(7, new Uint8Array(), (ix) => {
      asked.push([...ix]);
      return log.reader(ix);
    });
    expect(asked).toEqual([[storedHashIndex(2, 0), storedHashIndex(1, 2), storedHashIndex(0, 6)]]);
  });
});
