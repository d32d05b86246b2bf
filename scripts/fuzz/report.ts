/** Per-target counters and the summary table the fuzz run prints at the end. */

export interface TargetStats {
  readonly target: string;
  readonly errorName: string;
  seeds: number;
  inputs: number;
  ok: number;
  rejected: number;
  findings: number;
  /** Suspects (timeout, dead worker, slow) that ran fine when run again alone. */
  retried: number;
  busyMs: number;
  maxMs: number;
  maxGrown: number;
}

export function newStats(target: string, errorName: string, seeds: number): TargetStats {
  return {
    target,
    errorName,
    seeds,
    inputs: 0,
    ok: 0,
    rejected: 0,
    findings: 0,
    retried: 0,
    busyMs: 0,
    maxMs: 0,
    maxGrown: 0,
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The summary: `rejected` counts inputs some operation refused with the target's typed error
 * (FormatError, C2paError, LabelError or LedgerError); `inputs/s` is per worker thread (busy time
 * only).
 */
export function summaryTable(stats: readonly TargetStats[]): string {
  const rows = stats.map((s) => [
    s.target,
    String(s.seeds),
    String(s.inputs),
    String(s.ok),
    `${s.rejected} ${s.errorName}`,
    String(s.findings),
    String(s.retried),
    s.busyMs > 0 ? Math.round((s.inputs * 1000) / s.busyMs).toString() : '-',
    s.maxMs.toFixed(1),
    (s.maxGrown / 1048576).toFixed(1),
  ]);
  const total = stats.reduce(
    (t, s) => ({
      inputs: t.inputs + s.inputs,
      ok: t.ok + s.ok,
      rejected: t.rejected + s.rejected,
      findings: t.findings + s.findings,
      retried: t.retried + s.retried,
    }),
    { inputs: 0, ok: 0, rejected: 0, findings: 0, retried: 0 },
  );
  rows.push([
    'total',
    '',
    String(total.inputs),
    String(total.ok),
    String(total.rejected),
    String(total.findings),
    String(total.retried),
    '',
    '',
    '',
  ]);
  return table(
    [
      'handler',
      'seeds',
      'inputs',
      'ok',
      'rejected (typed error)',
      'findings',
      'retried',
      'inputs/s',
      'max ms',
      'max MiB',
    ],
    rows,
  );
}
