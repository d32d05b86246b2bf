/**
 * `synthguard ledger archive` and `synthguard ledger prune` (C2SP tlog-tiles "Pruning"; «03 The
 * ledger», point 7: old entries are archived and pruned only after export).
 *
 *   ledger archive --before <index> -o <dir>   copy the entry bundles below <index> (rounded down to
 *                                              whole bundles of 256), every hash tile and the
 *                                              checkpoint to <dir>, with manifest.json; verified
 *   ledger prune --archive <dir>               verify the archive against the log, check retention,
 *                                              write the prune mark, delete the archived bundles
 *
 * Both work on the embedded log directory (<data>/ledger). archive reads published files only and
 * may run while the server runs; prune takes the log's lock (stop the server first). prune refuses
 * entries newer than the longest retention in force (SYNTHGUARD_LEDGER_RETENTION, at least 184
 * days): hash tiles stay, so every proof stays valid; the entries are in the archive.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CHECKPOINT_KEY_FILE,
  LEDGER_DIR,
  LEDGER_EVENT_TYPES,
  ledgerS3FromEnv,
  parseRetention,
  retentionPolicy,
} from '@synthguard/engine';
import {
  TILE_WIDTH,
  archiveEntries,
  directoryTileReader,
  parseSignerKey,
  pruneEntries,
} from '@synthguard/ledger';
import { phasedProgress } from '../batch/progress.js';
import type { Command } from 'commander';
import { envVar } from '../env.js';
import { CliError } from '../errors.js';
import { emit } from '../output.js';
import type { StoreOptions } from '../runtime.js';

const DAY_MS = 86_400_000;

const usage = (message: string): CliError => new CliError('cli.usage', message);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface LogDirOptions {
  dir?: string;
  key?: string[];
  json?: boolean;
}

/** The local log directory and its verifier keys (--key, else derived from checkpoint.key). */
async function localLog(opts: LogDirOptions, global: StoreOptions): Promise<{ dir: string; keys: string[] }> {
  if ((global.databaseUrl ?? envVar('DATABASE_URL')) !== undefined || ledgerS3FromEnv(envVar) !== undefined) {
    throw usage(
      'ledger archive and prune work on the embedded log directory only; this configuration keeps tiles in PostgreSQL or S3.',
    );
  }
  const dir = resolve(opts.dir ?? join(global.data ?? envVar('SYNTHGUARD_DATA') ?? './data', LEDGER_DIR));
  if ((await stat(dir).catch(() => undefined))?.isDirectory() !== true) {
    throw new CliError('cli.file_not_found', `Cannot read ${dir}: no such directory. Check --dir.`, {
      details: { path: dir },
    });
  }
  if (opts.key !== undefined && opts.key.length > 0) return { dir, keys: opts.key };
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_KEY_FILE), 'utf8');
  } catch (err) {
    throw new CliError(
      'cli.file_not_found',
      `No checkpoint key in ${dir}: pass the log verifier key with --key.`,
      { cause: err, details: { path: join(dir, CHECKPOINT_KEY_FILE) } },
    );
  }
  return { dir, keys: [parseSignerKey(text.trim()).verifier.verifierKey] };
}

function parseIndex(value: string, option: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw usage(`${option} must be a leaf index (a whole number).`);
  }
  return Number(value);
}

interface ArchiveOptions extends LogDirOptions {
  before: string;
  output: string;
}

async function archiveAction(opts: ArchiveOptions, global: StoreOptions): Promise<void> {
  const before = parseIndex(opts.before, '--before');
  const below = Math.floor(before / TILE_WIDTH) * TILE_WIDTH;
  if (below === 0) {
    throw usage('--before must be at least 256: only whole entry bundles of 256 entries are archived.');
  }
  const { dir, keys } = await localLog(opts, global);
  const out = resolve(opts.output);
  const existing = await stat(out).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new CliError('cli.output_unwritable', `Cannot write the archive to ${out}: it is a file.`, {
      details: { path: out },
    });
  }
  const progress = phasedProgress(process.stderr.isTTY && opts.json !== true);
  let summary;
  try {
    summary = await archiveEntries({
      read: directoryTileReader(dir),
      verifierKeys: keys,
      below,
      out,
      onProgress: (done, total) => {
        progress.update('archive', done, total);
      },
    });
  } finally {
    progress.stop();
  }
  emit(opts.json === true, summary, () =>
    [
      `archive written to ${summary.dir}: entries 0 to ${summary.below - 1} (${summary.bundles} entry bundles), ${summary.tiles} hash tiles, the checkpoint of ${summary.origin} at tree size ${summary.size}`,
      `  verified offline (manifest.json SHA-256 ${summary.manifestSha256}); copy it to safe storage, then:`,
      `  synthguard ledger prune --archive ${summary.dir}`,
    ].join('\n'),
  );
}

