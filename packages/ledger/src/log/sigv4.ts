/**
 * AWS Signature Version 4 (header-based, AWS4-HMAC-SHA256) with node:crypto, as S3 and
 * S3-compatible stores expect it: the canonical URI is the path encoded once (RFC 3986
 * unreserved characters kept, "/" kept between segments, no normalization), the canonical query
 * sorted by encoded name then value, headers lower-cased, trimmed and sorted. Checked against
 * AWS's published test-suite vectors and the worked examples of the S3 documentation
 * (sigv4.test.ts).
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** SHA-256 of the empty payload, hex. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigV4Request {
  readonly method: string;
  /** The raw (not yet encoded) path, starting with "/". */
  readonly path: string;
  /** Raw query parameters (name, value); encoded and sorted for signing. */
  readonly query?: readonly (readonly [string, string])[];
  /** Headers to sign; must include `host` and `x-amz-date`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the payload (or "UNSIGNED-PAYLOAD"). */
  readonly payloadHash: string;
}

export interface SigV4Scope {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** The request time, `YYYYMMDDTHHMMSSZ` (also the x-amz-date header). */
  readonly amzDate: string;
}

/** `YYYYMMDDTHHMMSSZ` of a Date (UTC). */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The canonical (and wire) form of a raw path: each segment encoded, "/" kept. */
export function canonicalPath(path: string): string {
  return path.split('/').map(uriEncode).join('/');
}

export function canonicalQuery(query: readonly (readonly [string, string])[] = []): string {
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The canonical request, the string to sign and the Authorization header of `req`. */
export function signV4(
  req: SigV4Request,
  scope: SigV4Scope,
): { canonicalRequest: string; stringToSign: string; signature: string; authorization: string } {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(req.headers)) {
    const key = name.toLowerCase();
    const v = value.trim().replace(/ +/g, ' ');
    const prev = headers.get(key);
    headers.set(key, prev === undefined ? v : `${prev},${v}`);
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.query),
    ...names.map((n) => `${n}:${headers.get(n) ?? ''}`),
    '',
    signedHeaders,
    req.payloadHash,
  ].join('\n');
  const day = scope.amzDate.slice(0, 8);
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, scope.amzDate, credentialScope, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  const kDate = hmac(`AWS4${scope.secretAccessKey}`, day);
  const kRegion = hmac(kDate, scope.region);
  const kService = hmac(kRegion, scope.service);
  const kSigning = hmac(kService, 'aws4_request');
  const signature = hmac(kSigning, stringToSign).toString('hex');
  const authorization =
    `${SIGV4_ALGORITHM} Credential=${scope.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}
