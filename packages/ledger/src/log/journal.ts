/**
 * The log's journal (write-ahead log): entries are durable here, with their leaf index, before
 * they are integrated into the tree. The sequencer (log.ts) calls `append` with a whole batch
 * (group commit), one call at a time.
 *
 * The file journal keeps append-only segment files under `<dir>/journal/`, named by the index
 * of their first entry (`0000000000001024.wal`, 16 digits). A segment starts with the 8-byte
 * magic `SGWAL01\n`, then frames:
 *
 *   u32 BE length (1..65535) | u64 BE leaf index | u32 BE CRC-32 (ISO-HDLC, zlib) of the
 *   12 header bytes before it and the entry | entry bytes
 *
 * A batch is one write(2) and one fdatasync(2). Recovery (openFileJournal) reads every retained
 * segment: each frame must have a good checksum and the next index. A bad frame at the end of
 * the last segment is a torn tail (a crash in the middle of an unacknowledged write) when it is
 * cut short by the end of the file, or when everything from some byte inside it to the end of
 * the file is zero (the file grew before its data reached the disk); it is cut off. Any other
 * bad frame, a valid frame after a bad one, a gap between segments, or a journal that starts
 * beyond the checkpoint is `ledger.corrupt`: an acknowledged entry is never silently dropped.
 */
import { type FileHandle, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LedgerError } from '../errors.js';
import { MAX_ENTRY_SIZE } from '../entry-bundle.js';
import { DurableDirs, errnoOf, fsyncDirectory, storageError } from './durable-fs.js';

/** Durable storage of entries before integration. Calls are never concurrent. */
export interface Journal {
  /** The index the next appended entry gets (entries below it are durable here or integrated). */
  readonly size: number;
  /**
   * Durably appends `entries` (1..65535 bytes each) at indexes size, size + 1, ...: one durable
   * write. Resolves with the first index. On failure nothing is acknowledged; the journal either
   * rolled the write back (retry later) or refuses further appends (`ledger.storage_failed`).
   */
  append(entries: readonly Uint8Array[]): Promise<number>;
  /** The entries [from, size) (recovery: `from` is the integrated tree size). */
  replay(from: number): Promise<Uint8Array[]>;
  /** Entries below `size` are durably integrated into published tiles: they may be dropped. */
  release(size: number): Promise<void>;
  close(): Promise<void>;
}

export interface FileJournalOptions {
  /** Size of the published tree: the journal must hold every entry from here on. */
  readonly integrated: number;
  /** Start a new segment once the current one is at least this large (default 64 MiB). */
  readonly segmentBytes?: number;
}

export const JOURNAL_DIR = 'journal';
const MAGIC = Buffer.from('SGWAL01\n', 'latin1');
const FRAME_HEADER = 16;
const SEGMENT_NAME = /^([0-9]{16})\.wal$/;
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

interface Segment {
  readonly first: number;
  readonly file: string;
}

function segmentName(first: number): string {
  return `${String(first).padStart(16, '0')}.wal`;
}

function corrupt(path: string, problem: string, extra: Record<string, unknown> = {}): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `The ledger journal is corrupt (${problem}): restore the log directory from a copy.`,
    { details: { path, problem, ...extra } },
  );
}

/** Encodes entries as frames, indexes from `first`, into one buffer. */
export function encodeFrames(entries: readonly Uint8Array[], first: number): Buffer {
  let total = 0;
  for (const e of entries) total += FRAME_HEADER + e.length;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  entries.forEach((e, i) => {
    const index = first + i;
    out.writeUInt32BE(e.length, at);
    out.writeUInt32BE(Math.floor(index / 2 ** 32), at + 4);
    out.writeUInt32BE(index % 2 ** 32, at + 8);
    out.set(e, at + FRAME_HEADER);
    const crc = crc32(e, crc32(out.subarray(at, at + 12)));
    out.writeUInt32BE(crc, at + 12);
    at += FRAME_HEADER + e.length;
  });
  return out;
}

type FrameResult =
  | { readonly ok: true; readonly index: number; readonly entry: Buffer; readonly end: number }
  | { readonly ok: false; readonly short: boolean };

/** Reads the frame at `at`: ok, cut short by the end of `buf`, or bad. */
function readFrame(buf: Buffer, at: number): FrameResult {
  if (at + FRAME_HEADER > buf.length) return { ok: false, short: true };
  const length = buf.readUInt32BE(at);
  if (length < 1 || length > MAX_ENTRY_SIZE) return { ok: false, short: false };
  const end = at + FRAME_HEADER + length;
  if (end > buf.length) return { ok: false, short: true };
  const entry = buf.subarray(at + FRAME_HEADER, end);
  const crc = crc32(entry, crc32(buf.subarray(at, at + 12)));
  if (crc !== buf.readUInt32BE(at + 12)) return { ok: false, short: false };
  const index = buf.readUInt32BE(at + 4) * 2 ** 32 + buf.readUInt32BE(at + 8);
  return { ok: true, index, entry, end };
}

