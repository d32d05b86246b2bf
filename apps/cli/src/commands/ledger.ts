/**
 * `synthguard ledger`: the tamper-evident log («03 The ledger») from the command line.
 *
 *   ledger verify <bundle|pack-dir> [--key K]   offline: a C2SP tlog-proof or an evidence pack
 *   ledger fsck [--dir D | --url U] [--key K]   every tile and entry bundle against the checkpoint
 *   ledger proof <record-id|index> [-o F]       the offline proof bundle of one record
 *   ledger export --tenant T --from --to -o D   the evidence pack of a tenant and period
 *   ledger key                                  the log's verifier key (public), for inspectors and witnesses
 *   ledger erase --subject S                    crypto-shred a data subject's personal fields (PIPL Art. 47)
 *   ledger expire                               drop personal fields past their retention now
 *   ledger archive --before I -o D / prune --archive D   archive and prune old entries (ledger-archive.ts)
 *
 * verify and fsck open no database and no runtime (fsck reads the log's files, or a server's
 * published tiles); proof and export use the local runtime (its log and records).
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError, utf8Encode } from '@synthguard/core';
import { CHECKPOINT_KEY_FILE, LEDGER_DIR, listLedgerRecords } from '@synthguard/engine';
import {
  type FsckReport,
  LedgerError,
  buildEvidencePack,
  buildProofBundle,
  directoryTileReader,
  fsckError,
  fsckLog,
  httpTileReader,
  parseSignerKey,
  readMinimumIndex,
  verifyEvidencePack,
  verifyProofBundle,
} from '@synthguard/ledger';
import { phasedProgress } from '../batch/progress.js';
import type { Command } from 'commander';
import { envVar } from '../env.js';
import { CliError } from '../errors.js';
import { readInput, writeFileAtomic } from '../io.js';
import { ledgerArchiveCommands } from './ledger-archive.js';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

const usage = (message: string): CliError => new CliError('cli.usage', message);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function dataDir(global: StoreOptions): string {
  return resolve(global.data ?? envVar('SYNTHGUARD_DATA') ?? './data');
}

/** A short description of a verified entry: our leaves are canonical JSON records. */
function describeEntry(entry: Uint8Array): string {
  try {
    const leaf = JSON.parse(Buffer.from(entry).toString('utf8')) as Record<string, unknown>;
    if (typeof leaf.type === 'string' && typeof leaf.id === 'string') {
      const tenant = typeof leaf.tenant === 'string' ? `, tenant ${leaf.tenant}` : '';
      const time = typeof leaf.time === 'string' ? `, ${leaf.time}` : '';
      return `record ${leaf.id}: ${leaf.type}${tenant}${time}`;
    }
  } catch {
    // not a JSON record: described by size only
  }
  return `${entry.length}-byte entry`;
}

interface VerifyOptions {
  key?: string[];
  origin?: string;
  entry?: string;
  json?: boolean;
}

async function verifyAction(target: string, opts: VerifyOptions): Promise<void> {
  const keys = opts.key ?? [];
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory() === true) {
    const summary = await verifyEvidencePack(target, {
      ...(keys.length > 0 ? { verifierKeys: keys } : {}),
      ...(opts.origin === undefined ? {} : { origin: opts.origin }),
    });
    emit(
      opts.json === true,
      { kind: 'evidence-pack', valid: true, ...summary, keysFrom: keys.length > 0 ? 'option' : 'pack' },
      () =>
        [
          `VALID: evidence pack ${target}: ${summary.records} record(s), each proven in the log ${summary.origin} at tree size ${summary.size} (root ${summary.root})`,
          keys.length > 0
            ? '  checkpoint signed by the key given with --key'
            : "  checkpoint signed by the key in the pack's keys.txt: compare it with the key the provider published, or pass --key",
        ].join('\n'),
    );
    return;
  }
  if (keys.length === 0) {
    throw usage('Pass the log verifier key with --key <name+hex+base64> (the key the log publishes).');
  }
  const bundle = await readInput(target);
  const entry = opts.entry === undefined ? undefined : await readInput(opts.entry);
  const v = verifyProofBundle(bundle, {
    verifierKeys: keys,
    ...(opts.origin === undefined ? {} : { origin: opts.origin }),
    ...(entry === undefined ? {} : { entry }),
  });
  const root = Buffer.from(v.root).toString('base64');
  emit(
    opts.json === true,
    {
      kind: 'proof',
      valid: true,
      index: v.index,
      size: v.size,
      origin: v.checkpoint.origin,
      root,
      entry: Buffer.from(v.entry).toString('utf8'),
      signedBy: v.signatures.map((s) => s.name),
      uncheckedSignatures: v.unverifiedSignatures.map((s) => s.name),
    },
    () =>
      [
        `VALID: ${describeEntry(v.entry)} is leaf ${v.index} of the log ${v.checkpoint.origin} at tree size ${v.size} (root ${root})`,
        `  checkpoint signed by ${v.signatures.map((s) => s.name).join(', ')}` +
          (v.unverifiedSignatures.length > 0
            ? `; ${v.unverifiedSignatures.length} other signature(s) (witnesses) not checked`
            : ''),
      ].join('\n'),
  );
}

