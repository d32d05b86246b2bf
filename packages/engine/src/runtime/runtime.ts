import { join } from 'node:path';
import { type Clock, isAppError, systemClock } from '@synthguard/core';
import { type Store, openStore } from '@synthguard/store';
import type { SignatureAlgorithm } from '@synthguard/labels';
import { issueApiKey } from '../keys.js';
import { type C2paConfig, type C2paIdentity, loadC2paIdentity } from '../provenance.js';
import { type Keyring, createKeyring, directoryVault } from '../signing-keys.js';
import { EngineError } from '../errors.js';
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
}

/** Private label signing keys live here, inside the data directory (mode 0700, files 0600). */
export const SIGNING_KEYS_DIR = 'signing-keys';

export interface Runtime {
  readonly store: Store;
  readonly keyring: Keyring;
  /** The installation's C2PA signing identity. */
  readonly c2pa: C2paIdentity;
  readonly dataDir: string;
  readonly clock: Clock;
  /** Set when this start created the first admin credential. */
  readonly adminCredentialCreated: string | undefined;
  close(): Promise<void>;
}

export const ADMIN_CREDENTIAL_FILE = 'admin-credential';

/**
 * Opens what the apps share: the data directory (locked when embedded), the store with its
 * migrations applied, and on first start an installation admin key written once to
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
  let adminCredentialCreated: string | undefined;
  try {
    adminCredentialCreated = await ensureAdminCredential(store, config.dataDir, clock);
  } catch (err) {
    await store.close();
    throw err;
  }
  const keyring = createKeyring(store, directoryVault(join(config.dataDir, SIGNING_KEYS_DIR)), {
    clock,
    ...(config.signatureAlgorithm === undefined ? {} : { defaultAlgorithm: config.signatureAlgorithm }),
  });
  let c2pa: C2paIdentity;
  try {
    c2pa = await loadC2paIdentity(config.dataDir, config.c2pa);
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    store,
    keyring,
    c2pa,
    dataDir: config.dataDir,
    clock,
    adminCredentialCreated,
    close: () => store.close(),
  };
}

async function ensureAdminCredential(
  store: Store,
  dataDir: string,
  clock: Clock,
): Promise<string | undefined> {
  const admins = (await store.apiKeys.listByTenant(null)).filter(
    (k) => k.role === 'admin' && k.revokedAt === null,
  );
  if (admins.length > 0) return undefined;
  const { token } = await issueApiKey(
    store,
    { name: 'first admin (created on first start)', role: 'admin', tenantId: null, createdBy: null },
    clock,
  );
  const path = join(dataDir, ADMIN_CREDENTIAL_FILE);
  await writeSecretFile(path, `${token}\n`);
  return path;
}
