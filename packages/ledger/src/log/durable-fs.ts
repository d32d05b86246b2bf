/**
 * Durable file operations for the log's storage: atomic replace (temp file in the same
 * directory, write, fsync, rename, fsync the directory), directory creation whose entries are
 * themselves fsynced, coalesced directory fsyncs, and the mapping of errno codes to LedgerError
 * (`ledger.storage_full` for ENOSPC / EDQUOT, `ledger.storage_failed` otherwise).
 *
 * POSIX gives durability of a new or renamed file only once its directory is fsynced too
 * (rename(2), fsync(2) "NOTES"); Linux honours fsync on a directory opened read-only.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LedgerError } from '../errors.js';

/** errno codes that mean "no space": the disk is full or the user is over quota. */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** The errno code of a Node.js system error, or undefined. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps an I/O failure: ENOSPC / EDQUOT → `ledger.storage_full`, anything else →
 * `ledger.storage_failed`. `path` is the log-relative path (no secrets); LedgerErrors pass through.
 */
export function storageError(err: unknown, path: string, op: string): LedgerError {
  if (err instanceof LedgerError) return err;
  const errno = errnoOf(err) ?? 'unknown';
  if (FULL.has(errno)) {
    return new LedgerError(
      'ledger.storage_full',
      'The ledger storage is full: free disk space, then retry.',
      {
        cause: err,
        details: { path, errno, op },
      },
    );
  }
  return new LedgerError(
    'ledger.storage_failed',
    'The ledger storage failed an I/O operation: check the disk and the log directory.',
    { cause: err, details: { path, errno, op } },
  );
}

/** Calls fsync on a directory (so the names created, renamed or removed in it are durable). */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Directory operations of one storage root: creating directories durably (each new directory's
 * parent is fsynced; known directories are cached) and coalescing directory fsyncs (callers that
 * ask while an fsync runs share the next one, which starts after their request).
 */
export class DurableDirs {
  readonly #known = new Set<string>();
  readonly #syncs = new Map<string, { running: Promise<void>; next: Promise<void> | undefined }>();

  /** Creates `dir` and its missing parents; each new entry is fsynced in its parent. */
  async ensure(dir: string): Promise<void> {
    if (this.#known.has(dir)) return;
    const parent = dirname(dir);
    if (parent !== dir) await this.ensure(parent);
    let created = false;
    try {
      await mkdir(dir);
      created = true;
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
    }
    if (created) await this.sync(parent);
    this.#known.add(dir);
  }

  /** Forgets cached directories (after removing a directory tree). */
  forget(): void {
    this.#known.clear();
  }

  /** fsync of `dir` that starts after this call; concurrent callers share one. */
  sync(dir: string): Promise<void> {
    const state = this.#syncs.get(dir);
    if (state === undefined) {
      const running = this.#run(dir);
      this.#syncs.set(dir, { running, next: undefined });
      return running;
    }
    // One fsync runs; it may have started before our rename: queue one more, shared.
    state.next ??= state.running.then(
      () => this.#startQueued(dir),
      () => this.#startQueued(dir),
    );
    return state.next;
  }

  #startQueued(dir: string): Promise<void> {
    const running = this.#run(dir);
    this.#syncs.set(dir, { running, next: undefined });
    return running;
  }

  async #run(dir: string): Promise<void> {
    try {
      await fsyncDirectory(dir);
    } finally {
      const state = this.#syncs.get(dir);
      if (state !== undefined && state.next === undefined) this.#syncs.delete(dir);
    }
  }
}

/**
 * Atomically and durably replaces `file` with `data`: a temp file beside it (`.<name>.<random>.tmp`),
 * write, fsync, rename over `file`, fsync the directory. Throws the raw errno error (callers wrap
 * it with storageError). The temp file is removed on failure.
 */
export async function writeFileDurable(dirs: DurableDirs, file: string, data: Uint8Array): Promise<void> {
  const dir = dirname(file);
  await dirs.ensure(dir);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: FileHandle | undefined = await open(temp, 'wx');
  try {
    let at = 0;
    while (at < data.length) {
      const { bytesWritten } = await fh.write(data, at, data.length - at);
      at += bytesWritten;
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await dirs.sync(dir);
}
