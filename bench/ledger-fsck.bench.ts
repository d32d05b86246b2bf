/**
 * `fsckLog` over a whole log on disk («03 The ledger», Measure: full fsck time for 1M and 10M
 * entries). The tile tree is built once per size straight from the pure library's layout (small
 * 16-byte entries, RFC 6962 hashes, C2SP tlog-tiles paths, files written directly, no
 * sequencer) into a cache under the system temp directory, reused by later runs.
 *
 * Baselines, same run: reading every file of the tree and hashing all its bytes with one
 * SHA-256 (the I/O plus the cheapest possible integrity check), and the Merkle floor: the leaf
 * and node hash calls alone, in memory (what any full RFC 6962 check must compute).
 */
import { createHash, hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  HASH_SIZE,
  TILE_WIDTH,
  directoryTileReader,
  encodeEntryBundle,
  entriesPath,
  fsckLog,
  fsckTotal,
  generateNoteKey,
  parseSignerKey,
  signCheckpoint,
  storedTreeHash,
  tileHashReader,
  tilePath,
} from '@synthguard/ledger';
import type { BenchCase, Comparison, Suite } from './harness.js';

const ORIGIN = 'bench.synthguard.example/ledger';
const ENTRY_SIZE = 16;
const FORMAT = 'v1'; // bump when the generated layout changes

/** Entry i: its index as 8 bytes big-endian, then 8 fixed bytes. */
function entry(i: number, out: Buffer): Buffer {
  out.writeUInt32BE(Math.floor(i / 2 ** 32), 0);
  out.writeUInt32BE(i >>> 0, 4);
  out.fill(0xa5, 8, ENTRY_SIZE);
  return out;
}

const leafScratch = Buffer.alloc(1 + ENTRY_SIZE);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);

function leaf(e: Buffer): Buffer {
  leafScratch[0] = 0;
  e.copy(leafScratch, 1);
  return hash('sha256', leafScratch, 'buffer');
}

