import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fsckLog } from '../evidence/fsck.js';
import { noteSigner } from '../note-keys.js';
import { openLog } from './log.js';
import { type S3TileStoreOptions, S3_MAX_TILE_BYTES, s3ErrorCode, s3TileStore } from './s3-tile-store.js';
import {
  TEST_ACCESS_KEY_ID,
  TEST_REGION,
  TEST_SECRET_ACCESS_KEY,
  type TestS3Server,
  startTestS3,
} from './testing/s3-server.js';

const ORIGIN = 's3.test.example/ledger';
const signer = noteSigner(ORIGIN, new Uint8Array(32).fill(7));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startTestS3(['ledger', 'other']);
});
afterAll(async () => {
  await s3.close();
});
beforeEach(() => {
  s3.faults = [];
  s3.requests.length = 0;
});

let prefixCounter = 0;
function store(options: Partial<S3TileStoreOptions> = {}) {
  return s3TileStore({
    endpoint: s3.endpoint,
    bucket: 'ledger',
    region: TEST_REGION,
    accessKeyId: TEST_ACCESS_KEY_ID,
    secretAccessKey: TEST_SECRET_ACCESS_KEY,
    prefix: `t${++prefixCounter}/`,
    retryBaseMs: 1,
    ...options,
  });
}

