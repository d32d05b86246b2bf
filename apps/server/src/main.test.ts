// The real server process: first start, the admin credential file, bad input, graceful shutdown.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildJpeg } from './testing/build.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(ROOT, 'apps/server/src/main.ts');

interface Running {
  proc: ChildProcess;
  port: number;
  logs: string[];
  exited: Promise<number | null>;
}

async function startServer(dataDir: string): Promise<Running> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, SYNTHGUARD_DATA: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((res) => {
    proc.once('exit', (code) => {
      res(code);
    });
  });
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      rej(new Error(`server did not start:\n${logs.join('')}`));
    }, 60_000);
    proc.stderr.on('data', (d: Buffer) => {
      logs.push(d.toString());
    });
    proc.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (line.trim() === '') continue;
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { port?: number; msg?: string };
          if (entry.msg?.startsWith('synthguard listening') === true && entry.port !== undefined) {
            clearTimeout(timer);
            res(entry.port);
          }
        } catch {
          // not JSON
        }
      }
    });
    void exited.then((code) => {
      rej(new Error(`server exited with ${code}:\n${logs.join('')}`));
    });
  });
  return { proc, port, logs, exited };
}

async function api(
  port: number,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('server process', () => {
  it('writes the admin credential once (0600), survives bad input, and shuts down gracefully', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sg-server-'));
    dirs.push(dataDir);
    const s = await startServer(dataDir);
    const credPath = join(dataDir, 'admin-credential');
    expect(statSync(credPath).mode & 0o777).toBe(0o600);
    expect(s.logs.join('\n')).toContain(credPath);
    const admin = readFileSync(credPath, 'utf8').trim();

    const tenant = await api(s.port, 'POST', '/v1/tenants', admin, {
      name: 'Example AI',
      uscc: '91440300MA5G00001W',
    });
    expect(tenant.status).toBe(201);
    const tenantId = ((await tenant.json()) as { id: string }).id;

    // hostile input gets a 4xx and the process stays up
    const garbage = await fetch(`http://127.0.0.1:${s.port}/v1/labels?tenant=${tenantId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(4096).fill(0xff),
    });
    expect(garbage.status).toBe(415);
    expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);

    // an upload in flight when SIGTERM arrives still completes
    const jpeg = await buildJpeg();
    const half = Math.floor(jpeg.length / 2);
    const inFlight = new Promise<{ status: number; produceId: string | undefined }>((res, rej) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: s.port,
          method: 'POST',
          path: `/v1/labels?tenant=${tenantId}`,
          headers: {
            authorization: `Bearer ${admin}`,
            'content-type': 'image/jpeg',
            'content-length': jpeg.length,
          },
        },
        (r) => {
          r.resume();
          r.on('end', () => {
            res({ status: r.statusCode ?? 0, produceId: r.headers['synthguard-produce-id'] as string });
          });
        },
      );
      req.on('error', rej);
      req.write(jpeg.subarray(0, half));
      setTimeout(() => {
        s.proc.kill('SIGTERM');
        setTimeout(() => {
          req.end(jpeg.subarray(half));
        }, 300);
      }, 200);
    });
    const done = await inFlight;
    expect(done.status).toBe(201);
    expect(done.produceId).toMatch(/^[0-9A-Z]{26}$/);
    expect(await s.exited).toBe(0);
    expect(s.logs.join('\n')).toContain('shut down cleanly');

    // second start: same data, no new credential, the record is there
    const again = await startServer(dataDir);
    expect(again.logs.join('\n')).not.toContain('First start');
    const rec = await api(again.port, 'GET', `/v1/content/${done.produceId!}`, admin);
    expect(rec.status).toBe(200);
    again.proc.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 120_000);
});
