import { createHash } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { storedTreeHash } from '../merkle.js';
import { buildLeafData } from '../testing/merkle-reference.js';
import { parseVerifierKey } from '../note-keys.js';
import { cosignCheckpoint, cosignatureSigner, openCosignedCheckpoint } from './cosignature.js';
import { witnessHandler } from './http.js';
import { formatAddCheckpoint } from './protocol.js';
import { memoryWitnessStateStore } from './state.js';
import { type WitnessEndpoint, submitToWitness, witnessPublisher } from './client.js';
import { ORIGIN, type TestSignedLog, buildSignedLog, buildWitness, witnessSigner } from './testing.js';
import type { Witness } from './witness.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** A witness behind a real node:http server on the loopback; its submission URL. */
async function buildWitnessServer(
  log: TestSignedLog,
  witness?: Witness,
): Promise<{ url: string; witness: Witness }> {
  const w = witness ?? (await buildWitness(log, memoryWitnessStateStore(), Date.now));
  const server = createServer(witnessHandler(w, { maxBodyBytes: 8192 }));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, witness: w };
}

function endpoint(url: string, verifierKey = witnessSigner.verifier.verifierKey): WitnessEndpoint {
  return { url, verifierKey };
}

describe('witness HTTP interface', () => {
  it('answers add-checkpoint with 200 and cosignature lines, 409 with text/x.tlog.size', async () => {
    const log = await buildSignedLog(5);
    const { url } = await buildWitnessServer(log);
    const post = (body: string) => fetch(`${url}add-checkpoint`, { method: 'POST', body });
    const ok = await post(await log.request(0));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^— witness\.example\/w1 \S+\n$/);
    const conflict = await post(await log.request(0));
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await conflict.text()).toBe('5\n');
  });

  it('maps refusals to 400, 403, 404 and 422', async () => {
    const log = await buildSignedLog(6);
    const { url } = await buildWitnessServer(log);
    const post = async (body: string) =>
      (await fetch(`${url}add-checkpoint`, { method: 'POST', body })).status;
    expect(await post('garbage')).toBe(400);
    const other = await buildSignedLog(6); // same origin, another key
    expect(await post(await other.request(0))).toBe(403);
    expect(await post((await log.request(0)).replace(`${ORIGIN}\n`, 'example.com/nope\n'))).toBe(404);
    expect(await post(formatAddCheckpoint(0, [new Uint8Array(32)], await log.checkpoint()))).toBe(422);
    expect(await post(formatAddCheckpoint(7, [], await log.checkpoint()))).toBe(400); // old > size
  });

  it('serves the latest cosigned checkpoint to monitors, and 404/405/413 otherwise', async () => {
    const log = await buildSignedLog(3);
    const { url } = await buildWitnessServer(log);
    const hash = createHash('sha256').update(ORIGIN).digest('hex');
    expect((await fetch(`${url}${hash}/checkpoint`)).status).toBe(404);
    const line = await (
      await fetch(`${url}add-checkpoint`, { method: 'POST', body: await log.request(0) })
    ).text();
    const served = await (await fetch(`${url}${hash}/checkpoint`)).text();
    expect(served).toBe((await log.checkpoint()) + line);
    expect((await fetch(`${url}add-checkpoint`)).status).toBe(405);
    expect((await fetch(`${url}nothing`)).status).toBe(404);
    const big = await fetch(`${url}add-checkpoint`, { method: 'POST', body: 'x'.repeat(9000) });
    expect(big.status).toBe(413);
  });
});

