/**
 * S3-compatible storage for the embedded ledger's tiles, entry bundles and checkpoint («03 The
 * ledger»: local disk by default, S3-compatible storage at scale). The journal, the lock and the
 * keys stay in `<dataDir>/ledger`. With PostgreSQL the log is in the database and these
 * settings are not used.
 */
import { EngineError } from '../errors.js';

export interface LedgerS3Config {
  /** e.g. https://s3.eu-central-1.amazonaws.com or http://minio:9000 */
  readonly endpoint: string;
  readonly bucket: string;
  /** Signing region (default us-east-1). */
  readonly region: string;
  /** Key prefix, e.g. `ledger/`. */
  readonly prefix?: string | undefined;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`); default: only for IP-address or localhost endpoints. */
  readonly forcePathStyle?: boolean | undefined;
}

/** The environment variables, in the order the error message names them. */
export const LEDGER_S3_ENV = {
  endpoint: 'SYNTHGUARD_LEDGER_S3_ENDPOINT',
  bucket: 'SYNTHGUARD_LEDGER_S3_BUCKET',
  accessKeyId: 'SYNTHGUARD_LEDGER_S3_ACCESS_KEY_ID',
  secretAccessKey: 'SYNTHGUARD_LEDGER_S3_SECRET_ACCESS_KEY',
  region: 'SYNTHGUARD_LEDGER_S3_REGION',
  prefix: 'SYNTHGUARD_LEDGER_S3_PREFIX',
  forcePathStyle: 'SYNTHGUARD_LEDGER_S3_FORCE_PATH_STYLE',
} as const;

const REQUIRED = ['endpoint', 'bucket', 'accessKeyId', 'secretAccessKey'] as const;

/**
 * Reads the SYNTHGUARD_LEDGER_S3_* settings through `get` (undefined or "" = unset). Returns
 * undefined when none is set. ENDPOINT, BUCKET, ACCESS_KEY_ID and SECRET_ACCESS_KEY go
 * together: some without the others is `ledger.config_invalid` (details: setting = the missing
 * variables). REGION defaults to us-east-1; FORCE_PATH_STYLE is true or false.
 */
export function ledgerS3FromEnv(get: (name: string) => string | undefined): LedgerS3Config | undefined {
  const value = (name: string): string | undefined => {
    const v = get(name);
    return v === undefined || v === '' ? undefined : v;
  };
  const anySet = Object.values(LEDGER_S3_ENV).some((name) => value(name) !== undefined);
  if (!anySet) return undefined;
  const missing = REQUIRED.filter((k) => value(LEDGER_S3_ENV[k]) === undefined).map((k) => LEDGER_S3_ENV[k]);
  if (missing.length > 0) {
    throw new EngineError(
      'ledger.config_invalid',
      `S3 storage for the ledger needs ${REQUIRED.map((k) => LEDGER_S3_ENV[k]).join(', ')} together; ` +
        `missing: ${missing.join(', ')}.`,
      { details: { setting: missing.join(','), problem: 'incomplete' } },
    );
  }
  const pathStyle = value(LEDGER_S3_ENV.forcePathStyle);
  if (pathStyle !== undefined && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new EngineError('ledger.config_invalid', `${LEDGER_S3_ENV.forcePathStyle} must be true or false.`, {
      details: { setting: LEDGER_S3_ENV.forcePathStyle, problem: 'malformed' },
    });
  }
  return {
    endpoint: value(LEDGER_S3_ENV.endpoint)!,
    bucket: value(LEDGER_S3_ENV.bucket)!,
    region: value(LEDGER_S3_ENV.region) ?? 'us-east-1',
    prefix: value(LEDGER_S3_ENV.prefix),
    accessKeyId: value(LEDGER_S3_ENV.accessKeyId)!,
    secretAccessKey: value(LEDGER_S3_ENV.secretAccessKey)!,
    forcePathStyle: pathStyle === undefined ? undefined : pathStyle === 'true',
  };
}