/** Root of the 2^k hashes in `hashes`, computed in place. */
function subtreeRoot(hashes: Buffer): Buffer {
  for (let n = hashes.length / HASH_SIZE; n > 1; n /= 2) {
    for (let i = 0; i < n / 2; i++) {
      hashes.copy(nodeScratch, 1, 2 * i * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
      hash('sha256', nodeScratch, 'buffer').copy(hashes, i * HASH_SIZE);
    }
  }
  return hashes.subarray(0, HASH_SIZE);
}

interface BuiltLog {
  dir: string;
  verifierKey: string;
  bytes: number;
  files: string[];
}

/** Builds (or reuses) the published log of `size` entries under the temp directory. */
async function buildLog(size: number): Promise<BuiltLog> {
  const dir = join(tmpdir(), `synthguard-bench-fsck-${FORMAT}-${size}`);
  const marker = join(dir, 'bench-log.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as BuiltLog;
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  process.stderr.write(`  building a ${size.toLocaleString('en-US')}-entry log in ${dir} ...`);
  const files: string[] = [];
  let bytes = 0;
  let lastDir = '';
  const write = (path: string, data: Uint8Array): void => {
    const file = join(dir, ...path.split('/'));
    if (dirname(file) !== lastDir) {
      lastDir = dirname(file);
      mkdirSync(lastDir, { recursive: true });
    }
    writeFileSync(file, data);
    files.push(path);
    bytes += data.length;
  };
  // pending[L]: hashes of level L not yet written in a full tile; counts[L]: full tiles written.
  const pending: Buffer[][] = [[]];
  const counts: number[] = [];
  const push = (level: number, h: Buffer): void => {
    const list = (pending[level] ??= []);
    list.push(h);
    if (list.length === TILE_WIDTH) {
      const data = Buffer.concat(list);
      write(tilePath({ level, index: counts[level] ?? 0, width: TILE_WIDTH }), data);
      counts[level] = (counts[level] ?? 0) + 1;
      pending[level] = [];
      push(level + 1, Buffer.from(subtreeRoot(Buffer.from(data))));
    }
  };
  const e = Buffer.alloc(ENTRY_SIZE);
  for (let start = 0; start < size; start += TILE_WIDTH) {
    const width = Math.min(TILE_WIDTH, size - start);
    const entries: Uint8Array[] = [];
    const leaves = Buffer.alloc(width * HASH_SIZE);
    for (let i = 0; i < width; i++) {
      entry(start + i, e);
      entries.push(Buffer.from(e));
      leaf(e).copy(leaves, i * HASH_SIZE);
    }
    const index = start / TILE_WIDTH;
    write(entriesPath({ index, width }), encodeEntryBundle(entries));
    write(tilePath({ level: 0, index, width }), leaves);
    if (width === TILE_WIDTH) push(1, Buffer.from(subtreeRoot(Buffer.from(leaves))));
  }
  // The partial tiles of levels >= 1.
  for (let level = 1; level < pending.length; level++) {
    const list = pending[level] ?? [];
    if (list.length > 0) {
      write(tilePath({ level, index: counts[level] ?? 0, width: list.length }), Buffer.concat(list));
    }
  }
  const root = await storedTreeHash(size, tileHashReader(directoryTileReader(dir), size));
  const keys = generateNoteKey(ORIGIN);
  const note = signCheckpoint({ origin: ORIGIN, size, rootHash: root, extensions: [] }, [
    parseSignerKey(keys.signerKey),
  ]);
  write('checkpoint', Buffer.from(note));
  const built: BuiltLog = { dir, verifierKey: keys.verifierKey, bytes, files };
  writeFileSync(marker, JSON.stringify(built));
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return built;
}

/** Reads every file of the log and hashes all bytes with one SHA-256 (the I/O + hash baseline). */
async function sha256All(log: BuiltLog): Promise<void> {
  const h = createHash('sha256');
  const reads: Promise<void>[] = [];
  const one = (path: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createReadStream(join(log.dir, ...path.split('/')));
      s.on('data', (chunk) => h.update(chunk));
      s.on('end', resolve);
      s.on('error', reject);
    });
  // The same read-ahead as fsck (32 level-0 tile/bundle pairs in flight).
  for (const path of log.files) {
    reads.push(one(path));
    if (reads.length >= 64) await reads.shift();
  }
  await Promise.all(reads);
  h.digest();
}

/** The hash calls alone: every leaf hash and every node hash of the full tiles, in memory. */
function merkleFloor(size: number): void {
  const e = Buffer.alloc(ENTRY_SIZE);
  const leaves = Buffer.alloc(TILE_WIDTH * HASH_SIZE);
  for (let start = 0; start < size; start += TILE_WIDTH) {
    const width = Math.min(TILE_WIDTH, size - start);
    for (let i = 0; i < width; i++) leaf(entry(start + i, e)).copy(leaves, i * HASH_SIZE);
    if (width === TILE_WIDTH) subtreeRoot(leaves);
  }
}

export const ledgerFsckSuite: Suite = {
  name: 'ledger fsck',
  async setup(options) {
    const sizes = options.quick ? [1_000_000] : [1_000_000, 10_000_000];
    const cases: BenchCase[] = [];
    const comparisons: Comparison[] = [];
    const notes: string[] = [
      `Entries are ${ENTRY_SIZE} bytes; the trees are cached in ${tmpdir()}/synthguard-bench-fsck-${FORMAT}-<size> (delete to rebuild).`,
    ];
    for (const size of sizes) {
      const log = await buildLog(size);
      const name = size === 1_000_000 ? '1m' : `${size / 1_000_000}m`;
      // Seconds per call: one untimed call (warm-up) then a fixed number of timed ones. The
      // no-op beforeEach makes every sample one call (the harness batches only calls without one).
      const samples = { warmupMs: 0, warmupMin: 0, timeMs: 0, minSamples: options.quick ? 1 : 3 };
      const beforeEach = (): void => undefined;
      let peakHeap = 0;
      let peakRss = 0;
      const memoryNote = notes.push('') - 1; // filled in by the runs (notes print after the tables)
      cases.push({
        name: `fsck.${name}`,
        title: `fsckLog, ${size.toLocaleString('en-US')} entries (${fsckTotal(size).toLocaleString('en-US')} files)`,
        bytes: log.bytes,
        budget: samples,
        beforeEach,
        fn: async () => {
          const report = await fsckLog(directoryTileReader(log.dir), {
            verifierKeys: [log.verifierKey],
            origin: ORIGIN,
            onProgress: (done) => {
              if (done % 2048 === 0) {
                const m = process.memoryUsage();
                peakHeap = Math.max(peakHeap, m.heapUsed);
                peakRss = Math.max(peakRss, m.rss);
              }
            },
          });
          if (!report.ok || report.entries !== size) {
            throw new Error(`fsck failed: ${JSON.stringify(report.failure)}`);
          }
          notes[memoryNote] =
            `${name}: peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB ` +
            'during fsck (sampled every 2,048 files; the process holds the other cases too).';
        },
      });
      cases.push({
        name: `fsck.${name}.sha256`,
        title: `read + one SHA-256 over the same files, ${name}`,
        bytes: log.bytes,
        budget: samples,
        beforeEach,
        fn: () => sha256All(log),
      });
      cases.push({
        name: `fsck.${name}.merkle-floor`,
        title: `leaf + node hash calls alone (in memory), ${name}`,
        budget: samples,
        beforeEach,
        fn: () => {
          merkleFloor(size);
        },
      });
      comparisons.push(
        {
          subject: `fsck.${name}`,
          baseline: `fsck.${name}.sha256`,
          note: 'same bytes read; the baseline checks nothing (one hash over all)',
        },
        {
          subject: `fsck.${name}`,
          baseline: `fsck.${name}.merkle-floor`,
          note: 'the SHA-256 calls any full RFC 6962 check makes, no I/O',
        },
      );
      notes.push(
        `${name}: ${log.files.length.toLocaleString('en-US')} files, ${(log.bytes / 1e6).toFixed(0)} MB on disk.`,
      );
    }
    return { cases, comparisons, notes };
  },
};
