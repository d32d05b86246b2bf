import { resolve } from 'node:path';
import { type LedgerS3Config, ledgerS3FromEnv } from '@synthguard/engine';
import { z } from 'zod';

/** Server configuration, read from the environment once, in main.ts. */
export interface ServerConfig {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  /** Largest accepted upload, in bytes (raw body or multipart file). */
  readonly maxUploadBytes: number;
  readonly logLevel: string;
  /** How long a graceful shutdown may wait for in-flight requests before the process exits. */
  readonly shutdownTimeoutMs: number;
  /** Algorithm of label signing keys created on first use. */
  readonly signatureAlgorithm: 'Ed25519' | 'SM2-SM3';
  /** A real C2PA chain (PEM files); unset: the development chain in the data directory. */
  readonly c2pa: {
    readonly certificateChainFile: string | undefined;
    readonly privateKeyFile: string | undefined;
    readonly trustAnchorsFile: string | undefined;
  };
  /** Checkpoint origin of the ledger; default `synthguard.local/ledger`. */
  readonly ledgerOrigin: string | undefined;
  /** Retention per event type, e.g. `default=184d,content.exported_unlabeled=365d`. */
  readonly ledgerRetention: string | undefined;
  /** The ledger's tiles and checkpoint on S3-compatible storage (SYNTHGUARD_LEDGER_S3_*). */
  readonly ledgerS3: LedgerS3Config | undefined;
  /** Who may read /ledger/*: anyone, or installation-wide keys with ledger:read. */
  readonly ledgerAccess: 'public' | 'authenticated';
  /** Witnesses that cosign each checkpoint (C2SP tlog-witness). */
  readonly witnesses: readonly { readonly url: string; readonly verifierKey: string }[];
}

const Env = z.object({
  SYNTHGUARD_DATA: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  SYNTHGUARD_HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  SYNTHGUARD_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SYNTHGUARD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SYNTHGUARD_SIGNATURE_ALG: z.enum(['Ed25519', 'SM2-SM3']).default('Ed25519'),
  SYNTHGUARD_C2PA_CERT_CHAIN: z.string().min(1).optional(),
  SYNTHGUARD_C2PA_PRIVATE_KEY: z.string().min(1).optional(),
  SYNTHGUARD_C2PA_TRUST_ANCHORS: z.string().min(1).optional(),
  SYNTHGUARD_LEDGER_ORIGIN: z.string().min(1).optional(),
  SYNTHGUARD_LEDGER_RETENTION: z.string().min(1).optional(),
  SYNTHGUARD_WITNESSES: z.string().min(1).optional(),
  SYNTHGUARD_LEDGER_ACCESS: z.enum(['public', 'authenticated']).default('public'),
});

export function configFromEnv(env: NodeJS.ProcessEnv): ServerConfig {
  // An empty variable (`DATABASE_URL=`) means unset, as in most shells' .env habits.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration in the environment: ${issues}`);
  }
  const e = parsed.data;
  if ((e.SYNTHGUARD_C2PA_CERT_CHAIN === undefined) !== (e.SYNTHGUARD_C2PA_PRIVATE_KEY === undefined)) {
    throw new Error(
      'Invalid configuration in the environment: set SYNTHGUARD_C2PA_CERT_CHAIN and SYNTHGUARD_C2PA_PRIVATE_KEY together.',
    );
  }
  return {
    dataDir: resolve(e.SYNTHGUARD_DATA),
    databaseUrl: e.DATABASE_URL,
    host: e.SYNTHGUARD_HOST,
    port: e.PORT,
    maxUploadBytes: e.SYNTHGUARD_MAX_UPLOAD_BYTES,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SYNTHGUARD_SHUTDOWN_TIMEOUT_MS,
    signatureAlgorithm: e.SYNTHGUARD_SIGNATURE_ALG,
    c2pa: {
      certificateChainFile: e.SYNTHGUARD_C2PA_CERT_CHAIN,
      privateKeyFile: e.SYNTHGUARD_C2PA_PRIVATE_KEY,
      trustAnchorsFile: e.SYNTHGUARD_C2PA_TRUST_ANCHORS,
    },
    ledgerOrigin: e.SYNTHGUARD_LEDGER_ORIGIN,
    ledgerRetention: e.SYNTHGUARD_LEDGER_RETENTION,
    ledgerS3: ledgerS3Config(present),
    ledgerAccess: e.SYNTHGUARD_LEDGER_ACCESS,
    witnesses: parseWitnesses(e.SYNTHGUARD_WITNESSES),
  };
}

/** SYNTHGUARD_LEDGER_S3_*: all of endpoint, bucket and keys, or none. */
function ledgerS3Config(env: Record<string, string | undefined>): LedgerS3Config | undefined {
  try {
    return ledgerS3FromEnv((name) => env[name]);
  } catch (err) {
    throw new Error(`Invalid configuration in the environment: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * `SYNTHGUARD_WITNESSES`: whitespace- or comma-separated `<url>=<verifier key>` pairs, e.g.
 * `https://witness.example=witness.example+1a2b3c4d+BA…`. The URL is the witness's submission
 * prefix; the log posts to `<url>/add-checkpoint`.
 */
export function parseWitnesses(value: string | undefined): { url: string; verifierKey: string }[] {
  if (value === undefined) return [];
  return value
    .split(/[\s,]+/)
    .filter((p) => p !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const url = at > 0 ? pair.slice(0, at) : '';
      const verifierKey = at > 0 ? pair.slice(at + 1) : '';
      if (!/^https?:\/\//.test(url) || verifierKey === '') {
        throw new Error(
          'Invalid configuration in the environment: SYNTHGUARD_WITNESSES wants <url>=<verifier key> pairs.',
        );
      }
      return { url, verifierKey };
    });
}
