/**
 * Evidence packs («03 The ledger», deliverable 8): the log records of one tenant and period, for
 * an inspector, as a directory anyone can verify offline:
 *
 *   records.jsonl          {"index":N,"leafHash":"<hex>","entry":"<the logged text>"} per line
 *   proofs/<N>.tlog-proof  C2SP tlog-proof of each record, all against ONE checkpoint
 *   checkpoint             that signed checkpoint (cosignatures included)
 *   keys.txt               log verifier key(s), label signing public keys
 *   pack.json              tenant, period, origin, size, root, count
 *   README.md              what the files are, the legal basis, step-by-step verification
 *   verify.mjs             standalone verifier (node:crypto only)
 *
 * buildEvidencePack proves every record from the published tiles and checks it before writing;
 * verifyEvidencePack re-checks a pack with this library (verify.mjs does the same without it).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesEqual, utf8Encode } from '@synthguard/core';
import { decodeBase64Strict, encodeBase64 } from '../base64.js';
import { parseCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { leafHash } from '../merkle.js';
import { type NoteVerifier, parseVerifierKey } from '../note-keys.js';
import { openNote } from '../note.js';
import { packReadme } from './pack-readme.js';
import { buildProofBundle, parseProofBundle, verifyProofBundle } from './proof-bundle.js';
import type { TileReader } from './tile-reader.js';
import { VERIFY_SCRIPT } from './verify-script.js';

/** One record to put in the pack: its leaf index and the entry bytes the caller holds for it. */
export interface EvidenceRecord {
  readonly index: number;
  readonly entry: Uint8Array;
}

/** A label signing public key to list in keys.txt (single-line text, e.g. base64 SPKI). */
export interface EvidenceLabelKey {
  readonly keyId: string;
  readonly algorithm: string;
  readonly publicKey: string;
}

export interface EvidenceKeys {
  /** The log's note verifier key(s): the checkpoint must be signed by one of them. */
  readonly log: readonly string[];
  readonly labels?: readonly EvidenceLabelKey[];
}

export interface BuildEvidencePackOptions {
  /** Output directory: created; must be absent or empty. */
  readonly dir: string;
  readonly records: readonly EvidenceRecord[];
  /** Reads the published log (tiles and entry bundles). */
  readonly read: TileReader;
  /** The signed checkpoint note every proof is made against (its size must cover every record). */
  readonly checkpoint: string;
  readonly keys: EvidenceKeys;
  readonly tenant: string;
  readonly tenantName?: string;
  /** The period, as given (ISO 8601 dates or times). */
  readonly period: { readonly from: string; readonly to: string };
  /** The log's origin: the checkpoint must be of this log. */
  readonly origin?: string;
  /** Creation time for README.md and pack.json (default: now). */
  readonly createdAt?: Date;
  /** Called after each record is proven. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EvidencePackSummary {
  readonly dir: string;
  readonly records: number;
  readonly origin: string;
  readonly size: number;
  /** Root hash, base64 (as in the checkpoint). */
  readonly root: string;
}

/** Manifest written as pack.json. */
interface PackManifest {
  readonly format: 'synthguard-evidence-pack/v1';
  readonly tenant: string;
  readonly tenantName?: string;
  readonly from: string;
  readonly to: string;
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly records: number;
  readonly createdAt: string;
}

const SINGLE_LINE = /^[^\s]+$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function invalidArgument(message: string, field: string): LedgerError {
  return new LedgerError('ledger.invalid_argument', message, { details: { field } });
}

/** Keeps the last entry bundle read: consecutive records mostly share one. */
function lastBundleCache(read: TileReader): TileReader {
  let last: { path: string; data: Uint8Array | undefined } | undefined;
  return async (path) => {
    if (!path.startsWith('tile/entries/')) return read(path);
    if (last?.path !== path) last = { path, data: await read(path) };
    return last.data;
  };
}

/** The records.jsonl line of a record: the entry as text when it is UTF-8, else base64. */
function recordLine(index: number, entry: Uint8Array): string {
  let text: string | undefined;
  try {
    text = strictUtf8.decode(entry);
  } catch {
    text = undefined;
  }
  const leaf = Buffer.from(leafHash(entry)).toString('hex');
  return JSON.stringify(
    text === undefined
      ? { index, leafHash: leaf, entryBase64: encodeBase64(entry) }
      : { index, leafHash: leaf, entry: text },
  );
}

/**
 * Writes an evidence pack. Every record is proven from the published log against
 * `options.checkpoint` and must match the log's entry at its index (`ledger.entry_mismatch`
 * otherwise: the caller's copy and the log disagree). Throws LedgerError; on error the directory
 * may hold a partial pack (verifyEvidencePack rejects it).
 */