interface FsckOptions {
  dir?: string;
  url?: string;
  key?: string[];
  origin?: string;
  prunedBelow?: string;
  apiKey?: string;
  json?: boolean;
}

/** The verifier key of the local log, derived from its checkpoint key file (never printed). */
async function localVerifierKey(ledgerDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(join(ledgerDir, CHECKPOINT_KEY_FILE), 'utf8');
  } catch (err) {
    throw new CliError(
      'cli.file_not_found',
      `No checkpoint key in ${ledgerDir}: pass the log verifier key with --key.`,
      { cause: err, details: { path: join(ledgerDir, CHECKPOINT_KEY_FILE) } },
    );
  }
  return parseSignerKey(text.trim()).verifier.verifierKey;
}

async function fsckAction(opts: FsckOptions, global: StoreOptions): Promise<void> {
  if (opts.dir !== undefined && opts.url !== undefined) throw usage('Pass --dir or --url, not both.');
  let url: URL | undefined;
  if (opts.url !== undefined) {
    try {
      url = new URL(opts.url);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new CliError(
        'cli.invalid_server_url',
        '--url must be an http(s) URL, e.g. https://example.com/ledger.',
      );
    }
  }
  const ledgerDir = resolve(opts.dir ?? join(dataDir(global), LEDGER_DIR));
  let keys = opts.key ?? [];
  if (keys.length === 0) {
    if (url !== undefined) throw usage('Pass the log verifier key with --key when checking a log by URL.');
    keys = [await localVerifierKey(ledgerDir)];
  }
  if (url === undefined && (await stat(ledgerDir).catch(() => undefined))?.isDirectory() !== true) {
    throw new CliError('cli.file_not_found', `Cannot read ${ledgerDir}: no such directory. Check --dir.`, {
      details: { path: ledgerDir },
    });
  }
  // A log that is not public (SYNTHGUARD_LEDGER_ACCESS=authenticated) wants an installation key.
  const apiKey = opts.apiKey ?? envVar('SYNTHGUARD_API_KEY');
  const read =
    url === undefined
      ? directoryTileReader(ledgerDir)
      : httpTileReader(
          url.href,
          apiKey === undefined ? {} : { headers: { authorization: `Bearer ${apiKey}` } },
        );
  // A pruned log: its prune mark (local), or --pruned-below (a published log has no endpoint for it).
  let prunedBelow = url === undefined ? await readMinimumIndex(ledgerDir) : 0;
  if (opts.prunedBelow !== undefined) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(opts.prunedBelow)) throw usage('--pruned-below must be a leaf index.');
    prunedBelow = Number(opts.prunedBelow);
  }
  const progress = phasedProgress(process.stderr.isTTY && opts.json !== true, ' tiles and bundles');
  const started = performance.now();
  let report: FsckReport;
  try {
    report = await fsckLog(read, {
      verifierKeys: keys,
      ...(opts.origin === undefined ? {} : { origin: opts.origin }),
      ...(prunedBelow > 0 ? { prunedBelow } : {}),
      onProgress: (done, total) => {
        progress.update('fsck', done, total);
      },
    });
  } finally {
    progress.stop();
  }
  const err = fsckError(report);
  if (err !== undefined) throw err;
  const seconds = (performance.now() - started) / 1000;
  const root = report.root === undefined ? '' : Buffer.from(report.root).toString('base64');
  emit(
    opts.json === true,
    {
      ok: true,
      origin: report.origin,
      size: report.size,
      root,
      files: report.done,
      entries: report.entries,
      ...(prunedBelow > 0 ? { prunedBelow, bundlesPruned: report.bundlesAbsent } : {}),
      bytes: report.bytes,
      seconds,
    },
    () =>
      `OK: log ${report.origin ?? ''}, ${report.size ?? 0} entries: ${report.done - report.bundlesAbsent} tiles and entry bundles verified against the checkpoint (root ${root}) in ${seconds.toFixed(1)} s` +
      (prunedBelow > 0
        ? `; entries below ${prunedBelow} pruned (${report.bundlesAbsent} bundles absent)`
        : ''),
  );
}

