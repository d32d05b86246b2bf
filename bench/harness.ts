/**
 * A tiny benchmark harness: warm-up, then timed samples until a time budget (and a minimum
 * sample count) is met; reports median, p95, ops/s, MB/s and ratios to baselines measured in
 * the same run. Benchmarks report; they never assert wall-clock targets (docs/benchmarks.md).
 *
 *   node --conditions=source --expose-gc --import tsx bench/run.ts [--quick] [--json FILE] [--filter RE]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

export interface Budget {
  /** Warm-up: at least this long … */
  warmupMs: number;
  /** … and at least this many calls (untimed; also used to pick the batch size). */
  warmupMin: number;
  /** Timed phase: at least this long (wall clock, including untimed `beforeEach`) … */
  timeMs: number;
  /** … and at least this many samples … */
  minSamples: number;
  /** … but never more than this many. */
  maxSamples: number;
}

export const FULL_BUDGET: Budget = {
  warmupMs: 500,
  warmupMin: 5,
  timeMs: 3000,
  minSamples: 20,
  maxSamples: 100_000,
};
export const QUICK_BUDGET: Budget = {
  warmupMs: 50,
  warmupMin: 1,
  timeMs: 250,
  minSamples: 3,
  maxSamples: 20_000,
};

/** A sample shorter than this is too close to the timer's overhead: calls are batched per sample. */
const MIN_SAMPLE_NS = 20_000;

export interface BenchCase {
  /** Unique, stable id (comparisons, `--filter`, the JSON): 'write.jpeg-1080p'. */
  name: string;
  /** Human-readable description for the table. */
  title: string;
  /** Bytes processed per call, when MB/s is meaningful. */
  bytes?: number;
  /** One operation. May be async; it is awaited. */
  fn: () => unknown;
  /** Untimed, before every call (e.g. removing the previous output file). */
  beforeEach?: () => void;
  /** Overrides of the run's budget for this case (e.g. a larger minimum for noisy cases). */
  budget?: Partial<Budget>;
}

export interface Comparison {
  /** The measured case. */
  subject: string;
  /** The case it is compared against, measured in the same run. */
  baseline: string;
  /** Why this comparison is made, printed beside it. */
  note?: string;
}

export interface CaseResult {
  name: string;
  title: string;
  samples: number;
  /** Calls per sample (> 1 only for very fast operations). */
  batch: number;
  medianNs: number;
  p95Ns: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
  /** 1e9 / median. */
  opsPerSec: number;
  bytes?: number;
  /** bytes / median, in MB/s (1 MB = 1e6 bytes). */
  mbPerSec?: number;
}

export interface ComparisonResult extends Comparison {
  /** baseline median / subject median: > 1 means the subject is that many times faster. */
  ratio: number | null;
  skipped?: string;
}

export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  cpuModel: string;
  nproc: number;
  totalMemGiB: number;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews figures. */
  loadAverage: { start: number; end: number | null };
  exiftool: string | null;
}

export interface RunOptions {
  quick: boolean;
  /** Also run the slow opt-in measurements (labeling 200 MB to 2 GiB movies: `--large`). */
  large: boolean;
  json: string | undefined;
  filter: RegExp | undefined;
  budget: Budget;
}

export function parseBenchArgs(argv: readonly string[]): RunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      large: { type: 'boolean', default: false },
      json: { type: 'string' },
      filter: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(
      'usage: npm run bench -- [--quick] [--large] [--json FILE] [--filter REGEXP]\n' +
        '  --quick    small budgets (CI smoke run; figures are indicative only)\n' +
        '  --large    also label 200 MB, 1 GB and 2 GiB movies in a child process (peak RSS; slow)\n' +
        '  --json     also write machine-readable results to FILE\n' +
        '  --filter   only cases whose name matches (baselines of matched cases run too)',
    );
    process.exit(0);
  }
  return {
    quick: values.quick,
    large: values.large,
    json: values.json,
    filter: values.filter === undefined ? undefined : new RegExp(values.filter),
    budget: values.quick ? QUICK_BUDGET : FULL_BUDGET,
  };
}

