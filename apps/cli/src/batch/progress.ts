/**
 * A progress bar on stderr for batches (files done / total, rate, ETA), drawn only when stderr
 * is a terminal; otherwise nothing is drawn and the JSON-lines report is the record.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(failed: boolean): void;
  stop(): void;
}

export function startProgress(label: string, total: number, enabled = process.stderr.isTTY): Progress {
  if (!enabled || total < 2) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} files | {failed} failed | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let failed = 0;
  bar.start(total, 0, { failed });
  return {
    tick(f) {
      if (f) failed++;
      bar.increment(1, { failed });
    },
    stop: () => {
      bar.stop();
    },
  };
}
