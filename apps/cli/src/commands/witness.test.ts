// `synthguard witness`, run as a real process: a log built with the pure ledger library sends
// its checkpoints over HTTP and checks the cosignatures it gets back.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type HashReader,
  type NoteSigner,
  consistencyProof,
  formatAddCheckpoint,
  generateNoteKey,
  openCosignedCheckpoint,
  parseCosignatureVerifierKey,
  parseSignerKey,
  signCheckpoint,
  storedHashes,
  storedTreeHash,
  witnessPublisher,
} from '@synthguard/ledger';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CLI_MAIN,
  ROOT,
  buildTempDir,
  hermeticEnv,
  parseJson,
  removeTempDirs,
  runCli,
} from '../testing/cli.js';

const ORIGIN = 'synthguard.test/ledger';
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  removeTempDirs();
});

/** A log in memory: stored hashes grown with the library, checkpoints signed as ORIGIN. */
function buildTestLog(signer: NoteSigner) {
  const stored: Uint8Array[] = [];
  let size = 0;
  const reader: HashReader = (indexes) => indexes.map((i) => stored[i]!);
  return {
    get size() {
      return size;
    },
    async grow(to: number) {
      for (; size < to; size++)
        stored.push(...(await storedHashes(size, Buffer.from(`entry ${size}`), reader)));
    },
    async checkpoint(n = size, s = signer) {
      const rootHash = await storedTreeHash(n, reader);
      return signCheckpoint({ origin: ORIGIN, size: n, rootHash, extensions: [] }, [s]);
    },
    proof: (a: number, b: number) => consistencyProof(a, b, reader),
  };
}

