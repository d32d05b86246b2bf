import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  type Witness,
  cosignatureSigner,
  memoryWitnessStateStore,
  openCosignedCheckpoint,
  openWitness,
  parseCosignatureVerifierKey,
  parseVerifierKey,
  witnessHandler,
} from '@synthguard/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, bearer, buildJpeg, buildTestApp } from './testing/build.js';
import { type Witnessing, startWitnessing } from './witnessing.js';

let t: TestApp;
let witness: Witness;
let server: Server;
let url: string;
let witnessing: Witnessing | undefined;
const quiet = { warn: () => undefined, info: () => undefined };

beforeAll(async () => {
  t = await buildTestApp({ witnessedCheckpoint: () => witnessing?.witnessedCheckpoint() });
  witness = await openWitness({
    signer: cosignatureSigner('witness.example/regulator', randomBytes(32)),
    logs: [{ origin: t.ledger.log.origin, verifiers: [parseVerifierKey(t.ledger.log.verifierKey)] }],
    store: memoryWitnessStateStore(),
  });
  server = createServer(witnessHandler(witness));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  witnessing?.stop();
  await witnessing?.idle();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

async function labelOne(): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/labels',
    headers: { ...bearer(t.operator), 'content-type': 'image/jpeg' },
    payload: await buildJpeg(),
  });
  expect(res.statusCode).toBe(201);
}

describe('witnessing the ledger', () => {
  it('gets each new checkpoint cosigned and serves the cosigned copy', async () => {
    witnessing = startWitnessing(t.ledger.log, [{ url, verifierKey: witness.verifierKey }], quiet);
    await labelOne();
    const log = t.ledger.log;
    // Wait until the checkpoint that holds the label write is cosigned.
    for (let i = 0; i < 200 && witnessing.witnessedCheckpoint() === undefined; i++) {
      await new Promise((r) => setTimeout(r, 25));
      await witnessing.idle();
    }
    const note = witnessing.witnessedCheckpoint();
    expect(note).toBeDefined();
    const opened = openCosignedCheckpoint(
      note!,
      log.origin,
      [parseVerifierKey(log.verifierKey)],
      [parseCosignatureVerifierKey(witness.verifierKey)],
    );
    expect(opened.cosignatures.length).toBe(1);
    expect(witness.latest(log.origin)?.size).toBe(log.checkpoint().size);
    const served = await t.app.inject({ method: 'GET', url: '/ledger/checkpoint' });
    expect(served.body).toBe(note);

    // A second write: the witness follows with a consistency proof from its last size.
    const before = log.checkpoint().size;
    await labelOne();
    for (let i = 0; i < 200; i++) {
      await witnessing.idle();
      if ((witness.latest(log.origin)?.size ?? 0) > before && witnessing.witnessedCheckpoint() !== undefined)
        break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(witness.latest(log.origin)!.size).toBeGreaterThan(before);
  });

  it('publishes without cosignatures when the witness is down, and says so', async () => {
    const warnings: string[] = [];
    witnessing?.stop();
    const down = startWitnessing(
      t.ledger.log,
      [{ url: 'http://127.0.0.1:9', verifierKey: witness.verifierKey }],
      { warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? ''), info: () => undefined },
    );
    await down.idle();
    down.stop();
    expect(down.witnessedCheckpoint()).toBeUndefined();
    expect(warnings).toContain('a witness did not cosign the checkpoint');
    witnessing = down;
    const res = await t.app.inject({ method: 'GET', url: '/ledger/checkpoint' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(t.ledger.log.checkpoint().note);
  });
});
