import { lockDirectory } from '@synthguard/core';
import { StoreError } from './errors.js';

const LOCK_FILE = 'synthguard-store.lock';

/**
 * Takes an exclusive, best-effort lock on a PGlite data directory (created if missing): PGlite
 * itself does not lock its data directory, and two PGlite instances writing one directory
 * corrupt it. core's lockDirectory: a lock file holding our pid; a stale lock is taken over.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const lock = lockDirectory(dataDir, LOCK_FILE);
  if (typeof lock === 'function') return lock;
  throw new StoreError(
    'store.unavailable',
    'The embedded database directory is in use by another store: close it first, or use PostgreSQL when several processes share the data.',
    { details: { pid: lock.heldBy, lockFile: LOCK_FILE } },
  );
}
