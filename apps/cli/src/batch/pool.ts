/**
 * A pool of worker threads, one per core by default, that runs the CPU-heavy part of a batch
 * (parsing, labeling, signing, hashing) while the main thread keeps the database and the files
 * in order. A task that crashes its worker fails alone; the worker is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from 'commander';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

export interface PoolOptions {
  readonly jobs?: number | undefined;
}

/**
 * A worker thread on the worker module: dist/batch/worker.js when built; when running from
 * source (tests, `tsx`), worker.ts with tsx registered inside the worker first, because
 * loader hooks of the main thread do not reach worker threads on Node 20.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const url = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(boot, { eval: true });
}

/** `--jobs N`: a whole number from 1 to 256 (commander argParser). */
export function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError('--jobs is a whole number from 1 to 256.');
  }
  return n;
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs every request through the pool, at most `jobs` at a time; `onDone` is called in
 * completion order (await it: the pool waits before giving that worker more work).
 */
export async function runPool(
  requests: readonly WorkerRequest[],
  onDone: (request: WorkerRequest, response: WorkerResponse) => Promise<void>,
  options: PoolOptions = {},
): Promise<void> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), requests.length));
  let next = 0;
  const runWorker = async (): Promise<void> => {
    let worker = startWorker();
    try {
      while (next < requests.length) {
        const request = requests[next++]!;
        let response: WorkerResponse;
        try {
          response = await ask(worker, request);
        } catch (err) {
          // The worker died (out of memory, a crash): report this task, start a fresh worker.
          response = {
            ok: false,
            code: 'internal',
            message: `The worker processing this file stopped: ${err instanceof Error ? err.message : String(err)}`,
          };
          await worker.terminate();
          worker = startWorker();
        }
        await onDone(request, response);
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: jobs }, runWorker));
}

function ask(worker: Worker, request: WorkerRequest): Promise<WorkerResponse> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: WorkerResponse): void => {
      cleanup();
      resolve(m);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`exit code ${String(code)}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
