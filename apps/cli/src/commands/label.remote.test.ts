// `synthguard label` while the server holds the data directory: the local path is refused with
// runtime.data_dir_locked, and --server labels through the running server's API instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ROOT,
  buildJpeg,
  buildTempDir,
  hermeticEnv,
  parseJson,
  removeTempDirs,
  runCli,
  tempFilesIn,
  buildTenantViaCli,
} from '../testing/cli.js';

const SERVER_MAIN = join(ROOT, 'apps/server/src/main.ts');

interface Server {
  proc: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

async function startServer(dataDir: string): Promise<Server> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER_MAIN], {
    cwd: ROOT,
    env: hermeticEnv({
      SYNTHGUARD_DATA: dataDir,
      PORT: '0',
      SYNTHGUARD_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    }),
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
    proc.stderr.on('data', (d: Buffer) => logs.push(d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { port?: number; msg?: string };
          if (entry.msg?.startsWith('synthguard listening') === true && entry.port !== undefined) {
            clearTimeout(timer);
            res(entry.port);
          }
        } catch {
          // not a JSON log line
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${String(code)}:\n${logs.join('')}`));
    });
  });
  return { proc, port, exited };
}

let server: Server | undefined;
afterAll(async () => {
  if (server !== undefined && server.proc.exitCode === null) {
    server.proc.kill('SIGTERM');
    await server.exited;
  }
  removeTempDirs();
});

describe('synthguard label while the server runs', () => {
  it('is refused locally (data_dir_locked) and works through --server', async () => {
    const data = buildTempDir('sg-cli-data-');
    const work = buildTempDir('sg-cli-work-');
    const input = join(work, 'in.jpg');
    writeFileSync(input, await buildJpeg());

    const created = await buildTenantViaCli(data);
    expect(created.code).toBe(0);
    const tenant = parseJson(created) as { id: string; providerCode: string };
    // The CLI's first start wrote the installation admin credential; the server reuses it.
    const admin = readFileSync(join(data, 'admin-credential'), 'utf8').trim();

    server = await startServer(data);
    const url = `http://127.0.0.1:${server.port}`;

    const locked = await runCli(['--data', data, 'label', input, '-o', join(work, 'local.jpg')]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(
      new RegExp(
        `^synthguard: runtime\\.data_dir_locked: .*in use by process ${String(server.proc.pid)}.*--server URL --key KEY`,
        'm',
      ),
    );
    expect(existsSync(join(work, 'local.jpg'))).toBe(false);

    const [remote, badKey] = await Promise.all([
      runCli([
        'label',
        input,
        '-o',
        join(work, 'remote.jpg'),
        '--server',
        url,
        '--key',
        admin,
        '--tenant',
        tenant.id,
        '--json',
      ]),
      runCli([
        'label',
        input,
        '-o',
        join(work, 'denied.jpg'),
        '--server',
        url,
        '--key',
        'sg_not_a_key',
        '--tenant',
        tenant.id,
      ]),
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    const out = parseJson(remote) as {
      produceId: string;
      record: { produceId: string; tenantId: string } | null;
    };
    expect(out.produceId).toMatch(/^[0-9A-Z]{26}$/);
    // The record was fetched from the Location the server answered with.
    expect(out.record).toMatchObject({ produceId: out.produceId, tenantId: tenant.id });

    // The server's problem+json code passes through to the CLI unchanged.
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^synthguard: auth\.invalid_key: /m);
    expect(existsSync(join(work, 'denied.jpg'))).toBe(false);

    const seen = await runCli(['inspect', join(work, 'remote.jpg'), '--json']);
    expect(seen.code).toBe(0);
    expect((parseJson(seen) as { label?: { fields: unknown } }).label?.fields).toEqual({
      Label: '1',
      ContentProducer: tenant.providerCode,
      ProduceID: out.produceId,
      ReservedCode1: expect.stringMatching(/^\{"Type":"DigitalSignature"/) as string,
      ContentPropagator: '',
      PropagateID: '',
      ReservedCode2: '',
    });
    expect(tempFilesIn(work)).toEqual([]);

    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 180_000);
});
