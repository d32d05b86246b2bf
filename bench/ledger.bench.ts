/**
 * Benchmark of the running log («03 The ledger», Measure): durable appends per second on the
 * embedded file journal (group commit), integration latency (append → integrated()) under
 * sustained load, and inclusion proof time at a 1M-leaf tree (70,000 with --quick).
 *
 * Baselines, same run: the same journal frames written with one write + fdatasync per append
 * (what a log without group commit pays), and with one write + one fdatasync for the whole batch
 * (the raw I/O floor of group commit); for proofs, verifying the proof (the client's side).
 *
 *   npm run bench -- --filter '^ledger\.'
 *   node --conditions=source --expose-gc --import tsx bench/ledger.bench.ts [--quick]
 */
import { type FileHandle, open } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import {
  HASH_SIZE,
  TILE_WIDTH,
  type Log,
  encodeEntryBundle,
  entriesPath,
  hashFromTile,
  leafHash,
  noteSigner,
  openLog,
  signCheckpoint,
  storedTreeHash,
  tileForStoredIndex,
  tileHashes,
  tilePath,
  treeHash,
  verifyInclusion,
} from '@synthguard/ledger';
import {
  type BenchCase,
  type Comparison,
  type Suite,
  type SuitePlan,
  quantile,
  runSuites,
} from './harness.js';

const ORIGIN = 'bench.synthguard.example/ledger';
const SIGNER = noteSigner(ORIGIN, new Uint8Array(32).fill(3));
const CONCURRENCY = 1000;

/** A leaf like the engine's: ~280 bytes of canonical JSON. */
function buildRecord(i: number): Uint8Array {
  const hex = createHash('sha256').update(String(i)).digest('hex');
  return new TextEncoder().encode(
    `{"content":"${hex}","facts":{"format":"image/jpeg"},"id":"01JBENCH${String(i).padStart(18, '0')}",` +
      `"record":"${hex}","tenant":"t-bench","time":"2026-11-22T03:45:00.123Z","type":"content.labeled","v":1}`,
  );
}

/** Journal frames (journal.ts layout; the CRC is irrelevant to the I/O cost) for the baselines. */
function frames(entries: readonly Uint8Array[]): Buffer[] {
  return entries.map((e) => {
    const f = Buffer.alloc(16 + e.length);
    f.writeUInt32BE(e.length, 0);
    f.set(e, 16);
    return f;
  });
}

/**
 * Writes the tiles, entry bundles and signed checkpoint of a `size`-leaf tree straight into
 * `dir` (setup, not measured: plain writes, no fsync). Level-L tile hash i is the root of the
 * full level-(L-1) tile i (tlog-tiles).
 */
async function buildTree(dir: string, size: number): Promise<void> {
  const put = (path: string, data: Uint8Array): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  };
  const tiles = new Map<string, Uint8Array>(); // "L/N" -> full or right-edge tile bytes
  let level = 0;
  let hashes = Buffer.alloc(size * HASH_SIZE);
  for (let b = 0; b * TILE_WIDTH < size; b++) {
    const entries = [];
    for (let i = b * TILE_WIDTH; i < Math.min(size, (b + 1) * TILE_WIDTH); i++) {
      const e = buildRecord(i);
      entries.push(e);
      hashes.set(leafHash(e), i * HASH_SIZE);
    }
    put(entriesPath({ index: b, width: entries.length }), encodeEntryBundle(entries));
  }
  for (;;) {
    const count = hashes.length / HASH_SIZE;
    if (count === 0) break;
    const next = Buffer.alloc(Math.floor(count / TILE_WIDTH) * HASH_SIZE);
    for (let n = 0; n * TILE_WIDTH < count; n++) {
      const data = hashes.subarray(
        n * TILE_WIDTH * HASH_SIZE,
        Math.min(count, (n + 1) * TILE_WIDTH) * HASH_SIZE,
      );
      const tile = { level, index: n, width: data.length / HASH_SIZE };
      put(tilePath(tile), data);
      tiles.set(`${level}/${n}`, data);
      if (tile.width === TILE_WIDTH) {
        next.set(treeHash(tileHashes(tile, data)), n * HASH_SIZE); // 256 hashes: a perfect subtree
      }
    }
    hashes = next;
    level++;
  }
  const root = await storedTreeHash(size, (indexes) =>
    indexes.map((index) => {
      const { tile } = tileForStoredIndex(index);
      const data = tiles.get(`${tile.level}/${tile.index}`)!;
      return hashFromTile({ ...tile, width: data.length / HASH_SIZE }, data, index);
    }),
  );
  put(
    'checkpoint',
    new TextEncoder().encode(
      signCheckpoint({ origin: ORIGIN, size, rootHash: root, extensions: [] }, [SIGNER]),
    ),
  );
}

/**
 * Sustained load, open loop: appenders append back to back for `ms`; each acknowledged append is
 * timed (from the call) until integrated() resolves, without holding its appender back.
 */
