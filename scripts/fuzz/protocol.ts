/**
 * Messages between the fuzz driver (main thread) and its workers, and the shared "slot" through
 * which a worker publishes the input it is running: a hung or dying worker cannot post a message,
 * so the driver reads the slot to know which input to blame.
 */

export interface WorkerInit {
  /** Int32Array view: [SLOT_INDEX] index in the current batch (-1 idle), [SLOT_SEQ] inputs started. */
  readonly slot: SharedArrayBuffer;
  /** Validation time for C2PA reads (ms since the epoch). */
  readonly nowMs: number;
  /** An input running longer is a finding (also reported by the worker when it does finish). */
  readonly timeoutMs: number;
}

export const SLOT_INDEX = 0;
export const SLOT_SEQ = 1;
export const SLOT_LENGTH = 2;

export interface BatchMessage {
  readonly type: 'batch';
  readonly id: number;
  readonly target: string;
  readonly inputs: readonly Uint8Array[];
}

export type FindingKind = 'crash' | 'invariant' | 'allocation' | 'slow' | 'hang' | 'worker-died';

export interface WorkerFinding {
  /** Index in the batch. */
  readonly index: number;
  readonly kind: FindingKind;
  readonly op: string;
  readonly message: string;
  readonly stack: string;
  readonly ms: number;
}

export interface BatchResult {
  readonly type: 'done';
  readonly id: number;
  readonly ok: number;
  readonly rejected: number;
  /** Time spent running the batch's inputs (not waiting). */
  readonly busyMs: number;
  readonly maxMs: number;
  /** Largest heap + external growth over one input (bytes). */
  readonly maxGrown: number;
  readonly findings: readonly WorkerFinding[];
}

export interface ReadyMessage {
  readonly type: 'ready';
}

/** The worker cannot go on (an unknown target: a harness bug, not a finding). */
export interface FatalMessage {
  readonly type: 'fatal';
  readonly message: string;
}

export type FromWorker = BatchResult | ReadyMessage | FatalMessage;
