import { constants } from 'node:fs';
import { access, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from './errors.js';

function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Reads an input file; a missing or unreadable path is a CliError that names it, not a raw ENOENT. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new CliError('cli.file_not_found', `Cannot read ${path}: no such file. Check the path.`, {
        cause: err,
        details: { path },
      });
    }
    const why =
      code === 'EISDIR'
        ? 'it is a directory; pass a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (code ?? 'I/O error');
    throw new CliError('cli.file_unreadable', `Cannot read ${path}: ${why}.`, {
      cause: err,
      details: { path, ...(code === undefined ? {} : { errno: code }) },
    });
  }
}

/**
 * Checks, before any work is done or recorded, that `path` can be written: its directory exists
 * and is writable, and the path itself is not a directory.
 */
export async function checkWritable(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    const code = errnoCode(err);
    throw new CliError(
      'cli.output_unwritable',
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `Cannot write ${path}: the directory ${dir} does not exist. Create it first.`
        : `Cannot write ${path}: the directory ${dir} is not writable.`,
      { cause: err, details: { path, ...(code === undefined ? {} : { errno: code }) } },
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new CliError('cli.output_unwritable', `Cannot write ${path}: it is a directory; name a file.`, {
      details: { path },
    });
  }
}

/** Atomic file write: temp file in the same directory, fsync, rename. No partial file is ever left. */
export async function writeFileAtomic(path: string, data: Uint8Array, mode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
