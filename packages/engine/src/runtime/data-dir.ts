import { chmod, mkdir, open, rename, stat } from 'node:fs/promises';
import { EngineError } from '../errors.js';

/** Creates the data directory (mode 0700) if missing. */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const s = await stat(dir);
    if (!s.isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new EngineError('runtime.data_dir_unusable', `Cannot use the data directory ${dir}.`, {
      cause: err,
    });
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
