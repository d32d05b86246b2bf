/**
 * A C2SP tlog-witness (https://c2sp.org/tlog-witness, "add-checkpoint"): for each configured log
 * it keeps the latest checkpoint it cosigned and cosigns a new one only when it is signed by the
 * log and provably consistent with it, so nobody holding our cosignatures can be shown two
 * different histories of the log.
 *
 * Checks, in the spec's terms and with the error each raises (HTTP status in http.ts):
 *  - the body is `old <size>`, at most 63 proof lines, a blank line, a note  → ledger.malformed_request (400)
 *  - the origin (first line) names a configured log                         → ledger.witness_unknown_log (404)
 *  - a configured key of that log signed it, no known key's signature fails → ledger.unknown_key,
 *                                                                              ledger.invalid_signature (403)
 *  - the note and checkpoint are well-formed                                → ledger.malformed_note,
 *                                                                              ledger.malformed_checkpoint (400)
 *  - old size <= checkpoint size                                            → ledger.malformed_request (400)
 *  - old size == the size we last cosigned (0 if never)                     → ledger.witness_conflict (409, details.size)
 *  - size 0 has the empty-tree root; old 0 has no proof; old == size has
 *    no proof and the same root; otherwise the RFC 6962 consistency proof
 *    from our root to the new root verifies                                 → ledger.inconsistent_checkpoint (422)
 *  - our clock has not gone back since our last cosignature for the log     → ledger.clock_backwards (503)
 *
 * The check of the old size and the update of the state are atomic per log (one request at a
 * time per origin; the spec's rollback race), and the new state is durable BEFORE the
 * cosignature is returned: a crash can lose a cosignature, never the memory of having given it.
 */
import { bytesEqual } from '@synthguard/core';
import { openCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { emptyTreeHash } from '../merkle.js';
import type { NoteVerifier } from '../note-keys.js';
import { signNote } from '../note.js';
import { verifyConsistency } from '../proofs.js';
import type { CosignatureSigner } from './cosignature.js';
import { MAX_ADD_CHECKPOINT_BYTES, parseAddCheckpoint } from './protocol.js';
import type { WitnessLogState, WitnessState, WitnessStateStore } from './state.js';

/** A log the witness follows: its origin line and the keys that sign its checkpoints. */
export interface WitnessLogConfig {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

export interface WitnessOptions {
  readonly signer: CosignatureSigner;
  readonly logs: readonly WitnessLogConfig[];
  readonly store: WitnessStateStore;
  /** ms since the epoch (default Date.now). */
  readonly now?: () => number;
  /** Largest add-checkpoint body (default MAX_ADD_CHECKPOINT_BYTES). */
  readonly maxBodyBytes?: number;
}

export interface Witness {
  readonly name: string;
  /** The cosigner's verifier key (type 0x04): what log operators and clients configure. */
  readonly verifierKey: string;
  readonly origins: readonly string[];
  /**
   * Handles one add-checkpoint request body; resolves with the cosignature line(s) for the 200
   * answer, after the new state is durable. Throws LedgerError (see the module comment).
   */
  addCheckpoint(body: Uint8Array | string): Promise<string>;
  /** What the witness last cosigned for `origin`, or undefined. */
  latest(origin: string): WitnessLogState | undefined;
}

function inconsistent(problem: string): LedgerError {
  return new LedgerError(
    'ledger.inconsistent_checkpoint',
    `The checkpoint is not consistent with the one last cosigned (${problem}); it was not cosigned.`,
    { details: { problem } },
  );
}

/** Runs tasks one at a time per key, in arrival order. */
function keyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/** Opens a witness over its saved state. Throws ledger.invalid_argument for a bad log list. */
export async function openWitness(options: WitnessOptions): Promise<Witness> {
  const { signer, store } = options;
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_ADD_CHECKPOINT_BYTES;
  const logs = new Map<string, NoteVerifier[]>();
  for (const log of options.logs) {
    if (log.origin === '' || log.origin.includes('\n') || log.verifiers.length === 0) {
      throw new LedgerError('ledger.invalid_argument', 'A witnessed log needs an origin line and a key.', {
        details: { field: 'logs' },
      });
    }
    logs.set(log.origin, [...(logs.get(log.origin) ?? []), ...log.verifiers]);
  }
  let state: WitnessState = await store.load();
  const perLog = keyedQueue();
  const saving = keyedQueue();

  const persist = (origin: string, entry: WitnessLogState): Promise<void> =>
    saving('', async () => {
      const next = new Map(state);
      next.set(origin, entry);
      await store.save(next);
      state = next;
    });

  return {
    name: signer.name,
    verifierKey: signer.verifier.verifierKey,
    origins: [...logs.keys()],
    latest: (origin) => state.get(origin),
    async addCheckpoint(body) {
      const req = parseAddCheckpoint(body, maxBodyBytes);
      const verifiers = logs.get(req.origin);
      if (verifiers === undefined) {
        throw new LedgerError(
          'ledger.witness_unknown_log',
          'This witness does not follow that log: ask its operator to add the log origin and key.',
        );
      }
      const { checkpoint: cp, note } = openCheckpoint(req.checkpoint, req.origin, verifiers);
      if (cp.size === 0 && !bytesEqual(cp.rootHash, emptyTreeHash())) {
        throw inconsistent('a tree of size 0 has the root hash of the empty string');
      }
      if (req.oldSize > cp.size) {
        throw new LedgerError(
          'ledger.malformed_request',
          'The add-checkpoint request is malformed: the old size is above the checkpoint size; fix the client.',
          { details: { problem: 'old size above checkpoint size' } },
        );
      }
      return perLog(req.origin, async () => {
        const prev = state.get(req.origin);
        const prevSize = prev?.size ?? 0;
        if (req.oldSize !== prevSize) {
          throw new LedgerError(
            'ledger.witness_conflict',
            'The old size is not the size this witness last cosigned: send a proof from that size.',
            { details: { size: prevSize } },
          );
        }
        if (req.oldSize === 0 || prev === undefined) {
          if (req.proof.length !== 0) throw inconsistent('a proof from the empty tree must be empty');
        } else if (req.oldSize === cp.size) {
          if (req.proof.length !== 0) throw inconsistent('a proof between equal sizes must be empty');
          if (!bytesEqual(prev.root, cp.rootHash)) throw inconsistent('same size, different root: a fork');
        } else {
          let ok: boolean;
          try {
            ok = verifyConsistency(prevSize, cp.size, req.proof, prev.root, cp.rootHash);
          } catch (err) {
            if (!(err instanceof LedgerError) || err.code !== 'ledger.invalid_proof') throw err;
            ok = false;
          }
          if (!ok) throw inconsistent('the consistency proof does not verify');
        }
        const time = Math.floor(now() / 1000);
        if (prev !== undefined && time < prev.time) {
          throw new LedgerError(
            'ledger.clock_backwards',
            "The witness's clock is behind its last cosignature for this log: fix the clock; nothing was cosigned.",
            { details: { last: prev.time, now: time } },
          );
        }
        // The log's verified signatures, then ours: what monitors get from this witness.
        const cosigned = signNote(note.text, [signer.at(time)], note.signatures);
        await persist(req.origin, { size: cp.size, root: cp.rootHash, time, checkpoint: cosigned });
        return cosigned.slice(cosigned.lastIndexOf('\n', cosigned.length - 2) + 1);
      });
    },
  };
}
