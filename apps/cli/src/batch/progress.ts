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

export interface PhasedProgress {
  /** Shows `done` of `total` for `phase`; a new phase starts a new bar. */
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar for long single jobs with phases (fsck, archive, prune): `<phase> [bar]
 * done/total<unit> | ETA`, drawn only when enabled (stderr a terminal, not --json).
 */
export function phasedProgress(enabled: boolean, unit = ''): PhasedProgress {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  return {
    update(phase, done, total) {
      if (!enabled || total < 2) return;
      if (bar === undefined || phase !== current) {
        bar?.stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${phase} [{bar}] {value}/{total}${unit} | {eta_formatted} left`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
        return;
      }
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}
