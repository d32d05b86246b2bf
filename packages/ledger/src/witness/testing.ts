/**
 * Test helpers for the witness: a small log built with the pure library (stored hashes in
 * memory) that signs its checkpoints, and the add-checkpoint requests it would send.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { storedTreeHash } from '../merkle.js';
import { type NoteSigner, generateNoteKey, parseSignerKey } from '../note-keys.js';
import { consistencyProof } from '../proofs.js';
import { type TestLog, buildLeafData, buildLog } from '../testing/merkle-reference.js';
import { cosignatureSigner } from './cosignature.js';
import { formatAddCheckpoint } from './protocol.js';
import { type WitnessStateStore, memoryWitnessStateStore } from './state.js';
import { type Witness, openWitness } from './witness.js';

export const ORIGIN = 'example.com/log';

/** A log (in memory, pure library) that signs checkpoints as ORIGIN. */
export interface TestSignedLog {
  readonly tree: TestLog;
  readonly signer: NoteSigner;
  readonly verifierKey: string;
  grow(to: number): Promise<void>;
  checkpoint(size?: number, signer?: NoteSigner): Promise<string>;
  proof(oldSize: number, newSize: number): Promise<Uint8Array[]>;
  request(oldSize: number, size?: number): Promise<string>;
}

export async function buildSignedLog(size = 0): Promise<TestSignedLog> {
  const { signerKey, verifierKey } = generateNoteKey(ORIGIN);
  const signer = parseSignerKey(signerKey);
  const tree = buildLog();
  const log: TestSignedLog = {
    tree,
    signer,
    verifierKey,
    async grow(to) {
      while (tree.leaves.length < to) await tree.append(buildLeafData(tree.leaves.length));
    },
    async checkpoint(n = tree.leaves.length, s = signer) {
      const rootHash = await storedTreeHash(n, tree.reader);
      return signCheckpoint({ origin: ORIGIN, size: n, rootHash, extensions: [] }, [s]);
    },
    proof: (oldSize, newSize) => consistencyProof(oldSize, newSize, tree.reader),
    async request(oldSize, n = tree.leaves.length) {
      const proof = oldSize === 0 || oldSize === n ? [] : await log.proof(oldSize, n);
      return formatAddCheckpoint(oldSize, proof, await log.checkpoint(n));
    },
  };
  await log.grow(size);
  return log;
}

/** The witness's cosigner in tests (fixed seed). */
export const witnessSigner = cosignatureSigner('witness.example/w1', new Uint8Array(32).fill(9));

/** A witness following the test log's origin; time fixed at 2023-11-14 unless `now` says. */
export async function buildWitness(
  log: TestSignedLog,
  store: WitnessStateStore = memoryWitnessStateStore(),
  now: () => number = () => 1_700_000_000_000,
): Promise<Witness> {
  return openWitness({
    signer: witnessSigner,
    logs: [{ origin: ORIGIN, verifiers: [log.signer.verifier] }],
    store,
    now,
  });
}

/** The LedgerError code and details a promise rejects with ('no error' when it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LedgerError) return { code: err.code, details: err.details };
    throw err;
  }
  return { code: 'no error' };
}

const temps: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs(). */
export function buildTempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sg-witness-'));
  temps.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}
