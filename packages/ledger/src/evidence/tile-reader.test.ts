import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerError } from '../errors.js';
import { type TileLog, buildRecordEntry, buildTileLog } from '../testing/tile-log.js';
import { fsckLog } from './fsck.js';
import { httpTileReader } from './tile-reader.js';

/**
 * A published log over real HTTP (node:http on loopback): the files of a test log at
 * `/ledger/<path>`, behind a bearer token, plus a few misbehaving paths.
 */
let log: TileLog;
let server: Server;
let base: string;
const TOKEN = 'sg_test_token';

beforeAll(async () => {
  log = await buildTileLog(
    Array.from({ length: 600 }, (_, i) => buildRecordEntry(i)),
    { publishEvery: 250 },
  );
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    if (url === '/broken/checkpoint') {
      res.writeHead(500).end();
      return;
    }
    if (url === '/huge/tile/0/000') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(9 * 1024 * 1024));
      return;
    }
    const data = url.startsWith('/ledger/') ? log.files.get(url.slice('/ledger/'.length)) : undefined;
    if (data === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(data));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('httpTileReader', () => {
  it('lets fsck check a published log over HTTP, sending the configured headers', async () => {
    const report = await fsckLog(httpTileReader(`${base}/ledger`, auth), {
      verifierKeys: [log.signer.verifier.verifierKey],
      origin: log.origin,
    });
    expect(report.failure).toBeUndefined();
    expect(report).toMatchObject({ ok: true, size: 600 });
  });

  it('reads 404 as absent, and refuses other statuses, oversized bodies and bad paths', async () => {
    const read = httpTileReader(`${base}/ledger/`, auth);
    expect(await read('tile/5/000')).toBeUndefined();
    expect(await codeOf(httpTileReader(`${base}/ledger`)('checkpoint'))).toBe('ledger.read_failed');
    expect(await codeOf(httpTileReader(`${base}/broken`, auth)('checkpoint'))).toBe('ledger.read_failed');
    expect(await codeOf(httpTileReader(`${base}/huge`, auth)('tile/0/000'))).toBe('ledger.read_failed');
    expect(await codeOf(read('../secret'))).not.toBe('no error');
    expect(
      await codeOf(httpTileReader('http://127.0.0.1:9/ledger', { timeoutMs: 2_000 })('checkpoint')),
    ).toBe('ledger.read_failed');
  });
});
