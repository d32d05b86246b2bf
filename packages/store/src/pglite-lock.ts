import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StoreError } from './errors.js';

const LOCK_FILE = 'synthguard-store.lock';

/**
 * Data directories locked by THIS process. PGlite itself does not lock its data directory,
 * and two PGlite instances writing one directory corrupt it. The set is process state by
 * nature (it mirrors the lock files this process holds), not configuration.
 */
const heldHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dataDir: string, pid: number): StoreError {
  return new StoreError(
    'store.unavailable',
    'The embedded database directory is in use by another store: close it first, or use PostgreSQL when several processes share the data.',
    { details: { pid, lockFile: LOCK_FILE } },
  );
}

/**
 * Takes an exclusive, best-effort lock on a PGlite data directory (created if missing):
 * a lock file holding our pid. A lock whose process is gone (crash, kill -9, container
 * restart) is stale and taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(dir);
      return () => {
        heldHere.delete(dir);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    const ours = pid === process.pid;
    if (ours ? heldHere.has(dir) : Number.isInteger(pid) && pid > 0 && processAlive(pid))
      throw inUse(dir, pid);
    // Stale: left by a process that is gone (or by an earlier incarnation with our pid).
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw inUse(dir, 0);
}
