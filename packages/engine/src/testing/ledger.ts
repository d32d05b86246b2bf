/** Test-only: a real ledger (log on disk in a temp dir) over a store. Not exported from the package. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@synthguard/core';
import type { Store } from '@synthguard/store';
import { openLedger } from '../ledger/open.js';
import type { Ledger } from '../ledger/record.js';
import type { RetentionSettings } from '../ledger/retention.js';

export interface TestLedger {
  readonly ledger: Ledger;
  /** The data directory; the log is in `<dataDir>/ledger`. */
  readonly dataDir: string;
  /** Closes the log (idempotent) and removes the directory. */
  close(): Promise<void>;
}

export async function buildTestLedger(
  store: Store,
  options: { clock?: Clock; retention?: string | RetentionSettings } = {},
): Promise<TestLedger> {
  const dataDir = await mkdtemp(join(tmpdir(), 'synthguard-ledger-'));
  const ledger = await openLedger({
    dataDir,
    store,
    clock: options.clock,
    retention: options.retention,
    tuning: { batchMaxDelayMs: 1, integrateIntervalMs: 5 },
  });
  let closing: Promise<void> | undefined;
  return {
    ledger,
    dataDir,
    close: () =>
      (closing ??= (async () => {
        await ledger.close();
        await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}
