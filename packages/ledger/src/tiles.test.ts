import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { storedHashCount, storedHashIndex, treeHash } from './merkle.js';
import { buildLogOfSize, hex } from './testing/merkle-reference.js';
import {
  type Tile,
  entriesPath,
  hashFromTile,
  newTiles,
  parseEntriesPath,
  parseTilePath,
  readTileData,
  tileForStoredIndex,
  tileHashes,
  tilePath,
  tilesForTreeSize,
} from './tiles.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'ok';
}

const tile = (level: number, index: number, width = 256): Tile => ({ level, index, width });

describe('tile paths (c2sp.org/tlog-tiles)', () => {
  it.each([
    // The spec's example: index 1234067 is x001/x234/067.
    ['tile/0/x001/x234/067', tile(0, 1234067)],
    ['tile/0/x001/x234/067.p/8', tile(0, 1234067, 8)],
    ['tile/0/000', tile(0, 0)],
    ['tile/0/000.p/1', tile(0, 0, 1)],
    ['tile/1/999.p/255', tile(1, 999, 255)],
    ['tile/2/x001/000', tile(2, 1000)],
    ['tile/63/000', tile(63, 0)],
    // Go sumdb/tlog's vectors, without its height element.
    ['tile/5/x123/x456/078', tile(5, 123456078)],
    ['tile/5/x123/x456/078.p/2', tile(5, 123456078, 2)],
    ['tile/1/x003/x057/500', tile(1, 3057500)],
    ['tile/0/x009/x007/x199/x254/x740/991', tile(0, Number.MAX_SAFE_INTEGER)],
  ])('%s', (path, want) => {
    expect(tilePath(want)).toBe(path);
    expect(parseTilePath(path)).toEqual(want);
  });

  it.each([
    ['tile/entries/x001/x234/067', { index: 1234067, width: 256 }],
    ['tile/entries/x001/x234/067.p/8', { index: 1234067, width: 8 }],
    ['tile/entries/000.p/255', { index: 0, width: 255 }],
  ])('%s', (path, want) => {
    expect(entriesPath(want)).toBe(path);
    expect(parseEntriesPath(path)).toEqual(want);
  });

  it.each([
    'tile/0/1234',
    'tile/0/01',
    'tile/0/0001',
    'tile/0/x001',
    'tile/0/001/002',
    'tile/0/x000/001',
    'tile/0/x0001/000',
    'tile/0/x1000/000',
    'tile/00/000',
    'tile/01/000',
    'tile/64/000',
    'tile/-1/000',
    'tile/+0/000',
    'tile/0/+00',
    'tile/0/ 00',
    'tile/0/000.p/256',
    'tile/0/000.p/0',
    'tile/0/000.p/008',
    'tile/0/000.p/',
    'tile/0/000.p',
    'tile/0/000.p/8/',
    'tile/0/000/',
    '/tile/0/000',
    'tile//000',
    'TILE/0/000',
    'tile/data/000',
    'tile/8/0/000', // Go's sumdb layout, with a height element
    'tile/entries/000',
    'tile/0/x009/x007/x199/x254/x740/992', // 2^53: not a safe integer
    'tile/0/x001/x001/x001/x001/x001/x001/001', // seven elements
    `tile/0/${'x000/'.repeat(20)}000`,
    'tile/0/٠٠٠',
    'tile/0/000\n',
    '',
  ])('rejects %j', (path) => {
    expect(code(() => parseTilePath(path))).toBe('ledger.invalid_path');
  });

  it.each([
    'tile/entries/1234',
    'tile/entries/x000/001',
    'tile/entries/000.p/256',
    'tile/entries/000.p/0',
    'tile/entries/',
    'tile/entries',
    'tile/0/000',
    'tile/entries/0/000',
  ])('rejects entries path %j', (path) => {
    expect(code(() => parseEntriesPath(path))).toBe('ledger.invalid_path');
  });

  const arbTile = fc.record({
    level: fc.integer({ min: 0, max: 63 }),
    index: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.maxSafeNat()),
    width: fc.integer({ min: 1, max: 256 }),
  });

  it('round-trips every tile and entry bundle (property)', () => {
    fc.assert(
      fc.property(arbTile, (t) => {
        expect(parseTilePath(tilePath(t))).toEqual(t);
        const bundle = { index: t.index, width: t.width };
        expect(parseEntriesPath(entriesPath(bundle))).toEqual(bundle);
      }),
      { numRuns: 2000 },
    );
  });

  it('hostile paths: parsed only when canonical, else ledger.invalid_path (property)', () => {
    const alphabet = fc.constantFrom(...'tile/entrsxp.0123456789-+ '.split(''));
    const check = (path: string) => {
      for (const parse of [parseTilePath, (p: string) => tilePath({ level: 0, ...parseEntriesPath(p) })]) {
        let parsed: string | undefined;
        try {
          const t = parse(path);
          parsed = typeof t === 'string' ? t.replace('tile/0/', 'tile/entries/') : tilePath(t);
        } catch (err) {
          if (err instanceof LedgerError && err.code === 'ledger.invalid_path') continue;
          throw err;
        }
        expect(parsed).toBe(path);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 80 }), check), { numRuns: 3000 });
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        check,
      ),
      {
        numRuns: 3000,
      },
    );
    fc.assert(
      fc.property(arbTile, fc.nat(), alphabet, (t, at, c) => {
        const path = tilePath(t);
        const i = at % path.length;
        check(path.slice(0, i) + c + path.slice(i + 1));
        check(path.slice(0, i) + path.slice(i + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('tilePath rejects impossible coordinates with ledger.invalid_tile', () => {
    for (const t of [tile(0, 0, 0), tile(0, 0, 257), tile(64, 0), tile(-1, 0), tile(0, -1), tile(0, 1.5)]) {
      expect(code(() => tilePath(t))).toBe('ledger.invalid_tile');
    }
  });
});

/** Naive: level l has floor(size / 256^l) hashes, so that many / 256 full tiles and a remainder. */
function naiveTiles(size: number): Tile[] {
  const out: Tile[] = [];
  for (let level = 0; Math.floor(size / 256 ** level) > 0; level++) {
    const count = Math.floor(size / 256 ** level);
    for (let n = 0; n < Math.floor(count / 256); n++) out.push(tile(level, n));
    if (count % 256 > 0) out.push(tile(level, Math.floor(count / 256), count % 256));
  }
  return out;
}

describe('which tiles a tree consists of', () => {
  it('the spec examples: sizes 70,000 and 256', () => {
    const tiles = tilesForTreeSize(70_000);
    expect(tiles.filter((t) => t.level === 0 && t.width === 256)).toHaveLength(273);
    expect(tiles.filter((t) => !(t.level === 0 && t.width === 256))).toEqual([
      tile(0, 273, 112),
      tile(1, 0),
      tile(1, 1, 17),
      tile(2, 0, 1),
    ]);
    expect(tilesForTreeSize(256)).toEqual([tile(0, 0), tile(1, 0, 1)]);
    expect(tilesForTreeSize(0)).toEqual([]);
  });

  it('matches the naive count per level (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 2 ** 24 })),
        (size) => {
          expect(tilesForTreeSize(size)).toEqual(naiveTiles(size));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('newTiles(old, new) is exactly the tiles of `new` that are not tiles of `old` (property)', () => {
    const key = (t: Tile) => tilePath(t);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 70_000 }), (a, d) => {
        const before = new Set(naiveTiles(a).map(key));
        const want = naiveTiles(a + d)
          .map(key)
          .filter((p) => !before.has(p));
        expect(newTiles(a, a + d).map(key)).toEqual(want);
      }),
      { numRuns: 300 },
    );
    expect(code(() => newTiles(5, 4))).toBe('ledger.invalid_argument');
  });
});

describe('tile data', () => {
  it('every tile of a 70,000-leaf tree follows the spec formula, and partial tiles extend', async () => {
    const size = 70_000;
    const log = await buildLogOfSize(size);
    const data = new Map<string, Uint8Array>();
    for (const t of tilesForTreeSize(size)) data.set(tilePath(t), await readTileData(t, log.reader));
    // Level 0 tiles are leaf hashes: tile n, hash i is D[n*256 + i].
    const t0 = data.get('tile/0/273.p/112')!;
    expect(t0.length).toBe(112 * 32);
    expect(hex(t0.subarray(111 * 32))).toBe(hex(log.leaves[273 * 256 + 111]!));
    // Level l, tile n, hash i = MTH(D[(n*256 + i) * 256^l : (n*256 + i + 1) * 256^l]).
    const t1 = tileHashes(tile(1, 1, 17), data.get('tile/1/001.p/17')!);
    for (const i of [0, 7, 16]) {
      const lo = (256 + i) * 256;
      expect(hex(t1[i]!)).toBe(hex(treeHash(log.leaves.slice(lo, lo + 256))));
    }
    const t2 = tileHashes(tile(2, 0, 1), data.get('tile/2/000.p/1')!);
    expect(hex(t2[0]!)).toBe(hex(treeHash(log.leaves.slice(0, 65536))));
    // A level-1 hash is the tile hash of the full level-0 tile below it.
    expect(hex(tileHashes(tile(1, 0), data.get('tile/1/000')!)[5]!)).toBe(
      hex(treeHash(tileHashes(tile(0, 5), data.get('tile/0/005')!))),
    );
    // A partial tile is a prefix of the later, wider tile.
    const narrower = await readTileData(tile(0, 273, 40), log.reader);
    expect(hex(narrower)).toBe(hex(t0.subarray(0, 40 * 32)));
  });

  it('hashFromTile reads back every stored hash of a 1,300-leaf tree, from the narrowest tile and the published one', async () => {
    const size = 1300;
    const log = await buildLogOfSize(size);
    const published = new Map(tilesForTreeSize(size).map((t) => [`${t.level}/${t.index}`, t]));
    for (let j = 0; j < storedHashCount(size); j++) {
      const { tile: t } = tileForStoredIndex(j);
      const want = hex(log.stored[j]!);
      expect(hex(hashFromTile(t, await readTileData(t, log.reader), j))).toBe(want);
      const wide = published.get(`${t.level}/${t.index}`)!;
      expect(wide.width).toBeGreaterThanOrEqual(t.width);
      expect(hex(hashFromTile(wide, await readTileData(wide, log.reader), j))).toBe(want);
    }
  });

  it('a stored hash between tile levels is recomputed from a run of tile hashes', () => {
    // (level 3, n 2): leaves 16..23, i.e. level-0 tile 0 hashes 16..23.
    expect(tileForStoredIndex(storedHashIndex(3, 2))).toEqual({
      tile: tile(0, 0, 24),
      start: 16 * 32,
      end: 24 * 32,
    });
    // (level 9, n 3): tile level 1 (tree level 8), hashes 6..7 of tile 0.
    expect(tileForStoredIndex(storedHashIndex(9, 3))).toEqual({
      tile: tile(1, 0, 8),
      start: 6 * 32,
      end: 8 * 32,
    });
    // (level 8, n 300): hash 44 of level-1 tile 1.
    expect(tileForStoredIndex(storedHashIndex(8, 300)).tile).toEqual(tile(1, 1, 45));
  });

  it('rejects tile data of the wrong length and tiles that do not hold the hash', async () => {
    const log = await buildLogOfSize(600);
    const t = tile(0, 1, 88);
    const data = await readTileData(t, log.reader);
    const j = storedHashIndex(0, 256 + 10);
    expect(hex(hashFromTile(t, data, j))).toBe(hex(log.leaves[266]!));
    expect(code(() => hashFromTile(t, data.subarray(1), j))).toBe('ledger.invalid_tile');
    expect(code(() => hashFromTile(t, new Uint8Array(89 * 32), j))).toBe('ledger.invalid_tile');
    expect(code(() => hashFromTile(tile(0, 1, 5), data.subarray(0, 5 * 32), j))).toBe('ledger.invalid_tile');
    expect(code(() => hashFromTile(tile(0, 0), new Uint8Array(8192), j))).toBe('ledger.invalid_tile');
    expect(code(() => hashFromTile(tile(1, 1, 88), data, j))).toBe('ledger.invalid_tile');
    expect(code(() => tileHashes(t, new Uint8Array(7)))).toBe('ledger.invalid_tile');
    await expect(readTileData(tile(0, 0, 0), log.reader)).rejects.toMatchObject({
      code: 'ledger.invalid_tile',
    });
  });
});
