/**
 * A TileStore on S3 or an S3-compatible object store (MinIO, Ceph RGW, ...): each tlog-tiles
 * path is one object `<prefix><path>`. No AWS SDK: requests are signed with Signature Version 4
 * (sigv4.ts, node:crypto) and sent with the global fetch.
 *
 * - Durability: a PUT that answered 200 is stored durably (S3's contract); the payload's SHA-256
 *   is signed (x-amz-content-sha256), so the store refuses a body damaged in transit. The log
 *   writes the checkpoint only after every tile and bundle it covers, so the object store never
 *   holds a checkpoint whose tiles it lacks. The journal, the lock and `published-at` stay on
 *   local disk under LogOptions.dir.
 * - Reads: 404 NoSuchKey → undefined (any other 404, e.g. NoSuchBucket, is an error, not an
 *   empty log); a body is capped per kind of path (tile 8 KiB, entry bundle 256 × 65,537 bytes,
 *   checkpoint 1 MiB), and a body shorter than its Content-Length is refused.
 * - Failures: each attempt has a timeout; network errors, timeouts, truncated bodies, 5xx and
 *   429 are retried with exponential backoff and jitter; anything else fails at once. Errors are
 *   `ledger.storage_failed` with details { path, op, status, code (the S3 <Code>), problem,
 *   attempts }; no credential, signature or error body is echoed.
 */
import { LedgerError } from '../errors.js';
import { readBodyCapped } from '../http-body.js';
import { MAX_ENTRY_SIZE } from '../entry-bundle.js';
import { MAX_NOTE_BYTES } from '../note.js';
import { HASH_SIZE } from '../merkle.js';
import { TILE_WIDTH } from '../tiles.js';
import { EMPTY_PAYLOAD_SHA256, amzDate, canonicalPath, sha256Hex, signV4 } from './sigv4.js';
import { CHECKPOINT_PATH, type TileStore, checkStorePath } from './tile-store.js';

export interface S3TileStoreOptions {
  /** e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000` (no path, no query). */
  readonly endpoint: string;
  readonly bucket: string;
  /** The signing region (us-east-1 for most S3-compatible servers). */
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: sent as x-amz-security-token. */
  readonly sessionToken?: string | undefined;
  /** Key prefix, e.g. `ledger/` (a trailing "/" is added). Default: none. */
  readonly prefix?: string | undefined;
  /**
   * `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key`. Default: path style when
   * the endpoint's host is an IP address or localhost (no virtual host possible), otherwise false.
   */
  readonly forcePathStyle?: boolean | undefined;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch | undefined;
  /** Per attempt, including reading the body (default 30,000 ms). */
  readonly timeoutMs?: number | undefined;
  /** Retries after a retryable failure (default 4, so 5 attempts). */
  readonly retries?: number | undefined;
  /** First backoff; doubles per retry, full jitter, capped at 5 s (default 100 ms). */
  readonly retryBaseMs?: number | undefined;
  /** The signing clock (default: the system clock). */
  readonly now?: (() => Date) | undefined;
}

/** Largest object of each kind a read accepts. */
export const S3_MAX_TILE_BYTES = TILE_WIDTH * HASH_SIZE;
export const S3_MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + MAX_ENTRY_SIZE);
export const S3_MAX_CHECKPOINT_BYTES = MAX_NOTE_BYTES;
/** Largest error body read to find its <Code>. */
const MAX_ERROR_BODY = 64 * 1024;
const MAX_BACKOFF_MS = 5_000;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function invalid(field: string, message: string): LedgerError {
  return new LedgerError('ledger.invalid_argument', message, { details: { field } });
}

function maxBytes(path: string): number {
  if (path === CHECKPOINT_PATH) return S3_MAX_CHECKPOINT_BYTES;
  return path.startsWith('tile/entries/') ? S3_MAX_BUNDLE_BYTES : S3_MAX_TILE_BYTES;
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!trimmed.split('/').every((s) => PREFIX_SEGMENT.test(s) && s !== '.' && s !== '..')) {
    throw invalid(
      'prefix',
      'The S3 key prefix must be "/"-separated segments of letters, digits, ".", "_" and "-", e.g. ledger/.',
    );
  }
  return `${trimmed}/`;
}