describe('witnessPublisher', () => {
  it('collects verified cosignatures and sends later checkpoints with a proof from the last size', async () => {
    const log = await buildSignedLog(4);
    const { url } = await buildWitnessServer(log);
    const asked: [number, number][] = [];
    const publisher = witnessPublisher({
      witnesses: [endpoint(url)],
      proofs: (a, b) => {
        asked.push([a, b]);
        return log.proof(a, b);
      },
    });
    const first = await publisher.publish({ size: 4, note: await log.checkpoint() });
    const opened = openCosignedCheckpoint(first, ORIGIN, [log.signer.verifier], [witnessSigner.verifier]);
    expect(opened.cosignatures.map((c) => c.name)).toEqual(['witness.example/w1']);
    expect(publisher.knownSizes().get(url)).toBe(4);
    await log.grow(11);
    const second = await publisher.publishDetailed({ size: 11, note: await log.checkpoint() });
    expect(second.failures).toEqual([]);
    expect(asked).toEqual([[4, 11]]);
    openCosignedCheckpoint(
      second.note,
      ORIGIN,
      [parseVerifierKey(log.verifierKey)],
      [witnessSigner.verifier],
    );
  });

  it('retries once from the size a 409 names (a witness the log never talked to)', async () => {
    const log = await buildSignedLog(9);
    const { url } = await buildWitnessServer(log);
    const fresh = witnessPublisher({ witnesses: [endpoint(url)], proofs: (a, b) => log.proof(a, b) });
    await fresh.publish({ size: 5, note: await log.checkpoint(5) });
    // A second publisher (a restarted log process) knows nothing: old 0 → 409 "5" → proof 5→9.
    const restarted = witnessPublisher({ witnesses: [endpoint(url)], proofs: (a, b) => log.proof(a, b) });
    const out = await restarted.publishDetailed({ size: 9, note: await log.checkpoint(9) });
    expect(out.failures).toEqual([]);
    expect(out.cosignatures).toHaveLength(1);
    expect(restarted.knownSizes().get(url)).toBe(9);
  });

  it('publishes without the witnesses that fail, and says why', async () => {
    const log = await buildSignedLog(6);
    const good = await buildWitnessServer(log);
    const liar = await buildWitnessServer(log); // cosigns with witnessSigner, configured with another key
    const other = cosignatureSigner('witness.example/w2', new Uint8Array(32).fill(3));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((r) => closed.close(r));
    const failures: string[] = [];
    const publisher = witnessPublisher({
      witnesses: [endpoint(deadUrl), endpoint(good.url), endpoint(liar.url, other.verifier.verifierKey)],
      proofs: (a, b) => log.proof(a, b),
      timeoutMs: 2000,
      onFailure: (f) => failures.push((f.error as LedgerError).code),
    });
    const out = await publisher.publishDetailed({ size: 6, note: await log.checkpoint() });
    expect(out.cosignatures.map((c) => c.url)).toEqual([good.url]);
    expect(failures).toEqual(['ledger.witness_failed', 'ledger.invalid_cosignature']);
    expect(out.note.split('\n— ')).toHaveLength(3); // the log's signature and one cosignature
  });

  it('reports a witness that cosigned a larger tree (witness_conflict) and a fork (422)', async () => {
    const log = await buildSignedLog(8);
    const { url } = await buildWitnessServer(log);
    const p = witnessPublisher({ witnesses: [endpoint(url)], proofs: (a, b) => log.proof(a, b) });
    await p.publish({ size: 8, note: await log.checkpoint() });
    const behind = witnessPublisher({ witnesses: [endpoint(url)], proofs: (a, b) => log.proof(a, b) });
    const out = await behind.publishDetailed({ size: 5, note: await log.checkpoint(5) });
    expect((out.failures[0]?.error as LedgerError).code).toBe('ledger.witness_conflict');
    expect((out.failures[0]?.error as LedgerError).details).toMatchObject({ size: 8, checkpointSize: 5 });

    // A fork: the log shows the witness a tree of 10 other than the one its proofs describe.
    await log.grow(10);
    const fork = await buildSignedLog(0);
    for (let i = 0; i < 10; i++) await fork.tree.append(buildLeafData(500 + i));
    const forkRoot = await storedTreeHash(10, fork.tree.reader);
    const forkCp = signCheckpoint({ origin: ORIGIN, size: 10, rootHash: forkRoot, extensions: [] }, [
      log.signer,
    ]);
    const forked = await p.publishDetailed({ size: 10, note: forkCp });
    expect((forked.failures[0]?.error as LedgerError).details).toMatchObject({ status: 422 });
  });

  it('checks what a witness answers: wrong key, bad timestamps, junk, slow', async () => {
    const log = await buildSignedLog(3);
    const note = await log.checkpoint();
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const answer =
      (body: string, status = 200, type = 'text/plain'): typeof fetch =>
      () =>
        Promise.resolve(new Response(body, { status, headers: { 'content-type': type } }));
    const submit = (f: typeof fetch) =>
      submitToWitness(endpoint('http://w.invalid/'), note, 0, [], { fetch: f, now: () => 1_700_000_000_000 });
    const code = async (f: typeof fetch) => {
      try {
        await submit(f);
      } catch (err) {
        return (err as LedgerError).code;
      }
      return 'no error';
    };
    expect(await code(answer(cosignCheckpoint(text, witnessSigner, 1_700_000_000)))).toBe('no error');
    expect(await code(answer(cosignCheckpoint(text, witnessSigner, 1_700_000_000 + 3600)))).toBe(
      'ledger.invalid_cosignature',
    );
    const other = cosignatureSigner('witness.example/w1', new Uint8Array(32).fill(4));
    expect(await code(answer(cosignCheckpoint(text, other, 1_700_000_000)))).toBe(
      'ledger.invalid_cosignature',
    );
    expect(await code(answer('— witness.example/w1 AAAA\n'))).toBe('ledger.invalid_cosignature');
    expect(await code(answer(''))).toBe('ledger.invalid_cosignature');
    expect(await code(answer('x'.repeat(70_000)))).toBe('ledger.witness_failed');
    expect(await code(answer('12\n', 409))).toBe('ledger.witness_failed'); // wrong content type
    expect(await submit(answer('12\n', 409, 'text/x.tlog.size'))).toEqual({ kind: 'conflict', size: 12 });
    expect(await code(answer('', 500))).toBe('ledger.witness_failed');
    const slow: typeof fetch = (_u, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(init.signal!.reason as Error);
        });
      });
    const timedOut = await submitToWitness(endpoint('http://w.invalid/'), note, 0, [], {
      fetch: slow,
      timeoutMs: 50,
    }).catch((err: unknown) => err as LedgerError);
    expect(timedOut).toMatchObject({
      code: 'ledger.witness_failed',
      details: { problem: 'no answer in time' },
    });
    expect(() =>
      witnessPublisher({ witnesses: [endpoint('ftp://x/')], proofs: () => Promise.resolve([]) }),
    ).toThrow(LedgerError);
  });
});