export async function buildEvidencePack(options: BuildEvidencePackOptions): Promise<EvidencePackSummary> {
  if (options.keys.log.length === 0)
    throw invalidArgument('The pack needs the log verifier key.', 'keys.log');
  const known = options.keys.log.map(parseVerifierKey);
  for (const k of options.keys.labels ?? []) {
    if (![k.keyId, k.algorithm, k.publicKey].every((s) => SINGLE_LINE.test(s))) {
      throw invalidArgument('Label keys are single-line text without spaces.', 'keys.labels');
    }
  }
  const note = openNote(options.checkpoint, known);
  const cp = parseCheckpoint(note.text);
  if (options.origin !== undefined && cp.origin !== options.origin) {
    throw new LedgerError('ledger.origin_mismatch', 'The checkpoint is for another log: check the origin.', {
      details: { expected: options.origin },
    });
  }
  const records = [...options.records].sort((a, b) => a.index - b.index);
  records.forEach((r, i) => {
    if (i > 0 && records[i - 1]!.index === r.index) {
      throw invalidArgument('A record index appears twice.', 'records');
    }
    if (!Number.isSafeInteger(r.index) || r.index < 0 || r.index >= cp.size) {
      throw new LedgerError(
        'ledger.out_of_range',
        'A record is not in the checkpoint tree: use a later checkpoint.',
        {
          details: { index: r.index, size: cp.size },
        },
      );
    }
  });

  await mkdir(options.dir, { recursive: true });
  if ((await readdir(options.dir)).length > 0) {
    throw invalidArgument('The evidence pack directory must be empty.', 'dir');
  }
  await mkdir(join(options.dir, 'proofs'));
  const cache = new Map<string, Uint8Array>();
  const read = lastBundleCache(options.read);
  const lines: string[] = [];
  for (const [n, r] of records.entries()) {
    const bundle = await buildProofBundle(r.index, {
      read,
      checkpoint: options.checkpoint,
      verifierKeys: known,
      origin: cp.origin,
      cache,
    });
    const logged = parseProofBundle(bundle).extra;
    if (logged === undefined || !bytesEqual(logged, r.entry)) {
      throw new LedgerError(
        'ledger.entry_mismatch',
        'A record differs from the entry the log holds at its index.',
        { details: { problem: 'record differs from the log', index: r.index } },
      );
    }
    await writeFile(join(options.dir, 'proofs', `${r.index}.tlog-proof`), bundle);
    lines.push(recordLine(r.index, r.entry));
    options.onProgress?.(n + 1, records.length);
  }
  const createdAt = (options.createdAt ?? new Date()).toISOString();
  const root = encodeBase64(cp.rootHash);
  const manifest: PackManifest = {
    format: 'synthguard-evidence-pack/v1',
    tenant: options.tenant,
    ...(options.tenantName === undefined ? {} : { tenantName: options.tenantName }),
    from: options.period.from,
    to: options.period.to,
    origin: cp.origin,
    size: cp.size,
    root,
    records: records.length,
    createdAt,
  };
  const keys = [
    '# Log note verifier key(s) (C2SP signed-note): <name>+<key ID>+<base64(0x01 || Ed25519 public key)>',
    ...options.keys.log.map((k) => `log ${k}`),
    ...((options.keys.labels ?? []).length > 0
      ? ['# Label signing public keys: label <key ID> <algorithm> <public key>']
      : []),
    ...(options.keys.labels ?? []).map((k) => `label ${k.keyId} ${k.algorithm} ${k.publicKey}`),
  ];
  await writeFile(join(options.dir, 'records.jsonl'), lines.map((l) => `${l}\n`).join(''));
  await writeFile(join(options.dir, 'checkpoint'), options.checkpoint);
  await writeFile(join(options.dir, 'keys.txt'), `${keys.join('\n')}\n`);
  await writeFile(join(options.dir, 'pack.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(
    join(options.dir, 'README.md'),
    packReadme({
      tenant: options.tenant,
      ...(options.tenantName === undefined ? {} : { tenantName: options.tenantName }),
      from: options.period.from,
      to: options.period.to,
      origin: cp.origin,
      size: cp.size,
      rootBase64: root,
      records: records.length,
      createdAt,
      ...(records[0] === undefined ? {} : { exampleIndex: records[0].index }),
      keyName: note.signatures[0]!.name,
    }),
  );
  await writeFile(join(options.dir, 'verify.mjs'), VERIFY_SCRIPT, { mode: 0o755 });
  return { dir: options.dir, records: records.length, origin: cp.origin, size: cp.size, root };
}

export interface VerifyEvidencePackOptions {
  /** Trust these log keys instead of the pack's keys.txt. */
  readonly verifierKeys?: readonly (string | NoteVerifier)[];
  /** The log's origin, when known. */
  readonly origin?: string;
}

function invalidPack(file: string, problem: string, cause?: unknown): LedgerError {
  const code = cause instanceof LedgerError ? cause.code : undefined;
  return new LedgerError(
    'ledger.evidence_invalid',
    `The evidence pack does not verify: ${file}: ${problem}.`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: { file, problem, ...(code === undefined ? {} : { reason: code }) },
    },
  );
}

