/**
 * The prune mark of a log directory: the log's *minimum index* (C2SP tlog-tiles "Pruning"), the
 * lower bound of the entries the log still publishes. Entry bundles wholly below it were archived
 * and removed on purpose (evidence/archive.ts `pruneEntries`); hash tiles are all kept, so every
 * root, inclusion and consistency proof stays available.
 *
 * `<dir>/pruned.json`, replaced atomically and durably (temp file, fsync, rename, fsync dir):
 *
 *   {"archive":{"manifestSha256":"…","root":"…","size":1024},"minimumIndex":512,"prunedAt":"…","v":1}
 *
 * Absent: the log is not pruned (minimum index 0). The mark only ever grows.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LedgerError } from '../errors.js';
import { TILE_WIDTH } from '../tiles.js';
import { DurableDirs, errnoOf, storageError, writeFileDurable } from './durable-fs.js';

/** File name of the prune mark inside a log directory. */
export const PRUNE_MARK_FILE = 'pruned.json';

/** What the prune mark records. */
export interface PruneMark {
  /** Entries below this index are pruned (a multiple of 256). */
  readonly minimumIndex: number;
  /** When the mark was written (ISO 8601). */
  readonly prunedAt: string;
  /** The archive the pruned entries are in: its checkpoint's size and root, its manifest's SHA-256. */
  readonly archive: { readonly size: number; readonly root: string; readonly manifestSha256: string };
}

const MAX_MARK_BYTES = 4096;

function corruptMark(problem: string): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `The prune mark ${PRUNE_MARK_FILE} is not valid (${problem}): restore it from the archive's manifest.`,
    { details: { path: PRUNE_MARK_FILE, problem } },
  );
}

/** Parses a prune mark; throws ledger.corrupt (details.path = pruned.json) when malformed. */
export function parsePruneMark(text: string): PruneMark {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corruptMark('not JSON');
  }
  if (typeof value !== 'object' || value === null) throw corruptMark('not an object');
  const v = value as Record<string, unknown>;
  const min = v.minimumIndex;
  if (v.v !== 1) throw corruptMark('unknown version');
  if (typeof min !== 'number' || !Number.isSafeInteger(min) || min < 0 || min % TILE_WIDTH !== 0) {
    throw corruptMark('minimumIndex is not a multiple of 256');
  }
  const a = v.archive as Record<string, unknown> | null | undefined;
  if (
    typeof a !== 'object' ||
    a === null ||
    typeof a.size !== 'number' ||
    !Number.isSafeInteger(a.size) ||
    a.size < min ||
    typeof a.root !== 'string' ||
    typeof a.manifestSha256 !== 'string' ||
    typeof v.prunedAt !== 'string'
  ) {
    throw corruptMark('archive or prunedAt is missing');
  }
  return {
    minimumIndex: min,
    prunedAt: v.prunedAt,
    archive: { size: a.size, root: a.root, manifestSha256: a.manifestSha256 },
  };
}

/** The prune mark of the log in `dir`, or undefined when it was never pruned. */
export async function readPruneMark(dir: string): Promise<PruneMark | undefined> {
  let text: string;
  try {
    const data = await readFile(join(resolve(dir), PRUNE_MARK_FILE));
    if (data.length > MAX_MARK_BYTES) throw corruptMark('too large');
    text = data.toString('utf8');
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    const errno = errnoOf(err);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return undefined;
    throw storageError(err, PRUNE_MARK_FILE, 'read');
  }
  return parsePruneMark(text);
}

/** The minimum index of the log in `dir` (0 when it was never pruned). */
export async function readMinimumIndex(dir: string): Promise<number> {
  return (await readPruneMark(dir))?.minimumIndex ?? 0;
}

/** Writes the prune mark atomically and durably. */
export async function writePruneMark(dir: string, mark: PruneMark): Promise<void> {
  const text = `${JSON.stringify({
    archive: {
      manifestSha256: mark.archive.manifestSha256,
      root: mark.archive.root,
      size: mark.archive.size,
    },
    minimumIndex: mark.minimumIndex,
    prunedAt: mark.prunedAt,
    v: 1,
  })}\n`;
  parsePruneMark(text); // never write a mark we would refuse to read
  try {
    await writeFileDurable(new DurableDirs(), join(resolve(dir), PRUNE_MARK_FILE), Buffer.from(text, 'utf8'));
  } catch (err) {
    throw storageError(err, PRUNE_MARK_FILE, 'write');
  }
}

/** `ledger.pruned` for an entry (or bundle) below the minimum index. */
export function prunedError(minimumIndex: number, at: { index?: number; path?: string }): LedgerError {
  return new LedgerError(
    'ledger.pruned',
    'This entry was archived and pruned from the log (it is below the minimum index): ask the operator for the archive.',
    { details: { ...at, minimumIndex } },
  );
}