async function integrationLatency(
  log: Log,
  ms: number,
): Promise<{ p50: number; p99: number; max: number; rate: number }> {
  const latencies: number[] = [];
  const waits: Promise<void>[] = [];
  const stop = performance.now() + ms;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < stop) {
        const t0 = performance.now();
        const { index } = await log.append(buildRecord(n++));
        waits.push(
          log.integrated(index).then(() => {
            latencies.push(performance.now() - t0);
          }),
        );
      }
    }),
  );
  const rate = n / ((performance.now() - start) / 1000);
  await Promise.all(waits);
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    rate,
  };
}

export const ledgerSuite: Suite = {
  name: 'ledger: running log (journal group commit, integration, proofs)',
  async setup(options): Promise<SuitePlan> {
    const root = mkdtempSync(join(tmpdir(), 'synthguard-bench-ledger-'));
    const notes: string[] = [];
    const cases: BenchCase[] = [];
    const comparisons: Comparison[] = [];

    // --- Durable appends
    const log = await openLog({ dir: join(root, 'append'), origin: ORIGIN, signer: SIGNER });
    const batch = Array.from({ length: CONCURRENCY }, (_, i) => buildRecord(i));
    const batchFrames = frames(batch);
    const batchBytes = Buffer.concat(batchFrames);
    const raw: FileHandle = await open(join(root, 'raw.wal'), 'w');
    cases.push(
      {
        name: 'ledger.append.concurrent',
        title: `${CONCURRENCY} concurrent log.append (group commit)`,
        bytes: batchBytes.length,
        fn: () => Promise.all(batch.map((e) => log.append(e))),
      },
      {
        name: 'ledger.append.fsync-each',
        title: `${CONCURRENCY} frames, write + fdatasync each (raw fs)`,
        bytes: batchBytes.length,
        fn: async () => {
          for (const f of batchFrames) {
            await raw.write(f);
            await raw.datasync();
          }
        },
        budget: { minSamples: 3 },
      },
      {
        name: 'ledger.append.raw-batch',
        title: `${CONCURRENCY} frames, one write + one fdatasync (raw fs)`,
        bytes: batchBytes.length,
        fn: async () => {
          await raw.write(batchBytes);
          await raw.datasync();
        },
      },
    );
    comparisons.push(
      {
        subject: 'ledger.append.concurrent',
        baseline: 'ledger.append.fsync-each',
        note: 'group commit vs an fsync per append',
      },
      {
        subject: 'ledger.append.concurrent',
        baseline: 'ledger.append.raw-batch',
        note: 'the log over the raw I/O floor',
      },
    );
    notes.push(
      `durable appends/s = ${CONCURRENCY} / median of "${CONCURRENCY} concurrent log.append"; entries are ${batch[0]!.length}-byte records; integration runs in the background (every 200 ms)`,
    );

    // --- Integration latency under sustained load (reported here, not a harness case)
    const latencyLog = await openLog({ dir: join(root, 'latency'), origin: ORIGIN, signer: SIGNER });
    const lat = await integrationLatency(latencyLog, options.quick ? 1000 : 5000);
    await latencyLog.close();
    notes.push(
      `integration latency (append → integrated(), ${CONCURRENCY} appenders, ${options.quick ? 1 : 5} s sustained, integrateIntervalMs 200): ` +
        `p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms, max ${lat.max.toFixed(0)} ms, while appending ${Math.round(lat.rate).toLocaleString('en-US')} records/s (buildRecord included)`,
    );

    // --- Inclusion proofs at a large tree
    const size = options.quick ? 70_000 : 1_000_000;
    const t0 = performance.now();
    const treeDir = join(root, 'tree');
    await buildTree(treeDir, size);
    const big = await openLog({ dir: treeDir, origin: ORIGIN, signer: SIGNER });
    notes.push(
      `proof tree: ${size.toLocaleString('en-US')} leaves built directly as tiles in ${((performance.now() - t0) / 1000).toFixed(1)} s (setup); openLog verified its root from the tiles`,
    );
    let k = 0;
    const pick = (): number => (k = (k * 1_103_515_245 + 12_345) % 2 ** 31) % size;
    const cp = big.checkpoint();
    const sample = pick();
    const sampleProof = await big.inclusionProof(sample, size);
    const sampleLeaf = leafHash(await big.entry(sample));
    cases.push(
      {
        name: 'ledger.proof.inclusion',
        title: `log.inclusionProof, random leaf of ${size.toLocaleString('en-US')}`,
        fn: () => big.inclusionProof(pick(), size),
      },
      {
        name: 'ledger.proof.verify',
        title: `verifyInclusion of one proof (${sampleProof.length} hashes)`,
        fn: () => verifyInclusion(sample, size, sampleLeaf, sampleProof, cp.root),
      },
    );
    comparisons.push({
      subject: 'ledger.proof.inclusion',
      baseline: 'ledger.proof.verify',
      note: 'serving a proof (tile reads, LRU of 1,024 tiles) vs checking it',
    });

    return {
      cases,
      comparisons,
      notes,
      close: async () => {
        await log.close();
        await big.close();
        await raw.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  },
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSuites([ledgerSuite], process.argv.slice(2));
}