describe('s3TileStore on an S3-compatible server (s3rver behind a SigV4-checking front)', () => {
  it('round-trips tiles, entry bundles and the checkpoint', async () => {
    const st = store();
    const tile = new Uint8Array(S3_MAX_TILE_BYTES).map((_, i) => i & 0xff);
    const bundle = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    await st.write('tile/0/000', tile);
    await st.write('tile/1/x001/234.p/5', tile.subarray(0, 160));
    await st.write('tile/entries/000', bundle);
    await st.write('checkpoint', enc('origin\n1\nroot\n'));
    expect(await st.read('tile/0/000')).toEqual(tile);
    expect(await st.read('tile/1/x001/234.p/5')).toEqual(tile.subarray(0, 160));
    expect(await st.read('tile/entries/000')).toEqual(bundle);
    expect(new TextDecoder().decode(await st.read('checkpoint'))).toBe('origin\n1\nroot\n');
    // Replacing an object and removing it.
    await st.write('checkpoint', enc('two'));
    expect(new TextDecoder().decode(await st.read('checkpoint'))).toBe('two');
    await st.remove('tile/0/000');
    expect(await st.read('tile/0/000')).toBeUndefined();
    // Objects live under the prefix, path style, keys encoded once.
    expect(s3.requests).toContain(`PUT /ledger/t${prefixCounter}/tile/1/x001/234.p/5`);
  });

  it('reads a missing object as undefined and removes it without error', async () => {
    const st = store();
    expect(await st.read('tile/0/001')).toBeUndefined();
    expect(await st.read('checkpoint')).toBeUndefined();
    await st.remove('tile/entries/001');
  });

  it('refuses non-canonical paths like fileTileStore', async () => {
    const st = store();
    await expect(st.read('../etc/passwd')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
    await expect(st.write('tile/0/../../x', enc('x'))).rejects.toMatchObject({ code: 'ledger.invalid_path' });
    await expect(st.remove('published-at')).rejects.toMatchObject({ code: 'ledger.invalid_path' });
    expect(s3.requests).toEqual([]);
  });

  it('refuses to write more than a tile holds', async () => {
    await expect(store().write('tile/0/000', new Uint8Array(S3_MAX_TILE_BYTES + 1))).rejects.toMatchObject({
      code: 'ledger.invalid_argument',
    });
  });

  it('runs a whole log: 300+ entries, reopen, fsck over the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synthguard-s3log-'));
    try {
      const st = store();
      const log = await openLog({ dir, origin: ORIGIN, signer, store: st, integrateIntervalMs: 5 });
      const entries = Array.from({ length: 700 }, (_, i) => enc(`{"n":${i}}`));
      const first = await Promise.all(entries.slice(0, 300).map((e) => log.append(e)));
      await log.integrated(first.at(-1)!.index);
      const rest = await Promise.all(entries.slice(300).map((e) => log.append(e)));
      const cp = await log.integrated(rest.at(-1)!.index);
      expect(cp.size).toBe(700);
      await log.close();

      // The checkpoint, tiles and bundles are in the bucket: a reader of the store alone verifies.
      const report = await fsckLog((p) => st.read(p), { verifierKeys: [signer.verifier], origin: ORIGIN });
      expect(report).toMatchObject({ ok: true, size: 700, entries: 700 });

      const reopened = await openLog({ dir, origin: ORIGIN, signer, store: st, integrateIntervalMs: 5 });
      try {
        expect(reopened.checkpoint().size).toBe(700);
        expect(reopened.checkpoint().root).toEqual(cp.root);
        const more = await reopened.append(enc('{"n":700}'));
        expect((await reopened.integrated(more.index)).size).toBe(701);
      } finally {
        await reopened.close();
      }
      expect(
        await fsckLog((p) => st.read(p), { verifierKeys: [signer.verifier], origin: ORIGIN }),
      ).toMatchObject({ ok: true, size: 701 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad secret as ledger.storage_failed 403 SignatureDoesNotMatch, without the secret', async () => {
    const secret = 'wrong-secret-value-123';
    const st = store({ secretAccessKey: secret });
    const err: unknown = await st.write('checkpoint', enc('x')).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ledger.storage_failed',
      details: { op: 'write', path: 'checkpoint', status: 403, code: 'SignatureDoesNotMatch', attempts: 1 },
    });
    const shown = JSON.stringify({
      message: (err as Error).message,
      details: (err as { details: unknown }).details,
    });
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(TEST_SECRET_ACCESS_KEY);
    await expect(st.read('checkpoint')).rejects.toMatchObject({ details: { status: 403 } });
  });

  it('reports an unknown access key (403 InvalidAccessKeyId)', async () => {
    await expect(store({ accessKeyId: 'NOSUCHKEY' }).read('checkpoint')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { status: 403, code: 'InvalidAccessKeyId' },
    });
  });

  it('treats a 404 that is not NoSuchKey as an error', async () => {
    s3.faults = [
      (_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html>Not Found</html>');
        return true;
      },
    ];
    await expect(store().read('checkpoint')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { status: 404, problem: 'status', attempts: 1 },
    });
  });

  it('treats a missing bucket as an error, not as an empty log', async () => {
    await expect(store({ bucket: 'no-such-bucket' }).read('checkpoint')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { status: 404, code: 'NoSuchBucket' },
    });
  });

  it('retries a 500 and succeeds', async () => {
    const st = store();
    await st.write('tile/0/002', enc('abc'));
    let failures = 2;
    s3.faults = [
      (req, res) => {
        if (req.method !== 'GET' || failures === 0) return false;
        failures--;
        res.writeHead(500, { 'content-type': 'application/xml' });
        res.end('<Error><Code>InternalError</Code></Error>');
        return true;
      },
    ];
    s3.requests.length = 0;
    expect(new TextDecoder().decode(await st.read('tile/0/002'))).toBe('abc');
    expect(s3.requests.filter((r) => r.startsWith('GET'))).toHaveLength(3);
  });

  it('gives up after the retries with the status and S3 code', async () => {
    s3.faults = [
      (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>');
        return true;
      },
    ];
    await expect(store({ retries: 2 }).write('tile/0/003', enc('x'))).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { status: 503, code: 'SlowDown', attempts: 3, op: 'write' },
    });
    expect(s3.requests).toHaveLength(3);
  });

  it('refuses an oversized body (declared or streamed) without retrying', async () => {
    const big = Buffer.alloc(S3_MAX_TILE_BYTES + 1);
    s3.faults = [
      (req, res) => {
        if (req.url?.endsWith('/tile/0/004') === true) {
          res.writeHead(200, { 'content-length': big.length });
          res.end(big);
          return true;
        }
        if (req.url?.endsWith('/tile/0/005') === true) {
          res.writeHead(200, { 'transfer-encoding': 'chunked' });
          res.write(big.subarray(0, 4096));
          res.end(big.subarray(4096));
          return true;
        }
        return false;
      },
    ];
    const st = store();
    await expect(st.read('tile/0/004')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { problem: 'too_large', attempts: 1 },
    });
    await expect(st.read('tile/0/005')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { problem: 'too_large', attempts: 1 },
    });
  });

  it('retries a truncated body, then reports it', async () => {
    s3.faults = [
      (_req, res) => {
        res.writeHead(200, { 'content-length': 100 });
        res.write(Buffer.alloc(50));
        setTimeout(() => res.socket?.destroy(), 5);
        return true;
      },
    ];
    await expect(store({ retries: 1 }).read('tile/0/006')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { problem: 'truncated', attempts: 2 },
    });
  });

  it('times out a server that does not answer', async () => {
    s3.faults = [() => true]; // never answers
    await expect(store({ retries: 1, timeoutMs: 100 }).read('tile/0/007')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { problem: 'timeout', attempts: 2 },
    });
  });
});

