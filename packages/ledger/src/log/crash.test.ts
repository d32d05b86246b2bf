/**
 * SIGKILL crash test («03 The ledger», Sequencer): a child process appends as fast as it can
 * with 64 concurrent appenders and prints every acknowledged append; it is killed with SIGKILL
 * at a random (seeded) moment; the log is reopened here and must verify from its files, prove
 * itself consistent with the tree before the crash, and hold every acknowledged entry at its
 * index. Repeated on one directory, so the log grows across crashes.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyTreeHash } from '../merkle.js';
import { verifyConsistency } from '../proofs.js';
import { openLog } from './log.js';
import { CRASH_ORIGIN, buildCrashSigner } from './testing/crash-fixtures.js';
import { verifyLogDir } from './testing/verify-dir.js';

const ROUNDS = 18;
const SEED = 0x5eed03;
const CHILD = resolve(import.meta.dirname, 'testing/crash-child.ts');
const ROOT = resolve(import.meta.dirname, '../../../..');

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildRun {
  readonly acked: Map<number, string>;
  readonly startSize: number;
  readonly stderr: string;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the child until `killAfterMs` past its `ready` line, then SIGKILLs it. */
function runChild(dir: string, round: number, killAfterMs: number): Promise<ChildRun> {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CHILD, dir, String(round)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  proc.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (killTimer === undefined && out.includes('\n')) {
      killTimer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Never hang the suite: a child that does not get ready in time is killed too.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  return new Promise((res, rej) => {
    proc.once('error', rej);
    proc.once('exit', (_code, signal) => {
      clearTimeout(guard);
      clearTimeout(killTimer);
      const lines = out.split('\n');
      lines.pop(); // an incomplete last line (or '') is not an acknowledgement we saw
      const [ready, ...acks] = lines;
      const m = /^ready (\d+)$/.exec(ready ?? '');
      if (m === null) {
        rej(new Error(`crash child did not get ready: ${stderr}`));
        return;
      }
      const acked = new Map<number, string>();
      for (const line of acks) {
        const [index, hash] = line.split(' ');
        const i = Number(index);
        if (acked.has(i)) {
          rej(new Error(`index ${i} acknowledged twice`));
          return;
        }
        acked.set(i, hash!);
      }
      res({ acked, startSize: Number(m[1]), stderr, signal });
    });
  });
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('SIGKILL during heavy appends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synthguard-crash-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged entry and verifies after ${ROUNDS} crashes`, async () => {
    const random = prng(SEED);
    const signer = buildCrashSigner();
    let prev = { size: 0, root: emptyTreeHash() };
    let totalAcked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = Math.floor(20 + random() * 250);
      const run = await runChild(dir, round, killAfterMs);
      expect(run.signal, `round ${round}: the child died by itself: ${run.stderr}`).toBe('SIGKILL');
      expect(run.stderr, `round ${round}`).toBe('');
      expect(run.startSize, `round ${round}: the child saw the tree shrink`).toBeGreaterThanOrEqual(
        prev.size,
      );

      const log = await openLog({ dir, origin: CRASH_ORIGIN, signer });
      try {
        const cp = log.checkpoint();
        const maxAcked = Math.max(-1, ...run.acked.keys());
        expect(cp.size, `round ${round}`).toBeGreaterThan(maxAcked);
        for (const [index, hash] of run.acked) {
          expect(sha256(await log.entry(index)), `round ${round}, entry ${index}`).toBe(hash);
        }
        const proof = await log.consistencyProof(prev.size, cp.size);
        expect(verifyConsistency(prev.size, cp.size, proof, prev.root, cp.root), `round ${round}`).toBe(true);
      } finally {
        await log.close();
      }
      const verified = await verifyLogDir(dir, CRASH_ORIGIN, signer.verifier, prev.size);
      expect(verified.size).toBe(verified.entries.length + prev.size);
      prev = { size: verified.size, root: verified.root };
      totalAcked += run.acked.size;
    }
    expect(totalAcked, 'the children acknowledged appends').toBeGreaterThan(ROUNDS * 10);
  }, 60_000);
});