/** True when some offset after `from` holds a frame with a good checksum. */
function validFrameAfter(buf: Buffer, from: number): boolean {
  for (let at = from; at + FRAME_HEADER < buf.length; at++) {
    const f = readFrame(buf, at);
    if (f.ok) return true;
  }
  return false;
}

/** True when the bad frame at `at` is a torn tail: cut short, or zero-filled up to the end of the file. */
function tornTail(buf: Buffer, at: number): boolean {
  const f = readFrame(buf, at);
  if (!f.ok && f.short) return true;
  // The frame is complete but does not check: torn if the bytes from inside it to EOF are zero.
  const length = buf.readUInt32BE(at);
  const frameEnd = Math.min(buf.length, at + FRAME_HEADER + length);
  let last = buf.length - 1;
  while (last >= at && buf[last] === 0) last--;
  return last < frameEnd - 1;
}

interface ScanResult {
  /** Index after the last good frame. */
  readonly end: number;
  /** Byte length of the good prefix (where a torn tail starts). */
  readonly goodBytes: number;
  readonly torn: boolean;
}

/**
 * Checks one segment; calls `onEntry` for each entry at index >= `keepFrom`. A bad frame is a
 * torn tail only in the last segment (see the file comment); otherwise throws `ledger.corrupt`.
 */
function scanSegment(
  buf: Buffer,
  seg: Segment,
  isLast: boolean,
  keepFrom: number,
  onEntry: (index: number, entry: Buffer) => void,
): ScanResult {
  const path = `${JOURNAL_DIR}/${segmentName(seg.first)}`;
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    // A segment whose header never reached the disk: only possible for the newest one.
    const zeroOrShort = buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(buf);
    if (isLast && (zeroOrShort || buf.every((b) => b === 0)))
      return { end: seg.first, goodBytes: 0, torn: true };
    throw corrupt(path, 'bad segment header');
  }
  let at = MAGIC.length;
  let next = seg.first;
  while (at < buf.length) {
    const f = readFrame(buf, at);
    if (f.ok && f.index === next) {
      if (next >= keepFrom) onEntry(next, f.entry);
      next++;
      at = f.end;
      continue;
    }
    if (f.ok)
      throw corrupt(path, 'a frame has the wrong index', { expected: next, got: f.index, offset: at });
    if (!isLast) throw corrupt(path, 'a frame does not verify', { index: next, offset: at });
    if (validFrameAfter(buf, at + 1) || !tornTail(buf, at)) {
      throw corrupt(path, 'a frame in the middle does not verify', { index: next, offset: at });
    }
    return { end: next, goodBytes: at, torn: true };
  }
  return { end: next, goodBytes: at, torn: false };
}

async function listSegments(dir: string): Promise<Segment[]> {
  const names = await readdir(dir);
  const segs: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT_NAME.exec(name);
    if (m !== null) segs.push({ first: Number(m[1]), file: join(dir, name) });
  }
  segs.sort((a, b) => a.first - b.first);
  return segs;
}

/**
 * Opens (creating if needed) the file journal under `<logDir>/journal/`, checks every retained
 * segment (see the file comment) and cuts off a torn tail. Segments wholly below
 * `options.integrated` are deleted unread. Throws `ledger.corrupt` (details: path, problem).
 */
export async function openFileJournal(logDir: string, options: FileJournalOptions): Promise<Journal> {
  const dir = join(logDir, JOURNAL_DIR);
  const dirs = new DurableDirs();
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const integrated = options.integrated;
  try {
    await dirs.ensure(dir);
  } catch (err) {
    throw storageError(err, JOURNAL_DIR, 'mkdir');
  }
  let segs: Segment[];
  try {
    segs = await listSegments(dir);
  } catch (err) {
    throw storageError(err, JOURNAL_DIR, 'readdir');
  }

  // Drop segments whose entries are all integrated (the next segment starts at or below it).
  while (segs.length > 1 && segs[1]!.first <= integrated) {
    await unlinkOrThrow(segs[0]!.file, segs[0]!.first);
    segs.shift();
  }

  let current: { seg: Segment; fh: FileHandle; bytes: number } | undefined;
  if (segs.length > 0 && segs[0]!.first > integrated) {
    throw corrupt(
      `${JOURNAL_DIR}/${segmentName(segs[0]!.first)}`,
      'the journal starts after the checkpoint',
      {
        first: segs[0]!.first,
        checkpoint: integrated,
      },
    );
  }
  let end = integrated;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const isLast = i === segs.length - 1;
    const path = `${JOURNAL_DIR}/${segmentName(seg.first)}`;
    if (i > 0 && seg.first !== end) {
      throw corrupt(path, 'a gap between journal segments', { expected: end, got: seg.first });
    }
    let buf: Buffer;
    try {
      buf = await readFile(seg.file);
    } catch (err) {
      throw storageError(err, path, 'read');
    }
    const scan = scanSegment(buf, seg, isLast, Number.MAX_SAFE_INTEGER, () => undefined);
    end = scan.end;
    if (!isLast) continue;
    if (scan.end < integrated) {
      // The tiles hold more than the journal (it was pruned or restored from an older copy):
      // everything here is integrated, so start afresh at the checkpoint size.
      try {
        await unlink(seg.file);
        await fsyncDirectory(dir);
      } catch (err) {
        throw storageError(err, path, 'unlink');
      }
      end = integrated;
      break;
    }
    try {
      const fh = await open(seg.file, 'r+');
      if (scan.torn) {
        if (scan.goodBytes < MAGIC.length) {
          await fh.truncate(0);
          await fh.write(MAGIC, 0, MAGIC.length, 0);
        } else {
          await fh.truncate(scan.goodBytes);
        }
        await fh.sync();
      }
      current = { seg, fh, bytes: Math.max(scan.goodBytes, MAGIC.length) };
    } catch (err) {
      throw storageError(err, path, 'truncate');
    }
  }
  const size = end;
  return new FileJournal(dir, dirs, segmentBytes, size, current);
}