describe('s3TileStore without a server', () => {
  const base = {
    endpoint: 'http://127.0.0.1:9',
    bucket: 'ledger',
    region: 'us-east-1',
    accessKeyId: 'AK',
    secretAccessKey: 'SK',
  };
  it('validates its options', () => {
    expect(() => s3TileStore({ ...base, endpoint: 'ftp://x' })).toThrow(/endpoint/);
    expect(() => s3TileStore({ ...base, endpoint: 'http://u:p@host' })).toThrow(/endpoint/);
    expect(() => s3TileStore({ ...base, endpoint: 'http://host/path' })).toThrow(/endpoint/);
    expect(() => s3TileStore({ ...base, bucket: 'Bad_Bucket' })).toThrow(/bucket/);
    expect(() => s3TileStore({ ...base, region: 'US EAST' })).toThrow(/region/);
    expect(() => s3TileStore({ ...base, prefix: 'a/../b' })).toThrow(/prefix/);
    expect(() => s3TileStore({ ...base, secretAccessKey: '' })).toThrow(/secret/);
  });

  it('uses virtual-hosted style for a DNS endpoint unless forced to path style', async () => {
    const urls: string[] = [];
    // eslint-disable-next-line @typescript-eslint/require-await
    const fake: typeof fetch = async (input) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return new Response('<Error><Code>NoSuchKey</Code></Error>', { status: 404 });
    };
    await s3TileStore({ ...base, endpoint: 'https://s3.example.com', fetch: fake, prefix: 'p' }).read(
      'tile/0/000',
    );
    await s3TileStore({
      ...base,
      endpoint: 'https://s3.example.com',
      fetch: fake,
      forcePathStyle: true,
    }).read('checkpoint');
    expect(urls).toEqual([
      'https://ledger.s3.example.com/p/tile/0/000',
      'https://s3.example.com/ledger/checkpoint',
    ]);
  });

  it('reports an unreachable server after retrying', async () => {
    const refused = s3TileStore({ ...base, endpoint: 'http://127.0.0.1:1', retries: 1, retryBaseMs: 1 });
    await expect(refused.read('checkpoint')).rejects.toMatchObject({
      code: 'ledger.storage_failed',
      details: { problem: 'network', attempts: 2 },
    });
  });

  it('parses the S3 error <Code>', () => {
    expect(s3ErrorCode('<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>')).toBe('NoSuchKey');
    expect(s3ErrorCode('<html>oops</html>')).toBeUndefined();
    expect(s3ErrorCode('<Code><script></Code>')).toBeUndefined();
  });
});
