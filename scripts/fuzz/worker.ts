/**
 * A fuzz worker thread: builds the targets once, then runs batches of inputs and reports
 * counts and findings per batch. Before each input it publishes the input's index in the shared
 * slot (for the driver's watchdog) and arms the allocation cap (`alloc-guard.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { beginInput, endInput, installAllocationGuard } from './alloc-guard.js';
import {
  type BatchMessage,
  type BatchResult,
  SLOT_INDEX,
  SLOT_SEQ,
  type WorkerFinding,
  type WorkerInit,
} from './protocol.js';

// Before the targets load, so every module sees the guarded constructors.
installAllocationGuard();
const { buildTargets, FuzzFailure } = await import('./targets.js');

const init = workerData as WorkerInit;
const slot = new Int32Array(init.slot);
const targets = new Map(buildTargets({ now: new Date(init.nowMs) }).map((t) => [t.name, t]));
const port = parentPort!;

function describe(err: unknown): { message: string; stack: string } {
  if (err instanceof Error) {
    let stack = err.stack ?? `${err.name}: ${err.message}`;
    for (let cause: unknown = err.cause, depth = 0; cause instanceof Error && depth < 4; depth++) {
      stack += `\ncaused by: ${cause.stack ?? cause.message}`;
      cause = cause.cause;
    }
    return { message: `${err.name}: ${err.message}`, stack };
  }
  return { message: `non-Error thrown: ${String(err)}`, stack: '' };
}

function runBatch(msg: BatchMessage): BatchResult {
  const target = targets.get(msg.target)!;
  const findings: WorkerFinding[] = [];
  let ok = 0;
  let rejected = 0;
  let maxMs = 0;
  let maxGrown = 0;
  const started = performance.now();
  for (const [index, input] of msg.inputs.entries()) {
    Atomics.store(slot, SLOT_INDEX, index);
    Atomics.add(slot, SLOT_SEQ, 1);
    const before = beginInput(input.length);
    const t0 = performance.now();
    let finding: Omit<WorkerFinding, 'ms'> | undefined;
    let accepted = false;
    try {
      accepted = target.run(input).rejected === '';
    } catch (err) {
      if (err instanceof FuzzFailure) {
        const original = err.original === undefined ? describe(err) : describe(err.original);
        finding = { index, kind: err.kind, op: err.op, message: err.message, stack: original.stack };
      } else {
        finding = { index, kind: 'crash', op: '(harness)', ...describe(err) };
      }
    }
    const ms = performance.now() - t0;
    const { grown, violation } = endInput(before);
    if (violation !== undefined) {
      finding = {
        index,
        kind: 'allocation',
        op: finding?.op ?? '(input)',
        message: `${violation.what}: ${violation.bytes} bytes, cap ${violation.cap}${finding ? `; then ${finding.message}` : ''}`,
        stack: violation.stack || (finding?.stack ?? ''),
      };
    }
    if (finding === undefined && ms > init.timeoutMs) {
      finding = { index, kind: 'slow', op: '(input)', message: `took ${ms.toFixed(0)} ms`, stack: '' };
    }
    if (finding !== undefined) findings.push({ ...finding, ms });
    else if (accepted) ok++;
    else rejected++;
    maxMs = Math.max(maxMs, ms);
    maxGrown = Math.max(maxGrown, grown);
  }
  Atomics.store(slot, SLOT_INDEX, -1);
  return {
    type: 'done',
    id: msg.id,
    ok,
    rejected,
    busyMs: performance.now() - started,
    maxMs,
    maxGrown,
    findings,
  };
}

port.on('message', (msg: BatchMessage) => {
  if (!targets.has(msg.target)) {
    port.postMessage({ type: 'fatal', message: `unknown fuzz target ${msg.target}` });
    return;
  }
  port.postMessage(runBatch(msg));
});
port.postMessage({ type: 'ready' });