/** The checkpoint to prove `index` against: the latest, or the first that includes it. */
async function checkpointFor(
  log: {
    checkpoint(): { size: number; note: string };
    integrated(i: number): Promise<{ size: number; note: string }>;
  },
  index: number,
): Promise<string> {
  const cp = log.checkpoint();
  if (index < cp.size) return cp.note;
  return (await log.integrated(index)).note;
}

interface ProofOptions {
  output?: string;
  json?: boolean;
}

async function proofAction(ref: string, opts: ProofOptions, global: StoreOptions): Promise<void> {
  await withRuntime(global, async (rt) => {
    const log = rt.ledger.log;
    let index: number;
    if (/^(0|[1-9][0-9]{0,15})$/.test(ref)) {
      index = Number(ref);
      if (index >= log.checkpoint().size) {
        throw new LedgerError('ledger.out_of_range', 'No such leaf in the log yet.', {
          details: { index, size: log.checkpoint().size },
        });
      }
    } else {
      index = (await rt.ledger.readRecord(ref)).index;
    }
    const checkpoint = await checkpointFor(log, index);
    const bundle = await buildProofBundle(index, {
      read: (path) => log.read(path),
      checkpoint,
      verifierKeys: [log.verifierKey],
      origin: log.origin,
    });
    if (opts.output === undefined) {
      process.stdout.write(bundle);
      return;
    }
    await writeFileAtomic(opts.output, utf8Encode(bundle));
    emit(opts.json === true, { index, file: opts.output, verifierKey: log.verifierKey }, () =>
      [
        `proof of leaf ${index} written to ${opts.output ?? ''}`,
        `check it offline: synthguard ledger verify ${opts.output ?? ''} --key '${log.verifierKey}'`,
      ].join('\n'),
    );
  });
}

/** `--from`/`--to`: a date (a whole day, UTC; --to inclusive) or an ISO 8601 instant. */
function parseInstant(value: string, option: string, endOfDay: boolean): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = Date.parse(day ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) throw usage(`${option} must be a date (2026-11-01) or an ISO 8601 time.`);
  return new Date(day && endOfDay ? t + 86_400_000 : t);
}

interface ExportOptions {
  tenant: string;
  from: string;
  to: string;
  output: string;
  json?: boolean;
}

async function exportAction(opts: ExportOptions, global: StoreOptions): Promise<void> {
  const from = parseInstant(opts.from, '--from', false);
  const to = parseInstant(opts.to, '--to', true);
  if (to <= from) throw usage('--to must be after --from.');
  const dir = resolve(opts.output);
  const existing = await stat(dir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new CliError('cli.output_unwritable', `Cannot write the pack to ${dir}: it is a file.`, {
      details: { path: dir },
    });
  }
  await withRuntime(global, async (rt) => {
    const tenant = await rt.store.tenants.get(opts.tenant);
    if (tenant === undefined) {
      throw new AppError('tenant.not_found', 'No tenant with this id: see synthguard tenant list.', {
        details: { tenantId: opts.tenant },
      });
    }
    const log = rt.ledger.log;
    const listed = await listLedgerRecords(rt.store, { tenantId: tenant.id, from, to });
    const last = listed.reduce((m, r) => Math.max(m, r.index), -1);
    const checkpoint = last < 0 ? log.checkpoint().note : await checkpointFor(log, last);
    const labelKeys = (await rt.store.signingKeys.listByTenant(tenant.id)).map((k) => ({
      keyId: k.kid,
      algorithm: k.alg,
      publicKey: k.publicKey,
    }));
    const summary = await buildEvidencePack({
      dir,
      records: listed.map((r) => ({ index: r.index, entry: utf8Encode(r.leaf) })),
      read: (path) => log.read(path),
      checkpoint,
      keys: { log: [log.verifierKey], labels: labelKeys },
      tenant: tenant.id,
      tenantName: tenant.name,
      period: { from: from.toISOString(), to: to.toISOString() },
      origin: log.origin,
    });
    emit(opts.json === true, summary, () =>
      [
        `evidence pack written to ${dir}: ${summary.records} record(s) of ${tenant.name}, ${from.toISOString()} to ${to.toISOString()}`,
        `  proven against the checkpoint of ${summary.origin} at tree size ${summary.size}`,
        `  an inspector runs: node ${join(dir, 'verify.mjs')}   (or: synthguard ledger verify ${dir})`,
      ].join('\n'),
    );
  });
}

