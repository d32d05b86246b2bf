/**
 * Child process of the SIGKILL crash test (crash.test.ts): opens the log in DIR and appends
 * as fast as it can with many concurrent appenders, printing `<index> <sha256 hex>` for each
 * acknowledged (durable) append, until it is killed. Prints `ready <size>` once open.
 *
 *   node --conditions=source --import tsx crash-child.ts DIR ROUND
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { openLog } from '../log.js';
import { CRASH_ORIGIN, buildCrashSigner } from './crash-fixtures.js';

const [dir, round] = process.argv.slice(2);
if (dir === undefined || round === undefined) {
  console.error('usage: crash-child.ts DIR ROUND');
  process.exit(2);
}

const log = await openLog({
  dir,
  origin: CRASH_ORIGIN,
  signer: buildCrashSigner(),
  integrateIntervalMs: 25,
  batchMaxEntries: 512,
  journalSegmentBytes: 256 * 1024,
  onError: (err) => {
    console.error(err);
  },
});
// Pipes are synchronous on Linux: once writeSync returns, the parent can read the line.
writeSync(1, `ready ${log.checkpoint().size}\n`);

let lines: string[] = [];
let flushScheduled = false;
function ack(index: number, entry: Uint8Array): void {
  lines.push(`${index} ${createHash('sha256').update(entry).digest('hex')}`);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      const text = lines.join('\n') + '\n';
      lines = [];
      writeSync(1, text);
    });
  }
}

const salt = randomBytes(4).toString('hex');
let counter = 0;
async function appender(worker: number): Promise<void> {
  for (;;) {
    const entry = new TextEncoder().encode(
      `{"round":${round},"worker":${worker},"n":${counter++},"salt":"${salt}","pad":"${'x'.repeat(counter % 200)}"}`,
    );
    const { index } = await log.append(entry);
    ack(index, entry);
  }
}
await Promise.all(Array.from({ length: 64 }, (_, w) => appender(w)));