async function unlinkOrThrow(file: string, first: number): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw storageError(err, `${JOURNAL_DIR}/${segmentName(first)}`, 'unlink');
  }
}

class FileJournal implements Journal {
  #size: number;
  #current: { seg: Segment; fh: FileHandle; bytes: number } | undefined;
  #failed: LedgerError | undefined;
  #closed = false;

  constructor(
    private readonly dir: string,
    private readonly dirs: DurableDirs,
    private readonly segmentBytes: number,
    size: number,
    current: { seg: Segment; fh: FileHandle; bytes: number } | undefined,
  ) {
    this.#size = size;
    this.#current = current;
  }

  get size(): number {
    return this.#size;
  }

  async append(entries: readonly Uint8Array[]): Promise<number> {
    if (this.#closed) throw new LedgerError('ledger.closed', 'The ledger journal is closed.');
    if (this.#failed !== undefined) throw this.#failed;
    if (entries.length === 0) return this.#size;
    const first = this.#size;
    const cur = await this.#segmentFor(first);
    const frames = encodeFrames(entries, first);
    const path = `${JOURNAL_DIR}/${segmentName(cur.seg.first)}`;
    try {
      let at = 0;
      while (at < frames.length) {
        const { bytesWritten } = await cur.fh.write(frames, at, frames.length - at, cur.bytes + at);
        at += bytesWritten;
      }
    } catch (err) {
      // Roll back whatever reached the file so later frames do not follow a torn one.
      try {
        await cur.fh.truncate(cur.bytes);
      } catch {
        this.#failed = storageError(err, path, 'append');
      }
      throw storageError(err, path, 'append');
    }
    try {
      await cur.fh.datasync();
    } catch (err) {
      // After a failed fsync the page cache state is unknown (PostgreSQL's "fsyncgate"): stop.
      this.#failed = storageError(err, path, 'fsync');
      throw this.#failed;
    }
    cur.bytes += frames.length;
    this.#size = first + entries.length;
    return first;
  }

  async #segmentFor(first: number): Promise<{ seg: Segment; fh: FileHandle; bytes: number }> {
    const cur = this.#current;
    if (cur !== undefined && cur.bytes < this.segmentBytes) return cur;
    const seg = { first, file: join(this.dir, segmentName(first)) };
    const path = `${JOURNAL_DIR}/${segmentName(first)}`;
    let fh: FileHandle | undefined;
    try {
      await this.dirs.ensure(this.dir);
      fh = await open(seg.file, 'wx');
      await fh.write(MAGIC, 0, MAGIC.length, 0);
      await fh.sync();
      await this.dirs.sync(this.dir);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await unlink(seg.file).catch(() => undefined);
      throw storageError(err, path, 'create');
    }
    await cur?.fh.close().catch(() => undefined);
    this.#current = { seg, fh, bytes: MAGIC.length };
    return this.#current;
  }

  async replay(from: number): Promise<Uint8Array[]> {
    let segs: Segment[];
    try {
      segs = await listSegments(this.dir);
    } catch (err) {
      throw storageError(err, JOURNAL_DIR, 'readdir');
    }
    const out: Uint8Array[] = [];
    let expect = from;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const next = segs[i + 1];
      if (next !== undefined && next.first <= from) continue;
      const path = `${JOURNAL_DIR}/${segmentName(seg.first)}`;
      let buf: Buffer;
      try {
        buf = await readFile(seg.file);
      } catch (err) {
        throw storageError(err, path, 'read');
      }
      scanSegment(buf, seg, next === undefined, from, (index, entry) => {
        if (index !== expect || index >= this.#size) return;
        out.push(new Uint8Array(entry));
        expect++;
      });
    }
    if (expect < this.#size) {
      throw corrupt(JOURNAL_DIR, 'entries to replay are missing', {
        from,
        expected: this.#size,
        got: expect,
      });
    }
    return out;
  }

  async release(size: number): Promise<void> {
    const segs = await listSegments(this.dir).catch((err: unknown) => {
      throw storageError(err, JOURNAL_DIR, 'readdir');
    });
    for (let i = 0; i + 1 < segs.length; i++) {
      const seg = segs[i]!;
      if (segs[i + 1]!.first > size || seg.first === this.#current?.seg.first) break;
      await unlinkOrThrow(seg.file, seg.first);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#current?.fh.close().catch(() => undefined);
    this.#current = undefined;
  }
}