function isIpOrLocalhost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) ||
    (hostname.startsWith('[') && hostname.endsWith(']'))
  );
}

/** An attempt that failed; `retry` says whether another attempt may succeed. */
class AttemptFailure extends Error {
  constructor(
    readonly retry: boolean,
    readonly problem: string,
    readonly status?: number,
    readonly code?: string,
    cause?: unknown,
  ) {
    super(problem, cause === undefined ? undefined : { cause });
  }
}

/** The <Code> of an S3 XML error body, if it has a plausible one. */
export function s3ErrorCode(body: string): string | undefined {
  const m = /<Code>\s*([A-Za-z0-9._-]{1,64})\s*<\/Code>/.exec(body);
  return m?.[1];
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * A TileStore on S3-compatible storage. Rejects non-canonical paths with `ledger.invalid_path`
 * (like fileTileStore) and bad options with `ledger.invalid_argument`.
 */
export function s3TileStore(options: S3TileStoreOptions): TileStore {
  let endpoint: URL;
  try {
    endpoint = new URL(options.endpoint);
  } catch {
    throw invalid('endpoint', 'The S3 endpoint must be an http(s) URL, e.g. https://s3.amazonaws.com.');
  }
  if (
    (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') ||
    endpoint.username !== '' ||
    endpoint.password !== '' ||
    (endpoint.pathname !== '/' && endpoint.pathname !== '') ||
    endpoint.search !== '' ||
    endpoint.hash !== ''
  ) {
    throw invalid(
      'endpoint',
      'The S3 endpoint must be an http(s) URL with no path, query or credentials, e.g. https://s3.amazonaws.com.',
    );
  }
  if (!BUCKET.test(options.bucket) || options.bucket.includes('..')) {
    throw invalid('bucket', 'The S3 bucket name must be 3 to 63 lower-case letters, digits, "." and "-".');
  }
  if (!/^[a-z0-9-]{1,64}$/.test(options.region)) {
    throw invalid('region', 'The S3 region must be lower-case letters, digits and "-", e.g. us-east-1.');
  }
  if (options.accessKeyId === '' || /[\s/]/.test(options.accessKeyId)) {
    throw invalid('accessKeyId', 'The S3 access key id must be non-empty, without spaces or "/".');
  }
  if (options.secretAccessKey === '') {
    throw invalid('secretAccessKey', 'The S3 secret access key must be non-empty.');
  }
  const prefix = normalizePrefix(options.prefix);
  const pathStyle = options.forcePathStyle ?? isIpOrLocalhost(endpoint.hostname);
  const host = pathStyle ? endpoint.host : `${options.bucket}.${endpoint.host}`;
  const origin = `${endpoint.protocol}//${host}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 4;
  const retryBaseMs = options.retryBaseMs ?? 100;
  const now = options.now ?? (() => new Date());
  const { accessKeyId, secretAccessKey, sessionToken, region } = options;

  function objectPath(path: string): string {
    return pathStyle ? `/${options.bucket}/${prefix}${path}` : `/${prefix}${path}`;
  }

  async function attempt(
    method: 'GET' | 'PUT' | 'DELETE',
    path: string,
    body: Uint8Array | undefined,
  ): Promise<Uint8Array | undefined> {
    const rawPath = objectPath(path);
    const date = amzDate(now());
    const payloadHash = body === undefined ? EMPTY_PAYLOAD_SHA256 : sha256Hex(body);
    const headers: Record<string, string> = {
      host,
      'x-amz-date': date,
      'x-amz-content-sha256': payloadHash,
      ...(sessionToken === undefined ? {} : { 'x-amz-security-token': sessionToken }),
    };
    const { authorization } = signV4(
      { method, path: rawPath, headers, payloadHash },
      { accessKeyId, secretAccessKey, region, service: 's3', amzDate: date },
    );
    const { host: _host, ...sent } = headers; // fetch sets Host from the URL
    let res: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      res = await doFetch(`${origin}${canonicalPath(rawPath)}`, {
        method,
        headers: {
          ...sent,
          authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/octet-stream' }),
        },
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal,
      });
    } catch (err) {
      throw new AttemptFailure(true, signal.aborted ? 'timeout' : 'network', undefined, undefined, err);
    }
    try {
      if (res.status >= 200 && res.status < 300) {
        if (method !== 'GET') {
          await discard(res);
          return undefined;
        }
        const max = maxBytes(path);
        // A Content-Encoding (a proxy's gzip) makes Content-Length the encoded size: not comparable.
        const declared = res.headers.has('content-encoding') ? null : res.headers.get('content-length');
        const length = declared === null ? undefined : Number(declared);
        if (length !== undefined && length > max) {
          await discard(res);
          throw new AttemptFailure(false, 'too_large', res.status);
        }
        const data = await readBodyCapped(res, max);
        if (data === undefined) throw new AttemptFailure(false, 'too_large', res.status);
        if (length !== undefined && data.byteLength !== length) {
          throw new AttemptFailure(true, 'truncated', res.status);
        }
        return data;
      }
      const errorBody = await readBodyCapped(res, MAX_ERROR_BODY);
      const code = errorBody === undefined ? undefined : s3ErrorCode(new TextDecoder().decode(errorBody));
      // Absent only when S3 says the key is: a 404 from something else (a wrong endpoint, a
      // proxy's page, a missing bucket) must not make a log look empty.
      if (res.status === 404 && method === 'GET' && code === 'NoSuchKey') return undefined;
      if (res.status === 404 && method === 'DELETE' && code !== 'NoSuchBucket') return undefined;
      const retry = res.status >= 500 || res.status === 429;
      throw new AttemptFailure(retry, 'status', res.status, code);
    } catch (err) {
      if (err instanceof AttemptFailure) throw err;
      // The body broke off (connection reset, timeout while reading).
      throw new AttemptFailure(true, signal.aborted ? 'timeout' : 'truncated', res.status, undefined, err);
    }
  }

  async function run(
    method: 'GET' | 'PUT' | 'DELETE',
    op: 'read' | 'write' | 'remove',
    path: string,
    body?: Uint8Array,
  ): Promise<Uint8Array | undefined> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(method, path, body);
      } catch (err) {
        if (!(err instanceof AttemptFailure)) throw err;
        if (err.retry && n < retries) {
          const cap = Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** n);
          await sleep(Math.random() * cap);
          continue;
        }
        const what =
          err.problem === 'status'
            ? `answered HTTP ${err.status ?? '?'}${err.code === undefined ? '' : ` ${err.code}`}`
            : err.problem === 'too_large'
              ? `returned more than ${maxBytes(path)} bytes`
              : err.problem === 'truncated'
                ? 'returned a truncated body'
                : err.problem === 'timeout'
                  ? `did not answer within ${timeoutMs} ms`
                  : 'could not be reached';
        throw new LedgerError(
          'ledger.storage_failed',
          `The ledger's S3 storage failed to ${op} ${path}: the server ${what}` +
            (err.retry ? ` (${n + 1} attempts).` : '.'),
          {
            ...(err.cause === undefined ? {} : { cause: err.cause }),
            details: {
              path,
              op,
              problem: err.problem,
              ...(err.status === undefined ? {} : { status: err.status }),
              ...(err.code === undefined ? {} : { code: err.code }),
              attempts: n + 1,
            },
          },
        );
      }
    }
  }

  return {
    async read(path) {
      checkStorePath(path);
      return run('GET', 'read', path);
    },
    async write(path, data) {
      checkStorePath(path);
      if (!(data instanceof Uint8Array)) {
        throw new LedgerError('ledger.invalid_argument', 'Tile store data must be a Uint8Array.', {
          details: { field: 'data' },
        });
      }
      if (data.byteLength > maxBytes(path)) {
        throw new LedgerError('ledger.invalid_argument', `${path} is larger than ${maxBytes(path)} bytes.`, {
          details: { field: 'data', max: maxBytes(path) },
        });
      }
      await run('PUT', 'write', path, data);
    },
    async remove(path) {
      checkStorePath(path);
      await run('DELETE', 'remove', path);
    },
  };
}
