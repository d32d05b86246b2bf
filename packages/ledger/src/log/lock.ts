/**
 * An exclusive, best-effort lock on a log directory: a lock file holding our pid (the approach of
 * packages/store/src/pglite-lock.ts). A lock whose process is gone (crash, SIGKILL, container
 * restart) is stale and taken over. One writer per directory: two would interleave journals.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LedgerError } from '../errors.js';
import { errnoOf, storageError } from './durable-fs.js';

export const LOCK_FILE = 'synthguard-ledger.lock';

/** Directories locked by THIS process (process state by nature: it mirrors the lock files we hold). */
const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

function locked(pid: number): LedgerError {
  return new LedgerError(
    'ledger.locked',
    'The ledger directory is in use by another log (this or another process): close it first.',
    { details: { pid, lockFile: LOCK_FILE } },
  );
}

/** Takes the lock on `dir` (created if missing). Returns the release function. */
export function lockLogDir(dir: string): () => void {
  const root = resolve(dir);
  const path = join(root, LOCK_FILE);
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw storageError(err, '.', 'mkdir');
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(root);
      return () => {
        heldHere.delete(root);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw storageError(err, LOCK_FILE, 'lock');
    }
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw storageError(err, LOCK_FILE, 'lock');
    }
    const pid = Number.parseInt(text, 10);
    const ours = pid === process.pid;
    if (ours ? heldHere.has(root) : Number.isInteger(pid) && pid > 0 && processAlive(pid)) throw locked(pid);
    // Stale: left by a process that is gone (or by an earlier incarnation with our pid).
    try {
      unlinkSync(path);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw storageError(err, LOCK_FILE, 'lock');
    }
  }
  throw locked(0);
}
