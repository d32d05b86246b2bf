import { resolve } from 'node:path';
import { type Runtime, ledgerS3FromEnv, openRuntime } from '@synthguard/engine';
import { envVar } from './env.js';
import { CliError } from './errors.js';

export interface StoreOptions {
  data?: string;
  databaseUrl?: string;
}

function signatureAlgorithm(): 'Ed25519' | 'SM2-SM3' | undefined {
  const value = envVar('SYNTHGUARD_SIGNATURE_ALG');
  if (value === undefined || value === 'Ed25519' || value === 'SM2-SM3') return value;
  throw new CliError('cli.usage', `SYNTHGUARD_SIGNATURE_ALG must be Ed25519 or SM2-SM3, not ${value}.`);
}

/** Opens the local runtime (data directory, store) for one command and closes it after. */
export async function withRuntime<T>(opts: StoreOptions, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime({
    dataDir: resolve(opts.data ?? envVar('SYNTHGUARD_DATA') ?? './data'),
    databaseUrl: opts.databaseUrl ?? envVar('DATABASE_URL'),
    // The same signing configuration as the server (README, Configuration).
    signatureAlgorithm: signatureAlgorithm(),
    c2pa: {
      certificateChainFile: envVar('SYNTHGUARD_C2PA_CERT_CHAIN'),
      privateKeyFile: envVar('SYNTHGUARD_C2PA_PRIVATE_KEY'),
      trustAnchorsFile: envVar('SYNTHGUARD_C2PA_TRUST_ANCHORS'),
    },
    // The same ledger as the server: one origin, one retention policy.
    ledgerOrigin: envVar('SYNTHGUARD_LEDGER_ORIGIN'),
    ledgerRetention: envVar('SYNTHGUARD_LEDGER_RETENTION'),
    ledgerS3: ledgerS3FromEnv(envVar),
  });
  try {
    if (runtime.adminCredentialCreated !== undefined) {
      process.stderr.write(
        `First start: admin API key written to ${runtime.adminCredentialCreated} (mode 0600).\n`,
      );
    }
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
