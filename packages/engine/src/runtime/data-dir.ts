import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';

/** Creates the data directory (mode 0700) if missing. */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const s = await stat(dir);
    if (!s.isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new EngineError('runtime.data_dir_unusable', `Cannot use the data directory ${dir}.`, { cause: err });
  }
}

/**
 * Writes a secret file atomically with mode 0600: a temporary file is written, fsynced and
 * renamed, so a crash never leaves a partial secret behind.
 */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/**
 * One process at a time may hold an embedded (PGlite) data directory: PGlite has no
 * multi-process access. A stale lock (its process gone) is taken over.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = join(dir, 'synthguard.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return {
        path,
        release: async () => {
          await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EngineError('runtime.data_dir_unusable', `Cannot lock the data directory ${dir}.`, { cause: err });
      }
      const holder = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new EngineError(
          'runtime.data_dir_locked',
          `The data directory ${dir} is in use by process ${holder} (is the server running?). Stop it, or talk to it over the API.`,
          { details: { pid: holder } },
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new EngineError('runtime.data_dir_locked', `Cannot lock the data directory ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
