/**
 * Archiving and pruning old entry bundles (C2SP tlog-tiles "Pruning"; «03 The ledger», point 7:
 * "old tiles are archived and pruned only after export").
 *
 * - `archiveEntries` copies every full entry bundle below `below` (a multiple of 256), every hash
 *   tile of the checkpoint's tree and the signed checkpoint into a directory in the tlog-tiles
 *   layout, with `manifest.json` (SHA-256 and size of each file). The archive verifies offline:
 *   `verifyArchive` checks the manifest and runs fsck over the archive (bundles below `below`
 *   required, later ones not), so it proves its entries against the signed checkpoint on its own.
 * - `pruneEntries` refuses unless the archive verifies, its checkpoint is on the live log's
 *   history (its root rebuilt from the live tiles) and every archived bundle hashes to the live
 *   level-0 tile; optionally unless every entry to prune is older than `retainAfter`. It then
 *   writes the prune mark (`pruned.json`: the log's minimum index) FIRST, durably, and only then
 *   removes the entry bundles below it, and partial tiles and bundles superseded by full ones
 *   (tlog-tiles: "MAY delete any partial tile once the corresponding full tile is available").
 *   A crash in between leaves bundles the mark allows to be gone: fsck and the log accept both.
 *
 * Hash tiles are never pruned: every root, inclusion and consistency proof stays available
 * (stronger than tlog-tiles requires); only the entries below the minimum index are gone, and the
 * log answers `ledger.pruned` (HTTP 410) for them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Checkpoint, openCheckpoint, parseCheckpoint } from '../checkpoint.js';
import { checkBundleAgainstTile, parseEntryBundle } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { storedTreeHash } from '../merkle.js';
import { type NoteVerifier, parseVerifierKey } from '../note-keys.js';
import { openNote } from '../note.js';
import {
  TILE_HEIGHT,
  TILE_WIDTH,
  entriesPath,
  parseEntriesPath,
  parseTilePath,
  tilePath,
  tilesForTreeSize,
} from '../tiles.js';
import { DurableDirs, errnoOf, storageError, writeFileDurable } from '../log/durable-fs.js';
import { lockLogDir } from '../log/lock.js';
import { readPruneMark, writePruneMark } from '../log/prune-mark.js';
import { CHECKPOINT_PATH, type TileStore, fileTileStore } from '../log/tile-store.js';
import { fsckLog } from './fsck.js';
import { type TileReader, checkLogPath, directoryTileReader, tileHashReader } from './tile-reader.js';

/** The archive's manifest file. */
export const ARCHIVE_MANIFEST = 'manifest.json';
/** The manifest's `format`. */
export const ARCHIVE_FORMAT = 'synthguard-ledger-archive/v1';
/** Largest manifest read (a 100M-entry log's archive lists ~800k files). */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const COPY_CONCURRENCY = 16;

export interface ArchiveFile {
  /** tlog-tiles path: `checkpoint`, `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>`. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the file. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface ArchiveManifest {
  readonly format: typeof ARCHIVE_FORMAT;
  readonly origin: string;
  /** The archived checkpoint's tree size and root (base64). */
  readonly size: number;
  readonly root: string;
  /** The archive holds every entry bundle below this index (a multiple of 256). */
  readonly below: number;
  /** The log verifier keys given when archiving (for information: verifiers pass their own). */
  readonly verifierKeys: readonly string[];
  readonly createdAt: string;
  readonly files: readonly ArchiveFile[];
}

export interface ArchiveSummary {
  readonly dir: string;
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly below: number;
  /** Entry bundles and hash tiles in the archive. */
  readonly bundles: number;
  readonly tiles: number;
  readonly bytes: number;
  /** Hex SHA-256 of manifest.json: names this archive in the prune mark. */
  readonly manifestSha256: string;
}

export interface ArchiveEntriesOptions {
  /** The live log (`directoryTileReader(dir)`, a running Log's `read`, `httpTileReader(url)`). */
  readonly read: TileReader;
  /** The signed checkpoint to archive against (default: the log's current `checkpoint`). */
  readonly checkpoint?: string | Uint8Array;
  /** The log's verifier keys. */
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  /** The log's origin; when given, a checkpoint of another log is refused. */
  readonly origin?: string;
  /** Archive every entry bundle below this index: a multiple of 256, 256 .. checkpoint size. */
  readonly below: number;
  /** The archive directory: created; must be absent or empty. */
  readonly out: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** The clock, for `createdAt` (default: now). */
  readonly now?: () => Date;
}

