/**
 * Files on disk as ByteSources (@synthguard/formats), so the streaming carriers read a 2 GB movie
 * through `fs.readSync` at the offsets they need instead of loading it; and the bounded-memory
 * helpers around it: hash a source in chunks, and copy a write plan's output to a file descriptor
 * in chunks while hashing what is written.
 *
 * A file that shrinks while it is read (another process truncating it) is an error with a stable
 * code, never a short or zero-filled read.
 */
import { createHash } from 'node:crypto';
import { fstatSync, readSync, writeSync } from 'node:fs';
import { AppError } from '@synthguard/core';
import type { ByteSource, OutputPiece } from '@synthguard/formats';

/**
 * Errors of reading and writing files on disk (labelFile), stable codes:
 * - `file.unreadable`: the input cannot be opened or read (details: path, errno);
 * - `file.changed`: the input became shorter while it was being read (details: size, offset);
 * - `file.unwritable`: the output (its temp file, fsync or rename) cannot be written
 *   (details: path, errno, and produceId when the content was already recorded).
 */
export type FileErrorCode = 'file.unreadable' | 'file.changed' | 'file.unwritable';

export class FileError extends AppError<FileErrorCode> {}

/** The errno code of a Node.js fs error ('ENOENT'), if any. */
export function errnoOf(err: unknown): string | undefined {
  if (err instanceof AppError) return undefined;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Copy and hash granularity: a few MiB keeps the process flat and the syscalls few. */
export const FILE_CHUNK_BYTES = 4 * 1024 * 1024;

/** A ByteSource over an open file descriptor; `size` is taken once, when the source is made. */
export function fileSource(fd: number): ByteSource {
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`fileSource.read(${String(offset)}, ${String(length)})`);
      }
      if (offset + length > size) {
        throw new RangeError(`fileSource.read past the end (${String(offset + length)} > ${String(size)})`);
      }
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          n = readSync(fd, out, done, length - done, offset + done);
        } catch (err) {
          throw new FileError('file.unreadable', `Cannot read the file: ${errnoOf(err) ?? 'I/O error'}.`, {
            cause: err,
            details: { errno: errnoOf(err), offset: offset + done },
          });
        }
        if (n === 0) {
          throw new FileError(
            'file.changed',
            'The file became shorter while it was being read; label it again once nothing else writes to it.',
            { details: { size, offset: offset + done } },
          );
        }
        done += n;
      }
      return new Uint8Array(out.buffer, out.byteOffset, length);
    },
  };
}

/** Digests of all of `src` with each Node.js hash in `algorithms` ('sha256', 'sm3'), in one pass. */
export function digestsOfSource(
  src: ByteSource,
  algorithms: Iterable<string>,
  chunk = FILE_CHUNK_BYTES,
): Map<string, Buffer> {
  const hashes = [...new Set(algorithms)].map((a) => [a, createHash(a)] as const);
  for (let at = 0; at < src.size; at += chunk) {
    const bytes = src.read(at, Math.min(chunk, src.size - at));
    for (const [, h] of hashes) h.update(bytes);
  }
  return new Map(hashes.map(([a, h]) => [a, h.digest()]));
}

/** SHA-256 (hex) of all of `src`, read `chunk` bytes at a time. */
export function sha256OfSource(src: ByteSource, chunk = FILE_CHUNK_BYTES): string {
  return digestsOfSource(src, ['sha256'], chunk).get('sha256')!.toString('hex');
}

/** Writes all of `bytes` to `fd` at its current position. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes the file `pieces` describe over `src` to `fd` (from its current position), source ranges
 * copied `chunk` bytes at a time; `onWrite` sees every written chunk in order (e.g. to hash the
 * output). Returns the number of bytes written.
 */
export function writePieces(
  fd: number,
  src: ByteSource,
  pieces: readonly OutputPiece[],
  onWrite?: (bytes: Uint8Array) => void,
  chunk = FILE_CHUNK_BYTES,
): number {
  let written = 0;
  const put = (b: Uint8Array): void => {
    writeAll(fd, b);
    onWrite?.(b);
    written += b.length;
  };
  for (const p of pieces) {
    if (p.kind === 'bytes') {
      put(p.bytes);
      continue;
    }
    for (let at = 0; at < p.length; at += chunk) put(src.read(p.offset + at, Math.min(chunk, p.length - at)));
  }
  return written;
}
