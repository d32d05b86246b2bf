import { issueApiKey } from '@synthguard/engine';
import {
  entriesPath,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
  verifyProofBundle,
} from '@synthguard/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, bearer, buildJpeg, buildTestApp } from './testing/build.js';

let t: TestApp;
let compliance: string;
let otherTenantCompliance: string;
let labeledProduceId: string;

const period = {
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date(Date.now() + 3_600_000).toISOString(),
};

beforeAll(async () => {
  t = await buildTestApp();
  compliance = (
    await issueApiKey(t.store, { name: 'audit', role: 'compliance', tenantId: t.tenant.id, createdBy: null })
  ).token;
  const other = await t.app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: bearer(t.admin),
    payload: { name: '北京示例智能科技有限公司', uscc: '91110108MA01AB0C2C' },
  });
  expect(other.statusCode).toBe(201);
  const otherId = other.json<{ id: string }>().id;
  otherTenantCompliance = (
    await issueApiKey(t.store, { name: 'audit2', role: 'compliance', tenantId: otherId, createdBy: null })
  ).token;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/labels',
    headers: { ...bearer(t.operator), 'content-type': 'image/jpeg' },
    payload: await buildJpeg(),
  });
  expect(res.statusCode).toBe(201);
  labeledProduceId = res.headers['synthguard-produce-id'] as string;
});
afterAll(async () => {
  await t.close();
});