export interface VerifyArchiveOptions {
  /** The log's verifier keys (the archive's own copy is not trusted). */
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  readonly origin?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PruneEntriesOptions {
  /** The log directory: its lock is taken (the log must be closed) and the prune mark written here. */
  readonly dir: string;
  /** Where the log's tiles and bundles live (default: fileTileStore(dir)). */
  readonly store?: TileStore;
  /** A directory written by archiveEntries. */
  readonly archiveDir: string;
  /** The new minimum index (default: the archive's `below`); at most the archive's `below`. */
  readonly below?: number;
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  readonly origin?: string;
  /**
   * Retention guard: refuse unless every entry to prune is a JSON object whose `time` (ISO 8601)
   * is before this instant (our leaves are canonical JSON records with `time`).
   */
  readonly retainAfter?: Date;
  /** Progress by phase: verifying the archive, checking it against the log, removing files. */
  readonly onProgress?: (phase: 'verify' | 'check' | 'remove', done: number, total: number) => void;
  readonly now?: () => Date;
}

export interface PruneOutcome {
  /** The minimum index now in force, and before. */
  readonly minimumIndex: number;
  readonly previous: number;
  /** Full entry bundles removed (absent ones not counted), superseded partial files removed. */
  readonly bundlesRemoved: number;
  readonly partialsRemoved: number;
  readonly archive: ArchiveSummary;
}

function invalidArgument(message: string, field: string): LedgerError {
  return new LedgerError('ledger.invalid_argument', message, { details: { field } });
}

function archiveInvalid(file: string, problem: string, message: string, cause?: unknown): LedgerError {
  return new LedgerError('ledger.archive_invalid', `The archive does not verify: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { file, problem },
  });
}

function pruneRefused(problem: string, message: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError('ledger.prune_refused', message, { details: { problem, ...details } });
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseKeys(keys: readonly (string | NoteVerifier)[]): NoteVerifier[] {
  const known = keys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  if (known.length === 0) {
    throw new LedgerError('ledger.unknown_key', 'No log verifier key given: pass the log key.', {
      details: { signatures: 0 },
    });
  }
  return known;
}

function openWithKeys(data: Uint8Array, known: NoteVerifier[], origin: string | undefined): Checkpoint {
  if (origin !== undefined) return openCheckpoint(data, origin, known).checkpoint;
  return parseCheckpoint(openNote(data, known).text);
}

/** Runs `fn` over 0..count-1 with at most `limit` at a time; rejects with the first failure. */
async function forEachIndex(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

function checkBelow(below: number, size: number, field: string): void {
  if (!Number.isSafeInteger(below) || below < TILE_WIDTH || below % TILE_WIDTH !== 0) {
    throw invalidArgument(`${field} must be a positive multiple of 256 (whole entry bundles).`, field);
  }
  if (below > size) {
    throw new LedgerError('ledger.out_of_range', `${field} is beyond the checkpoint's tree size.`, {
      details: { [field]: below, size },
    });
  }
}

/**
 * Writes the archive of the entries below `below` (see the file comment) and verifies it before
 * returning. Throws `ledger.invalid_argument` (below, a non-empty `out`), `ledger.out_of_range`
 * (below beyond the checkpoint), checkpoint errors (`ledger.unknown_key`, `ledger.invalid_signature`,
 * `ledger.origin_mismatch`), `ledger.corrupt` (a file of the log is missing or does not verify;
 * details: path), `ledger.storage_full` / `ledger.storage_failed` (writing the archive).
 */