async function readPackFile(dir: string, file: string): Promise<Uint8Array> {
  try {
    return await readFile(join(dir, ...file.split('/')));
  } catch (err) {
    throw invalidPack(file, 'the file is missing or unreadable', err);
  }
}

/**
 * Verifies an evidence pack with this library: the checkpoint (signature by the given keys, or
 * those in keys.txt), every proof against it, and records.jsonl against the proofs. Throws
 * `ledger.evidence_invalid` (details: file, problem, and `reason`: the underlying ledger code).
 */
export async function verifyEvidencePack(
  dir: string,
  options: VerifyEvidencePackOptions = {},
): Promise<EvidencePackSummary> {
  let keys = options.verifierKeys;
  if (keys === undefined || keys.length === 0) {
    const text = Buffer.from(await readPackFile(dir, 'keys.txt')).toString('utf8');
    keys = text
      .split('\n')
      .filter((l) => l.startsWith('log '))
      .map((l) => l.slice(4).trim());
  }
  let known: NoteVerifier[];
  try {
    known = keys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  } catch (err) {
    throw invalidPack('keys.txt', 'a log key is malformed', err);
  }
  if (known.length === 0) throw invalidPack('keys.txt', 'no log key');
  const checkpointBytes = await readPackFile(dir, 'checkpoint');
  const checkpointText = Buffer.from(checkpointBytes).toString('utf8');
  let cp;
  try {
    cp = parseCheckpoint(openNote(checkpointBytes, known).text);
  } catch (err) {
    throw invalidPack('checkpoint', err instanceof Error ? err.message.replace(/\.$/, '') : 'invalid', err);
  }
  if (options.origin !== undefined && cp.origin !== options.origin) {
    throw invalidPack('checkpoint', 'the checkpoint is for another log');
  }

  let files: string[];
  try {
    files = (await readdir(join(dir, 'proofs'))).sort();
  } catch (err) {
    throw invalidPack('proofs/', 'the directory is missing', err);
  }
  const proven = new Map<number, Uint8Array>();
  for (const file of files) {
    const name = `proofs/${file}`;
    const bytes = await readPackFile(dir, name);
    try {
      const bundle = parseProofBundle(bytes);
      if (file !== `${bundle.index}.tlog-proof`) throw invalidPack(name, 'the file name is not its index');
      if (bundle.checkpoint !== checkpointText) throw invalidPack(name, 'made against another checkpoint');
      const v = verifyProofBundle(bundle, { verifierKeys: known, origin: cp.origin });
      proven.set(v.index, v.entry);
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'ledger.evidence_invalid') throw err;
      throw invalidPack(name, err instanceof Error ? err.message.replace(/\.$/, '') : 'invalid', err);
    }
  }

  const text = Buffer.from(await readPackFile(dir, 'records.jsonl')).toString('utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const seen = new Set<number>();
  lines.forEach((line, n) => {
    const where = `records.jsonl line ${n + 1}`;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (err) {
      throw invalidPack(where, 'not JSON', err);
    }
    const rec = r as { index?: unknown; entry?: unknown; entryBase64?: unknown; leafHash?: unknown } | null;
    const index = rec?.index;
    if (typeof index !== 'number' || !Number.isSafeInteger(index)) throw invalidPack(where, 'no index');
    if (seen.has(index)) throw invalidPack(where, 'the index appears twice');
    seen.add(index);
    const entry = proven.get(index);
    if (entry === undefined) throw invalidPack(where, 'no proof for this record');
    const got =
      typeof rec?.entry === 'string'
        ? utf8Encode(rec.entry)
        : typeof rec?.entryBase64 === 'string'
          ? decodeBase64Strict(rec.entryBase64)
          : undefined;
    if (got === undefined || !bytesEqual(got, entry))
      throw invalidPack(where, 'the entry differs from the proven entry');
    if (rec?.leafHash !== Buffer.from(leafHash(entry)).toString('hex')) {
      throw invalidPack(where, 'the leaf hash is not SHA-256(0x00 || entry)');
    }
  });
  if (seen.size !== proven.size) throw invalidPack('proofs/', 'proofs of records not in records.jsonl');
  return { dir, records: seen.size, origin: cp.origin, size: cp.size, root: encodeBase64(cp.rootHash) };
}
