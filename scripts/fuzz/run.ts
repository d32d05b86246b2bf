/**
 * `npm run fuzz`: hostile-input fuzzing of every parser (format handlers, the C2PA reader, the
 * label parsers, the ledger's parsers and proof verifiers; see targets.ts). For each target it
 * runs its seeds (seeds.ts) and then mutated copies of them (mutate.ts), deterministically from
 * `--seed`, in a pool of worker threads with a per-input watchdog and allocation cap (pool.ts,
 * alloc-guard.ts). Failing inputs go to `fuzz-findings/` (findings.ts); the run prints a summary
 * table and exits 1 on any finding.
 *
 *   npm run fuzz                               100,000 inputs per target, random seed (printed)
 *   npm run fuzz:quick                         3,000 per target, --seed 1 (CI)
 *   npm run fuzz -- --handler png,c2pa --seed 42 --count 5000
 *   npm run fuzz -- --replay fuzz-findings/png/<sha256>.bin
 *
 * Options: --seed N, --handler NAME[,NAME] (a target name or its prefix before the dot:
 * `c2pa`, `labels`, `ledger`), --count N, --quick, --workers N, --timeout-ms N (default 1000),
 * --out DIR (default fuzz-findings), --replay FILE..., --list.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { FindingWriter } from './findings.js';
import { mutate } from './mutate.js';
import { type Job, runPool } from './pool.js';
import { newStats, summaryTable, type TargetStats } from './report.js';
import { inputRng } from './rng.js';
import { buildSeeds, RESEAL, type Seed } from './seeds.js';
import { targetNames } from './targets.js';

const FULL_COUNT = 100_000;
const QUICK_COUNT = 3_000;
const BATCH = 100;

interface Item {
  /** Index in the target's input sequence (seeds first, then mutants). */
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly from: string;
  readonly ops: readonly string[];
}

const { values, positionals } = parseArgs({
  options: {
    seed: { type: 'string' },
    handler: { type: 'string', multiple: true },
    count: { type: 'string' },
    quick: { type: 'boolean', default: false },
    workers: { type: 'string' },
    'timeout-ms': { type: 'string', default: '1000' },
    out: { type: 'string', default: 'fuzz-findings' },
    replay: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

function intOption(name: string, text: string | undefined, fallback: number, max = 2 ** 31): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`--${name} must be an integer in [0, ${max}]`);
  return n;
}

const seed = intOption('seed', values.seed, randomInt(2 ** 31), 2 ** 32 - 1);
const count = intOption('count', values.count, values.quick ? QUICK_COUNT : FULL_COUNT);
const workers = Math.max(1, intOption('workers', values.workers, availableParallelism(), 256));
const timeoutMs = Math.max(1, intOption('timeout-ms', values['timeout-ms'], 1000));

/** `--replay a.bin b.bin`: targets from `--handler`, else from each file's directory name. */
const replayFiles = values.replay ? positionals : [];
if (!values.replay && positionals.length > 0)
  throw new Error(`unexpected arguments: ${positionals.join(' ')}`);

function selectTargets(): string[] {
  const all = targetNames().map((t) => t.name);
  const wanted = (values.handler ?? [])
    .flatMap((h) => h.split(','))
    .map((h) => h.trim())
    .filter(Boolean);
  if (values.replay && wanted.length === 0)
    wanted.push(...new Set(replayFiles.map((f) => basename(dirname(f)))));
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.some((t) => t === w || t.startsWith(`${w}.`)));
  if (unknown.length > 0)
    throw new Error(`unknown --handler ${unknown.join(', ')}; targets: ${all.join(', ')}`);
  return all.filter((t) => wanted.some((w) => t === w || t.startsWith(`${w}.`)));
}

const names = selectTargets();
const seeds = values.replay ? new Map<string, Seed[]>() : await buildSeeds(names);

if (values.list) {
  for (const name of names) {
    const list = seeds.get(name) ?? [];
    console.log(`${name}: ${list.length} seeds`);
    for (const s of list)
      console.log(
        `  ${s.labeled ? 'labeled  ' : 'unlabeled'} ${String(s.bytes.length).padStart(7)} B  ${s.name}`,
      );
  }
  process.exit(0);
}

const errorNames = new Map(targetNames().map((t) => [t.name, t.errorName]));
const stats = new Map<string, TargetStats>(
  names.map((n) => [n, newStats(n, errorNames.get(n)!, seeds.get(n)?.length ?? 0)]),
);
// A replay prints its findings (with stacks) instead of writing the inputs again.
const writer = new FindingWriter(values.replay ? undefined : values.out);

