/**
 * The worker pool and its watchdog. Jobs (batches of inputs of one target) go to idle workers;
 * a timer reads each busy worker's shared slot, and when the same input has been running for
 * longer than the timeout, or the worker dies (`resourceLimits` exceeded, a crash of the thread),
 * the pool replaces the worker and blames the input in the slot. A suspect is run once more,
 * alone, in a fresh worker before it becomes a finding, so a machine stall is not reported as a
 * hang; the rest of its batch is run again.
 */
import { Worker } from 'node:worker_threads';
import {
  type BatchMessage,
  type BatchResult,
  type FindingKind,
  type FromWorker,
  SLOT_INDEX,
  SLOT_LENGTH,
  SLOT_SEQ,
  type WorkerInit,
} from './protocol.js';

export interface Job<Item> {
  readonly target: string;
  readonly items: readonly Item[];
  /** A re-run of one suspect input: a second timeout or death makes it a finding. */
  readonly confirm?: boolean;
}

export interface PoolOptions<Item> {
  readonly workers: number;
  readonly timeoutMs: number;
  readonly nowMs: number;
  readonly bytesOf: (item: Item) => Uint8Array;
  /** The next job, or undefined when the generator is exhausted. */
  readonly next: () => Job<Item> | undefined;
  readonly onResult: (job: Job<Item>, result: BatchResult) => void;
  /** A confirmed hang or death of the worker on `item`. */
  readonly onFatal: (job: Job<Item>, item: Item, kind: FindingKind, message: string) => void;
  /** A suspect that ran fine alone (counted by the caller as retried). */
  readonly onCleared?: (job: Job<Item>) => void;
}

interface Slot {
  worker: Worker;
  state: Int32Array;
  ready: boolean;
  job?: Job<unknown>;
  jobId: number;
  lastSeq: number;
  lastChange: number;
  retired: boolean;
}

/**
 * The worker's entry: a tiny ESM bootstrap that registers tsx in the thread (the parent's
 * `--import tsx` does not reach worker threads) and then loads `worker.ts`.
 */
function workerUrl(): URL {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const code = `const api = await import(${JSON.stringify(api)}); api.register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export function runPool<Item>(options: PoolOptions<Item>): Promise<void> {
  const url = workerUrl();
  const retry: Job<Item>[] = [];
  const slots = new Set<Slot>();
  let nextId = 1;
  let exhausted = false;
  let blind = 0;

  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      for (const s of slots) void s.worker.terminate();
      reject(err instanceof Error ? err : new Error(String(err)));
    };

    const takeJob = (): Job<Item> | undefined => {
      const again = retry.shift();
      if (again !== undefined) return again;
      if (exhausted) return undefined;
      const job = options.next();
      if (job === undefined) exhausted = true;
      return job;
    };

    const maybeFinish = (): void => {
      if (finished || !exhausted || retry.length > 0) return;
      for (const s of slots) if (s.job !== undefined || !s.ready) return;
      finished = true;
      clearInterval(timer);
      Promise.all([...slots].map((s) => s.worker.terminate())).then(() => {
        resolve();
      }, reject);
    };

    const dispatch = (s: Slot): void => {
      const job = takeJob();
      if (job === undefined) {
        maybeFinish();
        return;
      }
      s.job = job;
      s.jobId = nextId++;
      Atomics.store(s.state, SLOT_INDEX, -1);
      s.lastSeq = Atomics.load(s.state, SLOT_SEQ);
      s.lastChange = Date.now();
      const msg: BatchMessage = {
        type: 'batch',
        id: s.jobId,
        target: job.target,
        inputs: job.items.map(options.bytesOf),
      };
      s.worker.postMessage(msg);
    };

    /** The worker is gone (hung and terminated, or dead): blame the input in its slot, requeue the rest. */
    const lose = (s: Slot, kind: FindingKind, message: string): void => {
      if (s.retired) return;
      s.retired = true;
      slots.delete(s);
      void s.worker.terminate();
      const job = s.job as Job<Item> | undefined;
      const index = Atomics.load(s.state, SLOT_INDEX);
      // Lost between inputs, again and again: the harness is broken, not an input.
      blind = index >= 0 ? 0 : blind + 1;
      if (blind > 3) {
        fail(new Error(`fuzz workers keep failing outside any input: ${message}`));
        return;
      }
      if (job !== undefined) {
        const suspect = index >= 0 ? job.items[index] : undefined;
        const others = job.items.filter((_, i) => i !== index);
        if (others.length > 0) retry.push({ target: job.target, items: others });
        if (suspect !== undefined) {
          if (job.confirm === true) options.onFatal(job, suspect, kind, message);
          else retry.unshift({ target: job.target, items: [suspect], confirm: true });
        }
      } else if (!s.ready) {
        fail(new Error(`fuzz worker failed to start: ${message}`));
        return;
      }
      spawn();
    };

    const spawn = (): void => {
      const state = new Int32Array(new SharedArrayBuffer(SLOT_LENGTH * 4));
      const init: WorkerInit = {
        slot: state.buffer,
        nowMs: options.nowMs,
        timeoutMs: options.timeoutMs,
      };
      const worker = new Worker(url, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: 512 } });
      const s: Slot = {
        worker,
        state,
        ready: false,
        jobId: 0,
        lastSeq: 0,
        lastChange: Date.now(),
        retired: false,
      };
      slots.add(s);
      worker.on('message', (msg: FromWorker) => {
        if (s.retired) return;
        if (msg.type === 'fatal') {
          fail(new Error(msg.message));
          return;
        }
        if (msg.type === 'ready') {
          s.ready = true;
          dispatch(s);
          return;
        }
        const job = s.job as Job<Item> | undefined;
        if (job === undefined || msg.id !== s.jobId) return;
        s.job = undefined;
        try {
          let result = msg;
          if (job.confirm !== true) {
            // A slow input is timed again alone before it counts (the machine may have stalled).
            const slow = msg.findings.filter((f) => f.kind === 'slow');
            for (const f of slow)
              retry.push({ target: job.target, items: [job.items[f.index]!], confirm: true });
            if (slow.length > 0) result = { ...msg, findings: msg.findings.filter((f) => f.kind !== 'slow') };
          } else if (msg.findings.length === 0) {
            options.onCleared?.(job);
          }
          options.onResult(job, result);
        } catch (err) {
          fail(err);
          return;
        }
        dispatch(s);
      });
      worker.on('error', (err: Error & { code?: string }) => {
        lose(s, 'worker-died', `${err.code ?? err.name}: ${err.message}`);
      });
      worker.on('exit', (code) => {
        if (!s.retired && !finished) lose(s, 'worker-died', `worker exited with code ${code}`);
      });
    };

    const timer = setInterval(() => {
      const now = Date.now();
      for (const s of slots) {
        if (s.job === undefined) continue;
        const seq = Atomics.load(s.state, SLOT_SEQ);
        if (seq !== s.lastSeq) {
          s.lastSeq = seq;
          s.lastChange = now;
        } else if (now - s.lastChange > options.timeoutMs) {
          lose(s, 'hang', `no progress for more than ${options.timeoutMs} ms`);
        }
      }
    }, 50);

    for (let i = 0; i < options.workers; i++) spawn();
  });
}
