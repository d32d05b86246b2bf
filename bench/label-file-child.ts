/**
 * One labeling run in a process of its own, for the memory benchmark (media.bench.ts `--large`):
 * opens an in-memory PGlite store with one tenant, then labels INPUT into OUTPUT and prints one
 * JSON line: the process's peak resident set (Linux `VmHWM`, and Node's `maxRSS`) after setup
 * and after labeling, and the labeling time.
 *
 *   node --conditions=source --import tsx bench/label-file-child.ts stream|bare|memory INPUT OUTPUT
 *
 * `stream`: `labelFile` (the CLI's single-file path: MP4 through the streaming carrier).
 * `bare`: the same without a database (a stub tenant lookup, key and record sink): in-memory
 *         PGlite alone holds about 650 MiB, which would hide labeling's own footprint.
 * `memory`: what the in-memory path costs: readFile + `labelContent` + writeFile.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '@synthguard/core';
import {
  type Keyring,
  type LabelingContext,
  createKeyring,
  createTenant,
  labelContent,
  labelFile,
  localOperator,
  memoryVault,
  openLedger,
} from '@synthguard/engine';
import { deriveProviderCode, generateSigningKey } from '@synthguard/labels';
import { type Store, openStore } from '@synthguard/store';
import { BENCH_USCC } from './fixtures.js';

/** Peak resident set size in KiB (VmHWM from /proc/self/status), or undefined off Linux. */
function vmHwmKiB(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

const [mode, input, output] = process.argv.slice(2);
if (
  (mode !== 'stream' && mode !== 'bare' && mode !== 'memory') ||
  input === undefined ||
  output === undefined
) {
  console.error('usage: label-file-child.ts stream|bare|memory INPUT OUTPUT');
  process.exit(2);
}

const clock = fixedClock('2026-11-22T08:00:00Z');
let ctx: LabelingContext;
let tenantId: string;
let close: () => Promise<void>;
if (mode === 'bare') {
  // No database: a tenant lookup, a key and a record sink, so the figure is labeling's own.
  const key = generateSigningKey('Ed25519');
  const tenant = { id: 'bench', providerCode: deriveProviderCode(BENCH_USCC) };
  const store = {
    tenants: { get: (id: string) => Promise.resolve(id === tenant.id ? tenant : undefined) },
    contentRecords: { create: (r: object) => Promise.resolve(r) },
  };
  ctx = {
    store: store as unknown as Store,
    keyring: { activeKey: () => Promise.resolve(key) } as unknown as Keyring,
    clock,
    // A sink: this mode measures labeling's own memory, not the ledger's.
    recorder: {
      record: () => Promise.resolve({ id: 'bench', index: 0, leaf: '{}', time: clock.now() }),
    },
  };
  tenantId = tenant.id;
  close = () => Promise.resolve();
} else {
  const store = await openStore({ driver: 'pglite', dataDir: undefined });
  const ledgerDir = mkdtempSync(join(tmpdir(), 'synthguard-bench-ledger-'));
  const ledger = await openLedger({ dataDir: ledgerDir, store, clock });
  ctx = { store, keyring: createKeyring(store, memoryVault(), { clock }), clock, recorder: ledger };
  tenantId = (await createTenant(store, { name: 'bench', uscc: BENCH_USCC })).id;
  await ctx.keyring.activeKey(tenantId);
  close = async () => {
    await ledger.close();
    await store.close();
    rmSync(ledgerDir, { recursive: true, force: true });
  };
}
const setup = { vmHwmKiB: vmHwmKiB(), maxRssKiB: process.resourceUsage().maxRSS };

const t0 = process.hrtime.bigint();
let streamed: boolean;
if (mode === 'stream' || mode === 'bare') {
  const out = await labelFile(ctx, localOperator, { inputPath: input, outputPath: output, tenantId });
  streamed = out.streamed;
} else {
  const out = await labelContent(ctx, localOperator, { file: readFileSync(input), tenantId });
  writeFileSync(output, out.file);
  streamed = false;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const peak = { vmHwmKiB: vmHwmKiB(), maxRssKiB: process.resourceUsage().maxRSS };
await close();
console.log(JSON.stringify({ mode, streamed, ms, setup, peak }));
