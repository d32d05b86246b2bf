/**
 * An exclusive, best-effort lock on a log directory (core's lockDirectory: a lock file holding
 * our pid; a lock whose process is gone is stale and taken over). One writer per directory: two
 * would interleave journals.
 */
import { lockDirectory } from '@synthguard/core';
import { LedgerError } from '../errors.js';
import { storageError } from './durable-fs.js';

export const LOCK_FILE = 'synthguard-ledger.lock';

/** Takes the lock on `dir` (created if missing). Returns the release function. */
export function lockLogDir(dir: string): () => void {
  let lock: ReturnType<typeof lockDirectory>;
  try {
    lock = lockDirectory(dir, LOCK_FILE);
  } catch (err) {
    throw storageError(err, LOCK_FILE, 'lock');
  }
  if (typeof lock === 'function') return lock;
  throw new LedgerError(
    'ledger.locked',
    'The ledger directory is in use by another log (this or another process): close it first.',
    { details: { pid: lock.heldBy, lockFile: LOCK_FILE } },
  );
}
