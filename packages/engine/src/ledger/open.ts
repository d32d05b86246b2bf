/**
 * Opens the installation's ledger in `<dataDir>/ledger` («03 The ledger»): the log (tiles,
 * checkpoint, journal), its checkpoint signing key and the subject master key, created on first
 * run as 0600 files beside the log:
 *
 *   <dataDir>/ledger/checkpoint.key      C2SP signed-note signer key (PRIVATE+KEY+<origin>+...)
 *   <dataDir>/ledger/subject-master.key  32 random bytes, base64 (subject-keys.ts)
 *
 * Back both up: without the first, new checkpoints are signed by a key verifiers do not know;
 * without the second, the personal fields of live records are lost.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, isAppError, systemClock } from '@synthguard/core';
import {
  type LogOptions,
  type NoteSigner,
  type TileStore,
  generateNoteKey,
  isValidKeyName,
  openLog,
  parseSignerKey,
  s3TileStore,
} from '@synthguard/ledger';
import type { Store } from '@synthguard/store';
import { EngineError } from '../errors.js';
import { writeSecretFile } from '../runtime/data-dir.js';
import { openPostgresLedger } from './postgres/ledger.js';
import { type Ledger, createLedger } from './record.js';
import { type RetentionSettings, parseRetention, retentionPolicy } from './retention.js';
import type { LedgerS3Config } from './s3-config.js';
import { loadSubjectMasterKey, subjectSecrets } from './subject-keys.js';

export const LEDGER_DIR = 'ledger';
export const CHECKPOINT_KEY_FILE = 'checkpoint.key';
/** The checkpoint origin line when none is configured (C2SP tlog-checkpoint: a schema-less URL). */
export const DEFAULT_LEDGER_ORIGIN = 'synthguard.local/ledger';
const MAX_ORIGIN = 255;

export interface OpenLedgerOptions {
  readonly dataDir: string;
  readonly store: Store;
  /** Checkpoint origin; default DEFAULT_LEDGER_ORIGIN. Also the checkpoint key's name on first run. */
  readonly origin?: string | undefined;
  /** Retention overrides: the text of SYNTHGUARD_LEDGER_RETENTION, or parsed settings. */
  readonly retention?: string | RetentionSettings | undefined;
  readonly clock?: Clock | undefined;
  /** Sequencer tuning passed to the log. */
  readonly tuning?: Pick<LogOptions, 'batchMaxEntries' | 'batchMaxDelayMs' | 'integrateIntervalMs'>;
  /**
   * Tiles, entry bundles and checkpoint on S3-compatible storage instead of `<dataDir>/ledger`
   * (the journal stays there). Not used with PostgreSQL, whose log is in the database.
   */
  readonly s3?: LedgerS3Config | undefined;
}

function configError(setting: string, problem: string, message: string, cause?: unknown): EngineError {
  return new EngineError('ledger.config_invalid', message, {
    ...(cause === undefined ? {} : { cause }),
    details: { setting, problem },
  });
}

/** Throws ledger.config_invalid unless `origin` can be a checkpoint origin and a note key name. */
export function checkLedgerOrigin(origin: string): string {
  if (origin.length > MAX_ORIGIN || !isValidKeyName(origin)) {
    throw configError(
      'origin',
      'malformed',
      `The ledger origin must be 1 to ${MAX_ORIGIN} characters without spaces or "+", e.g. example.com/ledger.`,
    );
  }
  return origin;
}

/** The checkpoint signer in `<dir>/checkpoint.key`, created (named `origin`) when absent. */
export async function loadCheckpointSigner(dir: string, origin: string): Promise<NoteSigner> {
  const path = join(dir, CHECKPOINT_KEY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw configError('checkpoint_key', 'unreadable', `Cannot read the checkpoint key ${path}.`, err);
    }
    const { signerKey } = generateNoteKey(origin);
    await writeSecretFile(path, `${signerKey}\n`);
    return parseSignerKey(signerKey);
  }
  try {
    return parseSignerKey(text.trim());
  } catch (err) {
    if (!isAppError(err)) throw err;
    throw configError(
      'checkpoint_key',
      'malformed',
      `The checkpoint key ${path} is not a signed-note signer key.`,
      err,
    );
  }
}

/** The S3 tile store of `config`; a refused setting is ledger.config_invalid (details.setting: s3.<field>). */
function s3Tiles(config: LedgerS3Config): TileStore {
  try {
    return s3TileStore(config);
  } catch (err) {
    if (!isAppError(err, 'ledger.invalid_argument')) throw err;
    const field = err.details?.field;
    throw configError(`s3.${typeof field === 'string' ? field : 'unknown'}`, 'malformed', err.message, err);
  }
}

/**
 * Opens the ledger: settings checked first (nothing is created for a refused configuration),
 * then the directory, the keys and the log. Throws ledger.config_invalid,
 * ledger.subject_key_unavailable, or the log's own errors (ledger.locked, ledger.corrupt, ...).
 */
export async function openLedger(options: OpenLedgerOptions): Promise<Ledger> {
  const origin = checkLedgerOrigin(options.origin ?? DEFAULT_LEDGER_ORIGIN);
  const settings =
    typeof options.retention === 'string' ? parseRetention(options.retention) : options.retention;
  const retention = retentionPolicy(settings);
  const clock = options.clock ?? systemClock;
  if (options.s3 !== undefined && options.store.driver === 'postgres') {
    // Refused rather than ignored: an operator who set S3 expects the tiles there.
    throw configError(
      's3',
      'with_postgres',
      'S3 tile storage applies to the embedded ledger; with PostgreSQL the log lives in the database: unset SYNTHGUARD_LEDGER_S3_*.',
    );
  }
  const tiles = options.s3 === undefined ? undefined : s3Tiles(options.s3);
  const dir = join(options.dataDir, LEDGER_DIR);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new EngineError('runtime.data_dir_unusable', `Cannot create the ledger directory ${dir}.`, {
      cause: err,
    });
  }
  const signer = await loadCheckpointSigner(dir, origin);
  const master = await loadSubjectMasterKey(dir, {
    mustExist: await options.store.ledgerSubjectKeys.hasLive(),
  });
  // With PostgreSQL the log lives in the database, written by the node holding the advisory
  // lock (the others queue); embedded, it lives in <dataDir>/ledger on local disk, its tiles
  // and checkpoint optionally on S3-compatible storage.
  const log =
    options.store.driver === 'postgres'
      ? await openPostgresLedger({ store: options.store, origin, signer, ...options.tuning })
      : await openLog({
          dir,
          origin,
          signer,
          ...options.tuning,
          ...(tiles === undefined ? {} : { store: tiles }),
        });
  return createLedger({ log, store: options.store, secrets: subjectSecrets(master.key), retention, clock });
}