interface Served {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly verifierKey: string;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `synthguard witness serve` on a free loopback port; resolves once it listens. */
async function serveWitness(data: string, args: string[]): Promise<Served> {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI_MAIN, '--data', data, 'witness', 'serve', ...args],
    { cwd: ROOT, env: hermeticEnv() },
  );
  children.push(proc);
  let stdout = '';
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const banner = await new Promise<string>((res, rej) => {
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (/listening on \S+\n/.test(stdout)) res(stdout);
    });
    proc.once('close', (code) => {
      rej(new Error(`witness exited ${String(code)} before listening:\n${stdout}\n${stderr}`));
    });
  });
  const exited = new Promise<number | null>((res) => proc.once('close', res));
  return {
    proc,
    url: /listening on (\S+)\n/.exec(banner)![1]!,
    verifierKey: /verifier key (\S+)\n/.exec(banner)![1]!,
    stderr: () => stderr,
    stop: async () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

describe('synthguard witness', () => {
  it('creates its key once (0600) and prints the same verifier key every time', async () => {
    const data = buildTempDir();
    const first = await runCli(['--data', data, 'witness', 'key', '--name', 'regulator.example/w1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('witness key written');
    const vkey = first.stdout.trim();
    const v = parseCosignatureVerifierKey(vkey);
    expect(v.name).toBe('regulator.example/w1');
    expect(statSync(join(data, 'witness', 'witness.key')).mode & 0o777).toBe(0o600);
    expect(first.stdout).not.toContain('PRIVATE');
    const again = await runCli(['--data', data, 'witness', 'key', '--json']);
    expect(parseJson(again)).toMatchObject({
      name: 'regulator.example/w1',
      verifierKey: vkey,
      created: false,
    });
    const renamed = await runCli(['--data', data, 'witness', 'key', '--name', 'other/w', '--json']);
    expect(renamed.code).toBe(2);
    expect(parseJson(renamed)).toMatchObject({ error: { code: 'cli.usage' } });
  }, 60_000);

  it('refuses a bad --log or --listen as a usage error', async () => {
    const data = buildTempDir();
    const noLog = await runCli(['--data', data, 'witness', 'serve', '--json']);
    expect(noLog.code).toBe(2);
    const badLog = await runCli(['--data', data, 'witness', 'serve', '--log', 'x=not-a-key', '--json']);
    expect(parseJson(badLog)).toMatchObject({ error: { code: 'cli.usage' } });
    const { verifierKey } = generateNoteKey(ORIGIN);
    const badListen = await runCli([
      '--data',
      data,
      'witness',
      'serve',
      '--log',
      verifierKey,
      '--listen',
      'nope',
    ]);
    expect(badListen.code).toBe(2);
  }, 60_000);

  it('cosigns a real checkpoint, answers 409/422/403/404/400, remembers across restarts', async () => {
    const data = buildTempDir();
    const { signerKey, verifierKey: logKey } = generateNoteKey(ORIGIN);
    const logSigner = parseSignerKey(signerKey);
    const log = buildTestLog(logSigner);
    await log.grow(5);

    let w = await serveWitness(data, ['--listen', '127.0.0.1:0', '--log', `${ORIGIN}=${logKey}`]);
    const keyRun = await runCli(['--data', data, 'witness', 'key']);
    expect(keyRun.stdout.trim()).toBe(w.verifierKey);
    const witnessKey = parseCosignatureVerifierKey(w.verifierKey);
    const post = async (body: string) => {
      const r = await fetch(`${w.url}add-checkpoint`, { method: 'POST', body });
      return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
    };

    // 200: the first checkpoint, then a grown one with a consistency proof, via the log's client.
    const publisher = witnessPublisher({
      witnesses: [{ url: w.url, verifierKey: w.verifierKey }],
      proofs: (a, b) => log.proof(a, b),
    });
    const cosigned = await publisher.publish({ size: 5, note: await log.checkpoint() });
    const opened = openCosignedCheckpoint(cosigned, ORIGIN, [logSigner.verifier], [witnessKey]);
    expect(opened.cosignatures).toHaveLength(1);
    expect(Math.abs(opened.cosignatures[0]!.timestamp - Date.now() / 1000)).toBeLessThan(60);
    await log.grow(12);
    const next = await publisher.publishDetailed({ size: 12, note: await log.checkpoint() });
    expect(next.failures).toEqual([]);

    // 409 with the witness's size; 422 for a bad proof; 403 for another key; 404; 400.
    const conflict = await post(formatAddCheckpoint(5, await log.proof(5, 12), await log.checkpoint()));
    expect(conflict).toEqual({ status: 409, type: 'text/x.tlog.size', text: '12\n' });
    await log.grow(13);
    const badProof = (await log.proof(12, 13)).map(() => new Uint8Array(32));
    expect((await post(formatAddCheckpoint(12, badProof, await log.checkpoint()))).status).toBe(422);
    const intruder = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    expect(
      (await post(formatAddCheckpoint(12, await log.proof(12, 13), await log.checkpoint(13, intruder))))
        .status,
    ).toBe(403);
    const elsewhere = (await log.checkpoint()).replace(`${ORIGIN}\n`, 'other.example/log\n');
    expect((await post(formatAddCheckpoint(12, [], elsewhere))).status).toBe(404);
    expect((await post('old twelve\n\n')).status).toBe(400);
    expect(w.stderr()).toMatch(/ 409 ledger\.witness_conflict\n/);

    // Restarted, it still knows size 12 and cosigns 12 → 13.
    expect(await w.stop()).toBe(0);
    w = await serveWitness(data, ['--listen', '127.0.0.1:0', '--log', logKey]);
    expect((await post(formatAddCheckpoint(0, [], await log.checkpoint()))).text).toBe('12\n');
    const ok = await post(formatAddCheckpoint(12, await log.proof(12, 13), await log.checkpoint()));
    expect(ok.status).toBe(200);
    openCosignedCheckpoint((await log.checkpoint()) + ok.text, ORIGIN, [logSigner.verifier], [witnessKey]);
    expect(await w.stop()).toBe(0);
  }, 120_000);
});