async function keyAction(opts: { json?: boolean }, global: StoreOptions): Promise<void> {
  const verifierKey = await localVerifierKey(join(dataDir(global), LEDGER_DIR));
  emit(opts.json === true, { verifierKey }, () => verifierKey);
}

async function eraseAction(opts: { subject: string; json?: boolean }, global: StoreOptions): Promise<void> {
  await withRuntime(global, async (rt) => {
    const outcome = await rt.ledger.eraseSubject(opts.subject, 'cli');
    emit(opts.json === true, outcome, () =>
      [
        outcome.keyDestroyed
          ? 'the subject key is destroyed: their personal fields can no longer be read'
          : 'the subject had no live key (never recorded, or erased before)',
        `records whose personal fields were dropped: ${outcome.records}`,
        'leaves, proofs and checkpoints stay valid; the erasure itself is recorded (admin.action)',
      ].join('\n'),
    );
  });
}

async function expireAction(opts: { json?: boolean }, global: StoreOptions): Promise<void> {
  await withRuntime(global, async (rt) => {
    const outcome = await rt.ledger.expireRecords();
    emit(
      opts.json === true,
      outcome,
      () =>
        `personal fields dropped from ${outcome.records} record(s) past retention; ${outcome.keysDestroyed} subject key(s) destroyed`,
    );
  });
}

export function ledgerCommand(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('the tamper-evident log: verify proofs and packs, fsck, export');
  ledger
    .command('verify')
    .description(
      'check an offline proof bundle (C2SP tlog-proof) or an evidence pack directory; no server (exit 1 unless valid)',
    )
    .argument('<bundle-or-pack>', 'a .tlog-proof file or an evidence pack directory')
    .option(
      '--key <vkey>',
      'the log verifier key to trust (repeatable); packs default to their keys.txt',
      collect,
    )
    .option('--origin <origin>', 'the log origin the checkpoint must name')
    .option('--entry <file>', 'the entry bytes, when the bundle carries none (or to check it is this one)')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: VerifyOptions) => {
      await verifyAction(target, opts);
    });
  ledger
    .command('fsck')
    .description(
      'check every tile and entry bundle of a log against its signed checkpoint (exit 1 with the first bad file)',
    )
    .option('--dir <dir>', 'the log directory (default <data>/ledger)')
    .option('--url <base>', "a published log's base URL (tlog-tiles), e.g. https://example.com/ledger")
    .option('--api-key <key>', 'with --url, for a log that is not public (env SYNTHGUARD_API_KEY)')
    .option(
      '--key <vkey>',
      'the log verifier key (repeatable; default: derived from <dir>/checkpoint.key)',
      collect,
    )
    .option('--origin <origin>', 'the log origin the checkpoint must name')
    .option(
      '--pruned-below <index>',
      "the log's minimum index: entry bundles below it may be absent (default: the prune mark)",
    )
    .option('--json', 'print JSON')
    .action(async (opts: FsckOptions, cmd: Command) => {
      await fsckAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('proof')
    .description('write the offline proof bundle (C2SP tlog-proof) of one record')
    .argument('<record>', 'a ledger record id or a leaf index')
    .option('-o, --output <file>', 'write here (default: stdout)')
    .option('--json', 'print JSON (with -o)')
    .action(async (ref: string, opts: ProofOptions, cmd: Command) => {
      await proofAction(ref, opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('export')
    .description(
      "write an inspector's evidence pack: a tenant's records of a period, proofs, checkpoint, keys, README, verify.mjs",
    )
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--from <date>', 'first day (2026-11-01, UTC) or an ISO 8601 time')
    .requiredOption('--to <date>', 'last day, inclusive (2026-11-30, UTC) or an ISO 8601 time (exclusive)')
    .requiredOption('-o, --output <dir>', 'the pack directory (created; must be empty)')
    .option('--json', 'print JSON')
    .action(async (opts: ExportOptions, cmd: Command) => {
      await exportAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('key')
    .description("print the log's checkpoint verifier key (public): give it to inspectors and witnesses")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await keyAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('erase')
    .description(
      "erase a data subject (PIPL Art. 47): destroy their key, so their records' personal fields are unreadable",
    )
    .requiredOption('--subject <id>', "the subject's id, as the recording engine named it")
    .option('--json', 'print JSON')
    .action(async (opts: { subject: string; json?: boolean }, cmd: Command) => {
      await eraseAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('expire')
    .description('drop the personal fields of records past their retention now (the server does it hourly)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await expireAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledgerArchiveCommands(ledger);
}