async function records(token: string): Promise<{ id: string; type: string; index: number; leaf: string }[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/ledger/records?from=${period.from}&to=${period.to}`,
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: { id: string; type: string; index: number; leaf: string }[] }>().items;
}

describe('the ledger over HTTP', () => {
  it('records the label write with its ProduceID and serves the signed checkpoint without credentials', async () => {
    const items = await records(compliance);
    const labeled = items.find((r) => r.type === 'content.labeled');
    expect(labeled).toBeDefined();
    const leaf = JSON.parse(labeled!.leaf) as { produceId: string; tenant: string };
    expect(leaf.produceId).toBe(labeledProduceId);
    expect(leaf.tenant).toBe(t.tenant.id);

    await t.ledger.log.integrated(labeled!.index);
    const res = await t.app.inject({ method: 'GET', url: '/ledger/checkpoint' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const cp = openCheckpoint(res.body, t.ledger.log.origin, [parseVerifierKey(t.ledger.log.verifierKey)]);
    expect(cp.checkpoint.size).toBeGreaterThan(labeled!.index);
  });

  it('serves entry bundles and hash tiles in the tlog-tiles layout, and 404 for others', async () => {
    const size = t.ledger.log.checkpoint().size;
    const bundle = await t.app.inject({
      method: 'GET',
      url: `/ledger/${entriesPath({ index: 0, width: Math.min(size, 256) })}`,
    });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toBe('application/octet-stream');
    expect(bundle.headers['cache-control']).toContain('immutable');
    const tile = await t.app.inject({ method: 'GET', url: `/ledger/tile/0/000.p/${Math.min(size, 255)}` });
    expect(tile.statusCode).toBe(200);
    expect(tile.rawPayload.length).toBe(32 * Math.min(size, 255));
    for (const bad of [
      '/ledger/tile/0/0',
      '/ledger/tile/0/000.p/0',
      '/ledger/tile/0/%2e%2e/checkpoint',
      '/ledger/tile/9/999',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: bad });
      expect(res.statusCode, bad).toBe(404);
    }
  });

  it('gives inclusion and consistency proofs that verify against the checkpoint root', async () => {
    const items = await records(compliance);
    const rec = items[0]!;
    await t.ledger.log.integrated(rec.index);
    const inc = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/proofs/inclusion?index=${rec.index}`,
      headers: bearer(compliance),
    });
    expect(inc.statusCode).toBe(200);
    const body = inc.json<{ index: number; size: number; hashes: string[]; checkpoint: string }>();
    const cp = openCheckpoint(body.checkpoint, t.ledger.log.origin, [
      parseVerifierKey(t.ledger.log.verifierKey),
    ]);
    const proof = body.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64')));
    const leaf = leafHash(new TextEncoder().encode(rec.leaf));
    expect(verifyInclusion(rec.index, body.size, leaf, proof, cp.checkpoint.rootHash)).toBe(true);
    expect(verifyInclusion(rec.index, body.size, new Uint8Array(32), proof, cp.checkpoint.rootHash)).toBe(
      false,
    );

    const cons = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/proofs/consistency?from=1`,
      headers: bearer(compliance),
    });
    expect(cons.statusCode).toBe(200);
    const c = cons.json<{ from: number; to: number; hashes: string[] }>();
    const first = await t.ledger.log.entry(0);
    const oldRoot = leafHash(first);
    expect(
      verifyConsistency(
        1,
        c.to,
        c.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64'))),
        oldRoot,
        cp.checkpoint.rootHash,
      ),
    ).toBe(c.to === cp.checkpoint.size);
    // A proof for a tree the log does not have is refused, not invented.
    const beyond = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/proofs/inclusion?index=0&size=${c.to + 1000}`,
      headers: bearer(compliance),
    });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json<{ code: string }>().code).toMatch(/^ledger\./);
  });

  it('hands out an offline proof bundle that verifies with the log key alone', async () => {
    const rec = (await records(compliance)).find((r) => r.type === 'content.labeled')!;
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/records/${rec.id}/proof`,
      headers: bearer(compliance),
    });
    expect(res.statusCode).toBe(200);
    const verified = verifyProofBundle(res.body, { verifierKeys: [t.ledger.log.verifierKey] });
    expect(verified.index).toBe(rec.index);
    expect(new TextDecoder().decode(verified.entry)).toBe(rec.leaf);
    const tampered = res.body.replace(/\nindex (\d+)/, (_m, n: string) => `\nindex ${Number(n) + 1}`);
    expect(() => verifyProofBundle(tampered, { verifierKeys: [t.ledger.log.verifierKey] })).toThrow();
  });

  it('keeps tenants apart and needs ledger:read', async () => {
    const rec = (await records(compliance)).find((r) => r.type === 'content.labeled')!;
    const foreign = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/records/${rec.id}`,
      headers: bearer(otherTenantCompliance),
    });
    expect(foreign.statusCode).toBe(404);
    expect((await records(otherTenantCompliance)).some((r) => r.id === rec.id)).toBe(false);
    const operator = await t.app.inject({
      method: 'GET',
      url: `/v1/ledger/records/${rec.id}`,
      headers: bearer(t.operator),
    });
    expect(operator.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: `/v1/ledger/proofs/inclusion?index=0` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('a ledger that is not public (SYNTHGUARD_LEDGER_ACCESS=authenticated)', () => {
  let closed: TestApp;
  let inspector: string;
  beforeAll(async () => {
    closed = await buildTestApp({ ledgerAccess: 'authenticated' });
    // Issued through the ledger: its admin.action record is the log's first leaf.
    inspector = (
      await issueApiKey(
        closed.store,
        {
          name: 'regulator',
          role: 'inspector',
          tenantId: null,
          createdBy: null,
        },
        undefined,
        closed.ledger,
      )
    ).token;
  });
  afterAll(async () => {
    await closed.close();
  });

  it('serves the checkpoint and tiles to installation-wide ledger:read keys only', async () => {
    const anonymous = await closed.app.inject({ method: 'GET', url: '/ledger/checkpoint' });
    expect(anonymous.statusCode).toBe(401);
    const operator = await closed.app.inject({
      method: 'GET',
      url: '/ledger/checkpoint',
      headers: bearer(closed.operator),
    });
    expect(operator.statusCode).toBe(403);
    const tenantCompliance = (
      await issueApiKey(closed.store, {
        name: 'audit',
        role: 'compliance',
        tenantId: closed.tenant.id,
        createdBy: null,
      })
    ).token;
    const tenantKey = await closed.app.inject({
      method: 'GET',
      url: '/ledger/checkpoint',
      headers: bearer(tenantCompliance),
    });
    expect(tenantKey.statusCode).toBe(403);
    const ok = await closed.app.inject({
      method: 'GET',
      url: '/ledger/checkpoint',
      headers: bearer(inspector),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe(closed.ledger.log.checkpoint().note);
    await closed.ledger.log.integrated(0);
    const tile = await closed.app.inject({
      method: 'GET',
      url: `/ledger/${entriesPath({ index: 0, width: Math.min(closed.ledger.log.checkpoint().size, 256) })}`,
      headers: bearer(inspector),
    });
    expect(tile.statusCode).toBe(200);
    expect(tile.headers['cache-control']).toMatch(/^private/);
    expect((await closed.app.inject({ method: 'GET', url: '/ledger/tile/0/000.p/1' })).statusCode).toBe(401);
  });
});