/** The value at quantile q (0..1) of sorted numbers, linear interpolation between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs `fn` `times` times; awaits only when it returns promises (no microtask cost for sync code). */
async function repeat(fn: () => unknown, times: number, isAsync: boolean): Promise<void> {
  if (isAsync) {
    for (let i = 0; i < times; i++) await fn();
  } else {
    for (let i = 0; i < times; i++) fn();
  }
}

/** Measures one case: warm-up (untimed), then timed samples of `batch` calls each. */
export async function measure(c: BenchCase, base: Budget): Promise<CaseResult> {
  const budget = { ...base, ...c.budget };
  gc();

  // Warm-up; also estimates the cost of one call to choose the batch size.
  c.beforeEach?.();
  const first = c.fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  let warmCalls = 0;
  let warmNs = 0n;
  const warmStart = process.hrtime.bigint();
  while (
    warmCalls < budget.warmupMin ||
    Number(process.hrtime.bigint() - warmStart) < budget.warmupMs * 1e6
  ) {
    c.beforeEach?.();
    const t0 = process.hrtime.bigint();
    await repeat(c.fn, 1, isAsync);
    warmNs += process.hrtime.bigint() - t0;
    warmCalls++;
  }
  const perCall = Number(warmNs) / warmCalls;
  const batch = c.beforeEach === undefined ? Math.max(1, Math.ceil(MIN_SAMPLE_NS / Math.max(perCall, 1))) : 1;

  const samples: number[] = [];
  const start = process.hrtime.bigint();
  while (
    samples.length < budget.maxSamples &&
    (samples.length < budget.minSamples || Number(process.hrtime.bigint() - start) < budget.timeMs * 1e6)
  ) {
    c.beforeEach?.();
    const t0 = process.hrtime.bigint();
    await repeat(c.fn, batch, isAsync);
    samples.push(Number(process.hrtime.bigint() - t0) / batch);
  }

  samples.sort((a, b) => a - b);
  const medianNs = quantile(samples, 0.5);
  const result: CaseResult = {
    name: c.name,
    title: c.title,
    samples: samples.length,
    batch,
    medianNs,
    p95Ns: quantile(samples, 0.95),
    meanNs: samples.reduce((s, x) => s + x, 0) / samples.length,
    minNs: samples[0]!,
    maxNs: samples[samples.length - 1]!,
    opsPerSec: 1e9 / medianNs,
  };
  if (c.bytes !== undefined) {
    result.bytes = c.bytes;
    result.mbPerSec = c.bytes / 1e6 / (medianNs / 1e9);
  }
  return result;
}