export async function archiveEntries(options: ArchiveEntriesOptions): Promise<ArchiveSummary> {
  const known = parseKeys(options.verifierKeys);
  const raw =
    options.checkpoint === undefined
      ? await options.read(CHECKPOINT_PATH)
      : typeof options.checkpoint === 'string'
        ? Buffer.from(options.checkpoint, 'utf8')
        : options.checkpoint;
  if (raw === undefined) {
    throw new LedgerError('ledger.corrupt', 'The log has no checkpoint.', {
      details: { path: CHECKPOINT_PATH, problem: 'missing' },
    });
  }
  const cp = openWithKeys(raw, known, options.origin);
  checkBelow(options.below, cp.size, 'below');
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  if ((await readdir(out)).length > 0) throw invalidArgument('The archive directory must be empty.', 'out');

  const dirs = new DurableDirs();
  const tiles = tilesForTreeSize(cp.size);
  const bundles = options.below / TILE_WIDTH;
  const total = tiles.length + bundles + 1; // and the checkpoint
  const files: ArchiveFile[] = [];
  let done = 0;
  const put = async (path: string, data: Uint8Array): Promise<void> => {
    try {
      await writeFileDurable(dirs, join(out, ...path.split('/')), data);
    } catch (err) {
      throw storageError(err, path, 'write');
    }
    files.push({ path, sha256: sha256Hex(data), bytes: data.length });
    options.onProgress?.(++done, total);
  };
  const must = async (path: string): Promise<Uint8Array> => {
    const data = await options.read(path);
    if (data === undefined) {
      throw new LedgerError('ledger.corrupt', `The log's ${path} is missing: it cannot be archived.`, {
        details: { path, problem: 'missing' },
      });
    }
    return data;
  };
  options.onProgress?.(0, total);
  await forEachIndex(tiles.length, COPY_CONCURRENCY, async (i) => {
    const tile = tiles[i]!;
    const path = tilePath(tile);
    const data = await must(path);
    if (data.length !== tile.width * 32) {
      throw new LedgerError('ledger.corrupt', `The log's ${path} has the wrong length.`, {
        details: { path, problem: 'truncated' },
      });
    }
    await put(path, data);
    if (tile.level === 0 && tile.index < bundles) {
      // Its entry bundle: checked against the tile before it goes into the archive.
      const bPath = entriesPath({ index: tile.index, width: TILE_WIDTH });
      const bundle = await must(bPath);
      try {
        checkBundleAgainstTile(parseEntryBundle(bundle, { index: tile.index, width: TILE_WIDTH }), data);
      } catch (err) {
        throw new LedgerError('ledger.corrupt', `The log's ${bPath} does not match ${path}: run fsck.`, {
          cause: err,
          details: { path: bPath, problem: 'wrong_hash' },
        });
      }
      await put(bPath, bundle);
    }
  });
  await put(CHECKPOINT_PATH, raw);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    origin: cp.origin,
    size: cp.size,
    root: Buffer.from(cp.rootHash).toString('base64'),
    below: options.below,
    verifierKeys: known.map((k) => k.verifierKey),
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    files,
  };
  // The manifest last: an archive without one is incomplete.
  try {
    await writeFileDurable(
      dirs,
      join(out, ARCHIVE_MANIFEST),
      Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8'),
    );
  } catch (err) {
    throw storageError(err, ARCHIVE_MANIFEST, 'write');
  }
  return verifyArchive(out, {
    verifierKeys: known,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
}

function parseManifest(text: string): ArchiveManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw archiveInvalid(ARCHIVE_MANIFEST, 'malformed', 'manifest.json is not JSON.', err);
  }
  const v = m as Partial<ArchiveManifest> | null;
  const malformed = (what: string): LedgerError =>
    archiveInvalid(ARCHIVE_MANIFEST, 'malformed', `manifest.json: ${what}.`);
  if (typeof v !== 'object' || v === null || v.format !== ARCHIVE_FORMAT)
    throw malformed(`format is not ${ARCHIVE_FORMAT}`);
  if (typeof v.origin !== 'string' || typeof v.root !== 'string')
    throw malformed('origin or root is missing');
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)
    throw malformed('size is not an index');
  if (
    typeof v.below !== 'number' ||
    !Number.isSafeInteger(v.below) ||
    v.below < TILE_WIDTH ||
    v.below % TILE_WIDTH !== 0 ||
    v.below > v.size
  ) {
    throw malformed('below is not a multiple of 256 within the tree');
  }
  if (!Array.isArray(v.files)) throw malformed('files is not a list');
  const seen = new Set<string>();
  for (const f of v.files as unknown[]) {
    const file = f as Partial<ArchiveFile> | null;
    if (
      typeof file !== 'object' ||
      file === null ||
      typeof file.path !== 'string' ||
      typeof file.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(file.sha256) ||
      typeof file.bytes !== 'number'
    ) {
      throw malformed('a file entry is malformed');
    }
    try {
      checkLogPath(file.path);
    } catch {
      throw malformed('a file path is not a tlog-tiles path');
    }
    if (seen.has(file.path)) throw malformed('a file is listed twice');
    seen.add(file.path);
  }
  return v as ArchiveManifest;
}

