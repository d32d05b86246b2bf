/**
 * What a witness remembers per log (C2SP tlog-witness: "the witness is only required to keep
 * track of the latest checkpoint it observed and verified"): the size and root hash of the latest
 * checkpoint it cosigned, the time of that cosignature, and the cosigned note (served to
 * monitors). Kept in one JSON file, `<dir>/witness-state.json`, replaced atomically and durably
 * (temporary file, fsync, rename, fsync of the directory) so a crash leaves either the old or the
 * new state, never a torn one, and never a cosignature for a state that was not persisted.
 *
 *   {"v":1,"logs":{"<origin>":{"size":5,"root":"<base64>","time":1700000000,"checkpoint":"..."}}}
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBase64Strict, encodeBase64 } from '../base64.js';
import { LedgerError } from '../errors.js';
import { HASH_SIZE, MAX_TREE_SIZE } from '../merkle.js';
import { MAX_COSIGNATURE_TIMESTAMP } from './cosignature.js';

/** The witness's record of one log. */
export interface WitnessLogState {
  /** Size of the latest cosigned checkpoint. */
  readonly size: number;
  /** Its root hash (32 bytes). */
  readonly root: Uint8Array;
  /** Timestamp (POSIX seconds) of the latest cosignature; later ones are never earlier. */
  readonly time: number;
  /** The checkpoint note with the log's verified signatures and our cosignature. */
  readonly checkpoint: string;
}

export type WitnessState = ReadonlyMap<string, WitnessLogState>;

/** Where a witness keeps its state. `save` MUST be atomic and durable before it resolves. */
export interface WitnessStateStore {
  load(): Promise<WitnessState>;
  save(state: WitnessState): Promise<void>;
}

export const WITNESS_STATE_FILE = 'witness-state.json';
/** Cap on the state file we read (about 10,000 logs). */
const MAX_STATE_BYTES = 64 * 1024 * 1024;

function corrupt(problem: string): LedgerError {
  return new LedgerError(
    'ledger.corrupt',
    `The witness state file is corrupt (${problem}): restore it from a backup; do not delete it, or the witness forgets what it cosigned.`,
    { details: { path: WITNESS_STATE_FILE, problem } },
  );
}

function storageError(cause: unknown, op: string): LedgerError {
  const code = (cause as { code?: unknown } | null)?.code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new LedgerError(
    full ? 'ledger.storage_full' : 'ledger.storage_failed',
    full
      ? 'The disk holding the witness state is full: free space; nothing was cosigned.'
      : 'The witness state could not be written or read: check the data directory; nothing was cosigned.',
    {
      cause,
      details: { path: WITNESS_STATE_FILE, op, ...(typeof code === 'string' ? { errno: code } : {}) },
    },
  );
}

/** Serializes a state to the file format (logs sorted by origin). */
export function encodeWitnessState(state: WitnessState): string {
  const logs: Record<string, unknown> = {};
  for (const origin of [...state.keys()].sort()) {
    const s = state.get(origin)!;
    logs[origin] = { size: s.size, root: encodeBase64(s.root), time: s.time, checkpoint: s.checkpoint };
  }
  return `${JSON.stringify({ v: 1, logs }, null, 1)}\n`;
}

const isInt = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;

/** Parses the file format, strictly. Throws `ledger.corrupt`. */
export function decodeWitnessState(text: string): WitnessState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw corrupt('not JSON');
  }
  if (typeof doc !== 'object' || doc === null || (doc as { v?: unknown }).v !== 1) {
    throw corrupt('not a version 1 witness state');
  }
  const logs = (doc as { logs?: unknown }).logs;
  if (typeof logs !== 'object' || logs === null || Array.isArray(logs)) throw corrupt('no logs object');
  const state = new Map<string, WitnessLogState>();
  for (const [origin, value] of Object.entries(logs as Record<string, unknown>)) {
    const v = value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null) throw corrupt('a log entry is not an object');
    const root = typeof v.root === 'string' ? decodeBase64Strict(v.root) : undefined;
    if (
      !isInt(v.size, MAX_TREE_SIZE) ||
      root?.length !== HASH_SIZE ||
      !isInt(v.time, MAX_COSIGNATURE_TIMESTAMP) ||
      typeof v.checkpoint !== 'string'
    ) {
      throw corrupt('a log entry has a bad size, root, time or checkpoint');
    }
    state.set(origin, { size: v.size, root, time: v.time, checkpoint: v.checkpoint });
  }
  return state;
}

/** Writes `data` to `path` atomically and durably: temp file, fsync, rename, fsync dir. */
async function writeAtomic(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, name));
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** The state in `<dir>/witness-state.json`; `dir` is created (mode 0700) on first save. */
export function fileWitnessStateStore(dir: string): WitnessStateStore {
  const path = join(dir, WITNESS_STATE_FILE);
  return {
    async load() {
      let text: string;
      try {
        const fh = await open(path, 'r');
        try {
          const { size } = await fh.stat();
          if (size > MAX_STATE_BYTES) throw corrupt('too large');
          text = await fh.readFile('utf8');
        } finally {
          await fh.close();
        }
      } catch (err) {
        if (err instanceof LedgerError) throw err;
        if ((err as { code?: unknown }).code === 'ENOENT') return new Map();
        throw storageError(err, 'read');
      }
      return decodeWitnessState(text);
    },
    async save(state) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeAtomic(dir, WITNESS_STATE_FILE, encodeWitnessState(state));
      } catch (err) {
        throw storageError(err, 'write');
      }
    },
  };
}

/** A state store in memory (tests, or a witness whose durability lies elsewhere). */
export function memoryWitnessStateStore(initial: WitnessState = new Map()): WitnessStateStore & {
  readonly saved: () => WitnessState;
} {
  let current: WitnessState = new Map(initial);
  return {
    load: () => Promise.resolve(new Map(current)),
    save: (state) => {
      current = new Map(state);
      return Promise.resolve();
    },
    saved: () => current,
  };
}
