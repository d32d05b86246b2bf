/**
 * A real S3-compatible server for tests: s3rver (filesystem-backed, in process) behind a small
 * front on 127.0.0.1 that checks every request's Signature Version 4 against the one secret it
 * knows (s3rver itself accepts any V4 signature) and the signed payload hash against the body,
 * and lets a test inject faults (5xx, truncated or oversized bodies, a server that hangs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { sha256Hex, signV4 } from '../sigv4.js';

// s3rver's built-in account (it checks the key id; the front checks the signature).
export const TEST_ACCESS_KEY_ID = 'S3RVER';
export const TEST_SECRET_ACCESS_KEY = 'test-secret/with+chars';
export const TEST_REGION = 'us-east-1';

/** Answers a request instead of s3rver; return true when it handled the request. */
export type Fault = (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean;

export interface TestS3Server {
  /** http://127.0.0.1:<port> of the checking front. */
  readonly endpoint: string;
  /** Requests seen by the front, "<METHOD> <path>". */
  readonly requests: string[];
  /** Faults tried in order for each request (a test sets and clears them). */
  faults: Fault[];
  close(): Promise<void>;
}

function s3Error(res: ServerResponse, status: number, code: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>test</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

/** Checks the Authorization header the way S3 does; returns an S3 error code or undefined. */
function checkSignature(req: IncomingMessage, body: Buffer): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (m === null) return 'AccessDenied';
  const [, keyId, , region, signedHeaders, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (keyId !== TEST_ACCESS_KEY_ID) return 'InvalidAccessKeyId';
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string' || payloadHash !== sha256Hex(body)) return 'XAmzContentSHA256Mismatch';
  const url = new URL(req.url ?? '/', 'http://x');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const v = req.headers[name];
    if (typeof v !== 'string') return 'SignatureDoesNotMatch';
    headers[name] = v;
  }
  const amzDate = headers['x-amz-date'];
  if (amzDate === undefined) return 'AccessDenied';
  const expected = signV4(
    {
      method: req.method ?? 'GET',
      path: url.pathname.split('/').map(decodeURIComponent).join('/'),
      query: [...url.searchParams.entries()],
      headers,
      payloadHash,
    },
    { accessKeyId: keyId, secretAccessKey: TEST_SECRET_ACCESS_KEY, region, service: 's3', amzDate },
  );
  return expected.signature === signature ? undefined : 'SignatureDoesNotMatch';
}

/** Starts s3rver with `buckets` and the checking front; close() stops both and removes the data. */
export async function startTestS3(buckets: readonly string[] = ['ledger']): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'synthguard-s3rver-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const backend = await s3.run();
  const requests: string[] = [];
  const state: { faults: Fault[] } = { faults: [] };
  const front: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
      for (const fault of state.faults) if (fault(req, res, body)) return;
      const problem = checkSignature(req, body);
      if (problem !== undefined) {
        s3Error(res, 403, problem);
        return;
      }
      const headers = { ...req.headers, host: `127.0.0.1:${backend.port}` };
      const upstream = request(
        { host: '127.0.0.1', port: backend.port, method: req.method, path: req.url, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        s3Error(res, 502, 'BadGateway');
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get faults() {
      return state.faults;
    },
    set faults(f: Fault[]) {
      state.faults = f;
    },
    async close() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => {
        front.close(() => {
          resolve();
        });
      });
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