/** The job generator: per target, its seeds as they are, then mutants, `BATCH` at a time. */
function* jobs(): Generator<Job<Item>> {
  if (values.replay) {
    for (const file of replayFiles) {
      const bytes = new Uint8Array(readFileSync(file));
      for (const target of names.length === 1 ? names : [basename(dirname(file))]) {
        yield { target, items: [{ index: 0, bytes, from: file, ops: [] }] };
      }
    }
    return;
  }
  for (const target of names) {
    const list = seeds.get(target)!;
    const seedBytes = list.map((s) => s.bytes);
    const maxLength = 2 * Math.max(...seedBytes.map((b) => b.length)) + 4096;
    for (let start = 0; start < count; start += BATCH) {
      const items: Item[] = [];
      for (let index = start; index < Math.min(count, start + BATCH); index++) {
        if (index < list.length) {
          items.push({ index, bytes: list[index]!.bytes, from: list[index]!.name, ops: [] });
          continue;
        }
        const m = mutate({
          rng: inputRng(seed, target, index),
          seeds: seedBytes,
          maxLength,
          reseal: RESEAL[target],
        });
        items.push({ index, bytes: m.bytes, from: list[m.seed]!.name, ops: m.ops });
      }
      yield { target, items };
    }
  }
}

const total = values.replay ? replayFiles.length : names.length * count;
const tty = process.stderr.isTTY;
const bar = new cliProgress.SingleBar(
  {
    stream: process.stderr,
    format: 'fuzz {bar} {percentage}% | {value}/{total} | {target} | findings {findings} | {eta_formatted}',
    hideCursor: true,
    etaBuffer: 50,
  },
  cliProgress.Presets.shades_classic,
);
console.error(
  `fuzz: ${names.length} target(s), ${values.replay ? `${replayFiles.length} replayed input(s)` : `${count} inputs each`}, ` +
    `seed ${seed}, ${workers} worker(s), timeout ${timeoutMs} ms`,
);
bar.start(total, 0, { target: names[0] ?? '', findings: 0 });
let done = 0;
let findings = 0;
const generator = jobs();
const started = Date.now();

await runPool<Item>({
  workers,
  timeoutMs,
  nowMs: started,
  bytesOf: (item) => item.bytes,
  next: () => {
    const r = generator.next();
    return r.done === true ? undefined : r.value;
  },
  onResult: (job, result) => {
    const s = stats.get(job.target)!;
    const counted = result.ok + result.rejected + result.findings.length;
    s.inputs += counted;
    s.ok += result.ok;
    s.rejected += result.rejected;
    s.findings += result.findings.length;
    s.busyMs += result.busyMs;
    s.maxMs = Math.max(s.maxMs, result.maxMs);
    s.maxGrown = Math.max(s.maxGrown, result.maxGrown);
    for (const f of result.findings) {
      const item = job.items[f.index]!;
      writer.add(
        { target: job.target, ...f, seed, index: item.index, from: item.from, mutations: item.ops },
        item.bytes,
      );
    }
    findings += result.findings.length;
    done += counted;
    if (tty) bar.update(done, { target: job.target, findings });
    else if (s.inputs === count) console.error(`fuzz: ${job.target} done (${s.findings} findings)`);
  },
  onFatal: (job, item, kind, message) => {
    const s = stats.get(job.target)!;
    s.inputs++;
    s.findings++;
    s.maxMs = Math.max(s.maxMs, timeoutMs);
    findings++;
    done++;
    writer.add(
      {
        target: job.target,
        kind,
        op: '(input)',
        message,
        stack: '',
        ms: timeoutMs,
        seed,
        index: item.index,
        from: item.from,
        mutations: item.ops,
      },
      item.bytes,
    );
  },
  onCleared: (job) => {
    stats.get(job.target)!.retried++;
  },
});
bar.stop();

const elapsed = (Date.now() - started) / 1000;
console.log(`\nfuzz: seed ${seed}, ${done} inputs in ${elapsed.toFixed(1)} s on ${workers} worker(s)\n`);
console.log(summaryTable([...stats.values()]));
if (findings > 0) {
  console.log(
    `\n${findings} finding(s), ${writer.distinct.size} distinct${values.replay ? '' : `; inputs in ${values.out}/`}:`,
  );
  for (const { record, count: n, file } of writer.distinct.values()) {
    console.log(
      `  ${record.target} ${record.kind} x${n}: ${record.message.slice(0, 200)}${file ? `\n    ${file}` : ''}`,
    );
    if (values.replay)
      console.log(`    op ${record.op}, ${record.ms.toFixed(1)} ms\n${record.stack.replace(/^/gm, '    ')}`);
  }
  process.exitCode = 1;
}