interface PruneOptions extends LogDirOptions {
  archive: string;
  before?: string;
}

/** The instant before which every entry is past the longest retention in force. */
function retentionCutoff(now: Date): { retainAfter: Date; days: number } {
  const policy = retentionPolicy(parseRetention(envVar('SYNTHGUARD_LEDGER_RETENTION') ?? ''));
  const days = Math.max(...LEDGER_EVENT_TYPES.map((t) => policy.days(t)));
  return { retainAfter: new Date(now.getTime() - days * DAY_MS), days };
}

async function pruneAction(opts: PruneOptions, global: StoreOptions): Promise<void> {
  const before = opts.before === undefined ? undefined : parseIndex(opts.before, '--before');
  const { dir, keys } = await localLog(opts, global);
  const archiveDir = resolve(opts.archive);
  if ((await stat(archiveDir).catch(() => undefined))?.isDirectory() !== true) {
    throw new CliError(
      'cli.file_not_found',
      `No archive at ${archiveDir}: run synthguard ledger archive first.`,
      {
        details: { path: archiveDir },
      },
    );
  }
  const { retainAfter, days } = retentionCutoff(new Date());
  const progress = phasedProgress(process.stderr.isTTY && opts.json !== true);
  let outcome;
  try {
    outcome = await pruneEntries({
      dir,
      archiveDir,
      verifierKeys: keys,
      ...(before === undefined ? {} : { below: Math.floor(before / TILE_WIDTH) * TILE_WIDTH }),
      retainAfter,
      onProgress: (phase, done, total) => {
        progress.update(phase, done, total);
      },
    });
  } finally {
    progress.stop();
  }
  emit(opts.json === true, { ...outcome, retentionDays: days, retainAfter: retainAfter.toISOString() }, () =>
    [
      `pruned: entries below ${outcome.minimumIndex} are archived in ${outcome.archive.dir} and gone from the log (${outcome.bundlesRemoved} entry bundles, ${outcome.partialsRemoved} superseded partial files removed)`,
      `  every pruned entry is older than the longest retention (${days} days, before ${retainAfter.toISOString()})`,
      '  hash tiles are kept: proofs stay valid; the log answers ledger.pruned (HTTP 410) for pruned entries',
    ].join('\n'),
  );
}

/** Registers `ledger archive` and `ledger prune` on the `ledger` command. */
export function ledgerArchiveCommands(ledger: Command): void {
  ledger
    .command('archive')
    .description(
      'copy the entry bundles below an index, the hash tiles and the checkpoint to a verifiable archive (before prune)',
    )
    .requiredOption(
      '--before <index>',
      'archive entries below this leaf index (rounded down to a multiple of 256)',
    )
    .requiredOption('-o, --output <dir>', 'the archive directory (created; must be empty)')
    .option('--dir <dir>', 'the log directory (default <data>/ledger)')
    .option(
      '--key <vkey>',
      'the log verifier key (repeatable; default: derived from <dir>/checkpoint.key)',
      collect,
    )
    .option('--json', 'print JSON')
    .action(async (opts: ArchiveOptions, cmd: Command) => {
      await archiveAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
  ledger
    .command('prune')
    .description(
      'delete archived entry bundles from the log (stop the server first); refuses without a valid archive or within retention',
    )
    .requiredOption('--archive <dir>', 'an archive written by synthguard ledger archive')
    .option(
      '--before <index>',
      "prune below this index (default: the archive's; rounded down to a multiple of 256)",
    )
    .option('--dir <dir>', 'the log directory (default <data>/ledger)')
    .option(
      '--key <vkey>',
      'the log verifier key (repeatable; default: derived from <dir>/checkpoint.key)',
      collect,
    )
    .option('--json', 'print JSON')
    .action(async (opts: PruneOptions, cmd: Command) => {
      await pruneAction(opts, cmd.optsWithGlobals<StoreOptions>());
    });
}