/**
 * Verifies an archive offline: manifest.json well-formed, every listed file present with its
 * SHA-256, the checkpoint signed by a given key and equal to the manifest's size and root, and
 * fsck over the listed files (every hash tile of the tree, every entry bundle below `below`)
 * passing. Unlisted files are ignored. Throws `ledger.archive_invalid` (details: file, problem),
 * or `ledger.unknown_key` / `ledger.invalid_key` for the caller's keys.
 */
export async function verifyArchive(dir: string, options: VerifyArchiveOptions): Promise<ArchiveSummary> {
  const known = parseKeys(options.verifierKeys);
  const root = resolve(dir);
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(root, ARCHIVE_MANIFEST));
  } catch (err) {
    throw archiveInvalid(
      ARCHIVE_MANIFEST,
      'missing',
      `${ARCHIVE_MANIFEST} cannot be read (${errnoOf(err) ?? 'error'}).`,
      err,
    );
  }
  if (manifestBytes.length > MAX_MANIFEST_BYTES)
    throw archiveInvalid(ARCHIVE_MANIFEST, 'oversized', 'manifest.json is too large.');
  const manifest = parseManifest(manifestBytes.toString('utf8'));
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (let n = 0; n < manifest.below / TILE_WIDTH; n++) {
    const path = entriesPath({ index: n, width: TILE_WIDTH });
    if (!listed.has(path)) throw archiveInvalid(path, 'missing', `${path} is not in the manifest.`);
  }
  if (!listed.has(CHECKPOINT_PATH))
    throw archiveInvalid(CHECKPOINT_PATH, 'missing', 'the checkpoint is not in the manifest.');

  // Only listed files, and only with the bytes the manifest names.
  const files = directoryTileReader(root);
  const read: TileReader = async (path) => {
    const entry = listed.get(path);
    if (entry === undefined) return undefined;
    const data = await files(path);
    if (data === undefined) throw archiveInvalid(path, 'missing', `${path} is missing.`);
    if (data.length !== entry.bytes || sha256Hex(data) !== entry.sha256) {
      throw archiveInvalid(path, 'wrong_hash', `${path} does not have the SHA-256 the manifest lists.`);
    }
    return data;
  };

  const cpData = await read(CHECKPOINT_PATH);
  let cp: Checkpoint;
  try {
    cp = openWithKeys(cpData!, known, options.origin ?? manifest.origin);
  } catch (err) {
    if (
      err instanceof LedgerError &&
      (err.code === 'ledger.unknown_key' || err.code === 'ledger.invalid_key')
    )
      throw err;
    throw archiveInvalid(
      CHECKPOINT_PATH,
      err instanceof LedgerError ? err.code.replace('ledger.', '') : 'malformed',
      'the checkpoint does not verify with the log key.',
      err,
    );
  }
  if (cp.size !== manifest.size || Buffer.from(cp.rootHash).toString('base64') !== manifest.root) {
    throw archiveInvalid(CHECKPOINT_PATH, 'mismatch', 'the checkpoint is not the one manifest.json names.');
  }
  const report = await fsckLog(read, {
    verifierKeys: known,
    origin: cp.origin,
    entriesBelow: manifest.below,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  if (report.failure !== undefined) {
    throw archiveInvalid(report.failure.path, report.failure.problem, report.failure.message);
  }
  let tiles = 0;
  let bundles = 0;
  let bytes = 0;
  for (const f of manifest.files) {
    bytes += f.bytes;
    if (f.path.startsWith('tile/entries/')) bundles++;
    else if (f.path !== CHECKPOINT_PATH) tiles++;
  }
  return {
    dir: root,
    origin: cp.origin,
    size: cp.size,
    root: manifest.root,
    below: manifest.below,
    bundles,
    tiles,
    bytes,
    manifestSha256: sha256Hex(manifestBytes),
  };
}

/** The `time` of a leaf (canonical JSON record), or undefined. */
function entryTime(entry: Uint8Array): number | undefined {
  try {
    const leaf = JSON.parse(Buffer.from(entry).toString('utf8')) as unknown;
    if (typeof leaf !== 'object' || leaf === null) return undefined;
    const time = (leaf as { time?: unknown }).time;
    if (typeof time !== 'string') return undefined;
    const t = Date.parse(time);
    return Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Prunes the entry bundles below `below` from the log in `dir` once `archiveDir` holds them (see
 * the file comment). Takes the log directory's lock (`ledger.locked` while the log is open).
 * Throws `ledger.archive_invalid` (the archive does not verify, or is not of this log),
 * `ledger.prune_refused` (below beyond the archive; an entry within its retention, details: index,
 * time), `ledger.corrupt` (the live log's checkpoint or tiles), storage errors.
 */
export async function pruneEntries(options: PruneEntriesOptions): Promise<PruneOutcome> {
  const known = parseKeys(options.verifierKeys);
  const dir = resolve(options.dir);
  const release = lockLogDir(dir);
  try {
    const store = options.store ?? fileTileStore(dir);
    const progress = options.onProgress;
    const archive = await verifyArchive(options.archiveDir, {
      verifierKeys: known,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(progress === undefined
        ? {}
        : {
            onProgress: (d: number, t: number) => {
              progress('verify', d, t);
            },
          }),
    });
    const below = options.below ?? archive.below;
    if (!Number.isSafeInteger(below) || below < TILE_WIDTH || below % TILE_WIDTH !== 0) {
      throw invalidArgument('below must be a positive multiple of 256 (whole entry bundles).', 'below');
    }
    if (below > archive.below) {
      throw pruneRefused('not_archived', 'The archive does not hold the entries up to this index.', {
        index: below,
        archived: archive.below,
      });
    }

    // The live log: its checkpoint, signed by the log key, must extend the archive's.
    const liveRaw = await store.read(CHECKPOINT_PATH);
    if (liveRaw === undefined) {
      throw new LedgerError('ledger.corrupt', 'The log has no checkpoint.', {
        details: { path: CHECKPOINT_PATH, problem: 'missing' },
      });
    }
    const live = openWithKeys(liveRaw, known, archive.origin);
    if (live.size < archive.size) {
      throw archiveInvalid(CHECKPOINT_PATH, 'not_this_log', 'the archive is of a larger tree than the log.');
    }
    const read: TileReader = (path) => store.read(path);
    let archivedRoot: Uint8Array;
    try {
      archivedRoot = await storedTreeHash(archive.size, tileHashReader(read, live.size));
    } catch (err) {
      throw new LedgerError('ledger.corrupt', "The log's tiles cannot be read: run fsck.", {
        cause: err,
        details: { path: 'tile/', problem: 'unreadable' },
      });
    }
    if (Buffer.from(archivedRoot).toString('base64') !== archive.root) {
      throw archiveInvalid(
        CHECKPOINT_PATH,
        'not_this_log',
        "the archive's checkpoint is not on this log's history (its root differs).",
      );
    }

    // Every archived bundle against the live level-0 tile, and the retention guard.
    const archivedFiles = directoryTileReader(archive.dir);
    const count = below / TILE_WIDTH;
    let checked = 0;
    const retainAfter = options.retainAfter?.getTime();
    await forEachIndex(count, COPY_CONCURRENCY, async (n) => {
      const bPath = entriesPath({ index: n, width: TILE_WIDTH });
      const tPath = tilePath({ level: 0, index: n, width: TILE_WIDTH });
      const [bundle, tile] = await Promise.all([archivedFiles(bPath), store.read(tPath)]);
      if (tile === undefined) {
        throw new LedgerError('ledger.corrupt', `The log's ${tPath} is missing: run fsck.`, {
          details: { path: tPath, problem: 'missing' },
        });
      }
      if (bundle === undefined) throw archiveInvalid(bPath, 'missing', `${bPath} is missing.`);
      let entries: Uint8Array[];
      try {
        entries = parseEntryBundle(bundle, { index: n, width: TILE_WIDTH });
        checkBundleAgainstTile(entries, tile);
      } catch (err) {
        throw archiveInvalid(bPath, 'not_this_log', `${bPath} does not hash to the log's ${tPath}.`, err);
      }
      if (retainAfter !== undefined) {
        entries.forEach((e, i) => {
          const t = entryTime(e);
          const index = n * TILE_WIDTH + i;
          if (t === undefined) {
            throw pruneRefused('no_time', 'An entry to prune has no time: its retention cannot be checked.', {
              index,
            });
          }
          if (t >= retainAfter) {
            throw pruneRefused(
              'retention',
              'An entry to prune is still within its retention period: prune fewer entries, or later.',
              { index, time: new Date(t).toISOString(), retainAfter: new Date(retainAfter).toISOString() },
            );
          }
        });
      }
      progress?.('check', ++checked, count);
    });

    // The mark first (durable), then the deletions.
    const previous = (await readPruneMark(dir))?.minimumIndex ?? 0;
    const minimumIndex = Math.max(previous, below);
    if (below > previous) {
      await writePruneMark(dir, {
        minimumIndex: below,
        prunedAt: (options.now ?? (() => new Date()))().toISOString(),
        archive: { size: archive.size, root: archive.root, manifestSha256: archive.manifestSha256 },
      });
    }
    let bundlesRemoved = 0;
    let removed = 0;
    const removeCount = minimumIndex / TILE_WIDTH;
    await forEachIndex(removeCount, COPY_CONCURRENCY, async (n) => {
      const path = entriesPath({ index: n, width: TILE_WIDTH });
      if ((await store.read(path)) !== undefined) {
        await store.remove(path);
        bundlesRemoved++;
      }
      progress?.('remove', ++removed, removeCount);
    });
    const partialsRemoved = await removeSupersededPartials(dir, store, live.size);
    return { minimumIndex, previous, bundlesRemoved, partialsRemoved, archive };
  } finally {
    release();
  }
}

/**
 * Removes partial tiles and partial entry bundles whose full tile is in the tree of `size`
 * leaves (tlog-tiles "Partial Tiles": a log MAY delete them once the full tile is available),
 * found by listing `<dir>/tile` and removed through `store`. Returns how many were removed. The
 * tree's own right-edge partial tiles are kept (their full tiles do not exist yet).
 */
export async function removeSupersededPartials(dir: string, store: TileStore, size: number): Promise<number> {
  const root = resolve(dir);
  let removed = 0;
  const walkDir = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(join(root, ...rel.split('/')));
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === 'ENOENT' || errno === 'ENOTDIR') return;
      throw storageError(err, rel, 'list');
    }
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue; // temp files of the durable writes
      const child = `${rel}/${name}`;
      if (name.endsWith('.p')) {
        removed += await removePartials(root, store, child, size);
      } else if (!/^[0-9]{3}$/.test(name)) {
        await walkDir(child); // a level, `entries`, or an x### element
      }
    }
  };
  await walkDir('tile');
  return removed;
}

/** The partials under `<rel>` (`tile/<L>/…/<NNN>.p`) whose full tile exists; removes the directory when empty. */
async function removePartials(root: string, store: TileStore, rel: string, size: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(join(root, ...rel.split('/')));
  } catch (err) {
    throw storageError(err, rel, 'list');
  }
  let removed = 0;
  for (const name of names) {
    const path = `${rel}/${name}`;
    let level: number;
    let index: number;
    try {
      if (path.startsWith('tile/entries/')) {
        ({ index } = parseEntriesPath(path));
        level = 0;
      } else {
        ({ level, index } = parseTilePath(path));
      }
    } catch {
      continue; // not ours: left alone
    }
    const hashes = Math.floor(size / 2 ** (TILE_HEIGHT * level));
    if ((index + 1) * TILE_WIDTH <= hashes) {
      await store.remove(path);
      removed++;
    }
  }
  if (removed === names.length) await rmdir(join(root, ...rel.split('/'))).catch(() => undefined);
  return removed;
}
