import { join } from 'node:path';
import { type Clock, isAppError, systemClock } from '@synthguard/core';
import { type Store, openStore } from '@synthguard/store';
import type { SignatureAlgorithm } from '@synthguard/labels';
import { issueApiKey } from '../keys.js';
import { type C2paConfig, type C2paIdentity, loadC2paIdentity } from '../provenance.js';
import { type Keyring, createKeyring, directoryVault } from '../signing-keys.js';
import { EngineError } from '../errors.js';
import { openLedger } from '../ledger/open.js';
import type { Ledger, LedgerRecorder } from '../ledger/record.js';
import type { RetentionSettings } from '../ledger/retention.js';
import type { LedgerS3Config } from '../ledger/s3-config.js';
import { ensureDataDir, writeSecretFile } from './data-dir.js';

export interface RuntimeConfig {
  /** Data directory: embedded database, keys, credentials. */
  readonly dataDir: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  readonly databaseUrl?: string | undefined;
  readonly clock?: Clock;
  /** Algorithm of signing keys created on first use (default Ed25519). */
  readonly signatureAlgorithm?: SignatureAlgorithm | undefined;
  /** C2PA signing chain; default: the development chain in `<dataDir>/c2pa/`. */
  readonly c2pa?: C2paConfig | undefined;
  /** Checkpoint origin of the ledger (env SYNTHGUARD_LEDGER_ORIGIN); default `synthguard.local/ledger`. */
  readonly ledgerOrigin?: string | undefined;
  /**
   * Retention per event type (env SYNTHGUARD_LEDGER_RETENTION, e.g.
   * `default=184d,content.exported_unlabeled=365d`); anything under 184 days is refused.
   */
  readonly ledgerRetention?: string | RetentionSettings | undefined;
  /** The embedded ledger's tiles and checkpoint on S3-compatible storage (env SYNTHGUARD_LEDGER_S3_*). */
  readonly ledgerS3?: LedgerS3Config | undefined;
}

/** Private label signing keys live here, inside the data directory (mode 0700, files 0600). */
export const SIGNING_KEYS_DIR = 'signing-keys';

export interface Runtime {
  readonly store: Store;
  readonly keyring: Keyring;
  /** The installation's C2PA signing identity. */
  readonly c2pa: C2paIdentity;
  /**
   * The tamper-evident log in `<dataDir>/ledger` and its recorder («03 The ledger»):
   * `ledger.log` serves tiles, checkpoints and proofs; `ledger.record()` is how engines log.
   */
  readonly ledger: Ledger;
  /** The same ledger as a LabelingContext's recorder: the runtime labels and logs as one context. */
  readonly recorder: LedgerRecorder;
  readonly dataDir: string;
  readonly clock: Clock;
  /** Set when this start created the first admin credential. */
  readonly adminCredentialCreated: string | undefined;
  close(): Promise<void>;
}

export const ADMIN_CREDENTIAL_FILE = 'admin-credential';

/**
 * Opens what the apps share: the data directory (locked when embedded), the store with its
 * migrations applied, the ledger (log + recorder, `<dataDir>/ledger`), and on first start an installation admin key written once to
 * `<dataDir>/admin-credential` with mode 0600.
 */
export async function openRuntime(config: RuntimeConfig): Promise<Runtime> {
  const clock = config.clock ?? systemClock;
  await ensureDataDir(config.dataDir);
  let store: Store;
  try {
    store =
      config.databaseUrl === undefined
        ? await openStore({ driver: 'pglite', dataDir: join(config.dataDir, 'pglite') })
        : await openStore({ driver: 'postgres', url: config.databaseUrl });
  } catch (err) {
    // PGlite allows one process per data directory; the store locks it and names the holder.
    if (
      config.databaseUrl === undefined &&
      isAppError(err, 'store.unavailable') &&
      err.details?.pid !== undefined
    ) {
      throw new EngineError(
        'runtime.data_dir_locked',
        `The data directory ${config.dataDir} is in use by process ${JSON.stringify(err.details.pid)} (is the server running?). ` +
          'Stop it, or go through its API (the CLI takes --server URL --key KEY).',
        { cause: err, details: { pid: err.details.pid } },
      );
    }
    throw err;
  }
  let ledger: Ledger;
  try {
    ledger = await openLedger({
      dataDir: config.dataDir,
      store,
      origin: config.ledgerOrigin,
      retention: config.ledgerRetention,
      s3: config.ledgerS3,
      clock,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const closeAll = async (): Promise<void> => {
    try {
      await ledger.close();
    } finally {
      await store.close();
    }
  };
  let adminCredentialCreated: string | undefined;
  try {
    adminCredentialCreated = await ensureAdminCredential(store, config.dataDir, clock, ledger);
  } catch (err) {
    await closeAll();
    throw err;
  }
  const keyring = createKeyring(store, directoryVault(join(config.dataDir, SIGNING_KEYS_DIR)), {
    clock,
    ledger,
    ...(config.signatureAlgorithm === undefined ? {} : { defaultAlgorithm: config.signatureAlgorithm }),
  });
  let c2pa: C2paIdentity;
  try {
    c2pa = await loadC2paIdentity(config.dataDir, config.c2pa);
  } catch (err) {
    await closeAll();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    store,
    keyring,
    c2pa,
    ledger,
    recorder: ledger,
    dataDir: config.dataDir,
    clock,
    adminCredentialCreated,
    close: () => (closing ??= closeAll()),
  };
}

async function ensureAdminCredential(
  store: Store,
  dataDir: string,
  clock: Clock,
  ledger: LedgerRecorder,
): Promise<string | undefined> {
  const admins = (await store.apiKeys.listByTenant(null)).filter(
    (k) => k.role === 'admin' && k.revokedAt === null,
  );
  if (admins.length > 0) return undefined;
  const { token } = await issueApiKey(
    store,
    { name: 'first admin (created on first start)', role: 'admin', tenantId: null, createdBy: null },
    clock,
    ledger,
  );
  const path = join(dataDir, ADMIN_CREDENTIAL_FILE);
  await writeSecretFile(path, `${token}\n`);
  return path;
}
