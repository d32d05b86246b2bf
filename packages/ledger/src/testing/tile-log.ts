/**
 * Test-only: a published log built with the pure library (storedHashes, newTiles, readTileData,
 * encodeEntryBundle, signCheckpoint), as files in the C2SP tlog-tiles layout, in memory or on
 * disk. For fsck, proof-bundle and evidence-pack tests that must not wait for the sequencer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { utf8Encode } from '@synthguard/core';
import { signCheckpoint } from '../checkpoint.js';
import { encodeEntryBundle } from '../entry-bundle.js';
import type { TileReader } from '../evidence/tile-reader.js';
import { type HashReader, storedHashes, storedTreeHash } from '../merkle.js';
import { type NoteSigner, noteSigner } from '../note-keys.js';
import { TILE_WIDTH, entriesPath, newTiles, readTileData, tilePath } from '../tiles.js';

/** A fixed test signer (deterministic Ed25519 seed) for `origin`. */
export function buildTestSigner(origin = 'test.synthguard.example/log', tag = 7): NoteSigner {
  return noteSigner(
    origin,
    new Uint8Array(32).map((_, i) => (i * 31 + tag * 17) & 0xff),
  );
}

/** A published test log: its files by tlog-tiles path, and what was used to make them. */
export interface TileLog {
  readonly origin: string;
  readonly signer: NoteSigner;
  readonly entries: readonly Uint8Array[];
  /** `checkpoint`, `tile/...`, `tile/entries/...` → bytes (mutable: tests corrupt them). */
  readonly files: Map<string, Uint8Array>;
  /** The signed checkpoint note. */
  readonly checkpoint: string;
  readonly root: Uint8Array;
  readonly read: TileReader;
}

/** A JSON-ish record entry for leaf i (what the engine logs, in miniature). */
export function buildRecordEntry(i: number, tenant = 'tenant-a'): Uint8Array {
  return utf8Encode(
    `{"id":"rec-${i}","record":"${String(i).padStart(64, '0')}","tenant":"${tenant}","time":"2026-11-22T03:45:00.000Z","type":"content.labeled","v":1}`,
  );
}

/**
 * Builds the tiles, entry bundles and signed checkpoint of a log holding `entries`. With
 * `publishEvery`, tiles are written as a log publishing every that many entries would, so the
 * files include stale partial tiles (tlog-tiles keeps them) — readers must pick the right width.
 */
export async function buildTileLog(
  entries: readonly Uint8Array[],
  options: { origin?: string; signer?: NoteSigner; publishEvery?: number } = {},
): Promise<TileLog> {
  const origin = options.origin ?? 'test.synthguard.example/log';
  const signer = options.signer ?? buildTestSigner(origin);
  const stored: Uint8Array[] = [];
  const reader: HashReader = (indexes) => indexes.map((i) => stored[i]!);
  const files = new Map<string, Uint8Array>();
  const step = options.publishEvery ?? entries.length;
  let published = 0;
  for (let n = 0; n < entries.length; n++) {
    stored.push(...(await storedHashes(n, entries[n]!, reader)));
    if (n + 1 - published === step || n + 1 === entries.length) {
      for (const tile of newTiles(published, n + 1)) {
        files.set(tilePath(tile), await readTileData(tile, reader));
        if (tile.level === 0) {
          const start = tile.index * TILE_WIDTH;
          files.set(entriesPath(tile), encodeEntryBundle(entries.slice(start, start + tile.width)));
        }
      }
      published = n + 1;
    }
  }
  const root = await storedTreeHash(entries.length, reader);
  const checkpoint = signCheckpoint({ origin, size: entries.length, rootHash: root, extensions: [] }, [
    signer,
  ]);
  files.set('checkpoint', utf8Encode(checkpoint));
  return {
    origin,
    signer,
    entries,
    files,
    checkpoint,
    root,
    read: (path) => Promise.resolve(files.get(path)),
  };
}

/** Writes the files of a test log under `dir` (tlog-tiles layout, as fileTileStore would). */
export function writeTileLog(log: TileLog, dir: string): void {
  for (const [path, data] of log.files) {
    const file = join(dir, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
}