export function compare(
  results: readonly CaseResult[],
  comparisons: readonly Comparison[],
  skipped: ReadonlyMap<string, string>,
): ComparisonResult[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const out: ComparisonResult[] = [];
  for (const c of comparisons) {
    const subject = byName.get(c.subject);
    if (subject === undefined) continue; // filtered out
    const baseline = byName.get(c.baseline);
    if (baseline === undefined) {
      out.push({ ...c, ratio: null, skipped: skipped.get(c.baseline) ?? 'baseline not run' });
      continue;
    }
    out.push({ ...c, ratio: baseline.medianNs / subject.medianNs });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toPrecision(3)} kB`;
  return `${(n / 1e6).toPrecision(3)} MB`;
}

function formatRate(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null) return '-';
  return ratio >= 1 ? `${ratio.toPrecision(3)}x faster` : `${(1 / ratio).toPrecision(3)}x slower`;
}

/** A Markdown-compatible table (readable as plain text too). */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (right[i] === true ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] === true ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function resultsTable(results: readonly CaseResult[]): string {
  return table(
    ['case', 'input', 'samples', 'median', 'p95', 'ops/s', 'MB/s'],
    results.map((r) => [
      r.title,
      formatBytes(r.bytes),
      r.batch > 1 ? `${r.samples}x${r.batch}` : String(r.samples),
      formatDuration(r.medianNs),
      formatDuration(r.p95Ns),
      formatRate(r.opsPerSec),
      r.mbPerSec === undefined ? '' : formatRate(r.mbPerSec),
    ]),
    [false, true, true, true, true, true, true],
  );
}

export function comparisonsTable(
  results: readonly CaseResult[],
  comparisons: readonly ComparisonResult[],
): string {
  const title = (name: string): string => results.find((r) => r.name === name)?.title ?? name;
  return table(
    ['case', 'baseline (same run)', 'ratio', 'note'],
    comparisons.map((c) => [
      title(c.subject),
      title(c.baseline),
      c.skipped === undefined ? formatRatio(c.ratio) : `skipped: ${c.skipped}`,
      c.note ?? '',
    ]),
    [false, false, true, false],
  );
}

// ---------------------------------------------------------------------------------------------
// Suites and the run

/** What a suite hands the runner: its cases and comparisons, plus cleanup. */
export interface SuitePlan {
  cases: BenchCase[];
  comparisons: Comparison[];
  /** Baselines that cannot run here, with the reason (e.g. exiftool not installed). */
  skipped?: Map<string, string>;
  /** Notes printed under the tables (fixture sizes, verifications done). */
  notes?: string[];
  close?: () => Promise<void> | void;
}

export interface Suite {
  name: string;
  /** Builds fixtures and cases (options.quick: the run is a smoke run). */
  setup(options: RunOptions): Promise<SuitePlan>;
}

function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

export function machineInfo(): MachineInfo {
  let exiftool: string | null;
  try {
    exiftool = execFileSync('exiftool', ['-ver'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    exiftool = null;
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    nproc: availableParallelism(),
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: { start: loadAverage(), end: null },
    exiftool,
  };
}

function selectCases(plan: SuitePlan, filter: RegExp | undefined): BenchCase[] {
  if (filter === undefined) return plan.cases;
  const wanted = new Set(plan.cases.filter((c) => filter.test(c.name)).map((c) => c.name));
  for (const c of plan.comparisons) if (wanted.has(c.subject)) wanted.add(c.baseline);
  return plan.cases.filter((c) => wanted.has(c.name));
}

/** Runs the suites, prints the tables, writes `--json`. */
export async function runSuites(suites: readonly Suite[], argv: readonly string[]): Promise<void> {
  const options = parseBenchArgs(argv);
  const machine = machineInfo();
  const b = options.budget;
  console.log(
    `synthguard bench (${options.quick ? 'quick: a smoke run, figures indicative only' : 'full'}); per case: ` +
      `warm-up >= ${b.warmupMs} ms and >= ${b.warmupMin} call(s), then >= ${b.timeMs} ms and >= ${b.minSamples} samples`,
  );
  console.log(
    `node ${machine.node}, ${machine.cpuModel} (${machine.nproc} CPUs), ${machine.totalMemGiB} GiB, ` +
      `exiftool ${machine.exiftool ?? 'not installed'}${'gc' in globalThis ? '' : ' (run with --expose-gc for steadier figures)'}`,
  );
  const report: { machine: MachineInfo; mode: string; budget: Budget; suites: unknown[] } = {
    machine,
    mode: options.quick ? 'quick' : 'full',
    budget: b,
    suites: [],
  };
  for (const suite of suites) {
    console.log(`\n## ${suite.name}\n`);
    const plan = await suite.setup(options);
    const results: CaseResult[] = [];
    try {
      for (const c of selectCases(plan, options.filter)) {
        process.stderr.write(`  measuring ${c.name} ...`);
        const r = await measure(c, options.budget);
        process.stderr.write(` ${formatDuration(r.medianNs)}\n`);
        results.push(r);
      }
    } finally {
      await plan.close?.();
    }
    const comparisons = compare(results, plan.comparisons, plan.skipped ?? new Map());
    console.log(`${resultsTable(results)}\n`);
    if (comparisons.length > 0) {
      console.log('Ratio = baseline median / case median, both measured in this run.\n');
      console.log(`${comparisonsTable(results, comparisons)}\n`);
    }
    for (const n of plan.notes ?? []) console.log(`- ${n}`);
    report.suites.push({ name: suite.name, results, comparisons, notes: plan.notes ?? [] });
  }
  machine.loadAverage.end = loadAverage();
  console.log(
    `\nload average (1 min): ${machine.loadAverage.start} at start, ${machine.loadAverage.end} at end, on ${machine.nproc} CPUs` +
      ' (the run itself accounts for about 1; more means other work shared the CPUs and skewed the figures)',
  );
  if (options.json !== undefined) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${options.json}`);
  }
}
