import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Directories locked by THIS process, by lock file path. Process state by nature (it mirrors the
 * lock files this process holds), not configuration.
 */
const heldHere = new Set<string>();

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/** The lock is held by a live process (possibly this one): `pid`, or 0 when it could not be read. */
export interface DirectoryLockHeld {
  readonly heldBy: number;
}

/**
 * Takes an exclusive, best-effort lock on `dir` (created if missing): the file `lockFile` in it,
 * holding our pid. A lock whose process is gone (crash, kill -9, container restart) is stale and
 * taken over. Returns the release function, or who holds the lock. File system errors other than
 * the races this handles are thrown as they are: callers give them their own codes.
 */
export function lockDirectory(dir: string, lockFile: string): (() => void) | DirectoryLockHeld {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const path = join(root, lockFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
    }
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    const pid = Number.parseInt(text, 10);
    const ours = pid === process.pid;
    if (ours ? heldHere.has(path) : Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
      return { heldBy: pid };
    }
    // Stale: left by a process that is gone (or by an earlier incarnation with our pid).
    try {
      unlinkSync(path);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
  return { heldBy: 0 };
}
