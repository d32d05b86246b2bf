import { createTenant, issueApiKey } from '@synthguard/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, bearer, buildJpeg, buildTestApp } from './testing/build.js';

let t: TestApp;
let jpeg: Buffer;
let labeled: Buffer;
let produceId: string;
let platformKey: string;

beforeAll(async () => {
  t = await buildTestApp();
  jpeg = await buildJpeg();
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/labels',
    headers: { ...bearer(t.operator), 'content-type': 'image/jpeg' },
    payload: jpeg,
  });
  labeled = res.rawPayload;
  produceId = res.headers['synthguard-produce-id'] as string;
  const platform = await createTenant(t.store, { name: '某平台', uscc: '91110108MA01G0FB09' });
  platformKey = (
    await issueApiKey(t.store, { name: 'platform', role: 'operator', tenantId: platform.id, createdBy: null })
  ).token;
});
afterAll(async () => {
  await t.close();
});

function post(url: string, token: string, payload: Buffer) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(token), 'content-type': 'application/octet-stream' },
    payload,
  });
}

describe('POST /v1/verify', () => {
  it('a freshly labeled file: valid, signed by the tenant key, content unchanged', async () => {
    const res = await post('/v1/verify', t.operator, labeled);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'valid',
      format: 'jpeg',
      label: { fields: { ProduceID: produceId } },
      producer: {
        status: 'checked',
        alg: 'Ed25519',
        signatureValid: true,
        contentUnchanged: true,
        keyKnown: true,
        keyProvider: t.tenant.providerCode,
      },
      propagator: { status: 'absent' },
      c2pa: { present: true, state: 'trusted', failures: [], produceId },
    });
  });

  it('one flipped content byte: content_changed', async () => {
    const changed = Buffer.from(labeled);
    changed[changed.length - 20]! ^= 0x08;
    expect((await post('/v1/verify', t.operator, changed)).json()).toMatchObject({
      status: 'content_changed',
    });
  });

  it('an unlabeled file: unlabeled; no key: 401', async () => {
    expect((await post('/v1/verify', t.operator, jpeg)).json()).toMatchObject({
      status: 'unlabeled',
      label: null,
    });
    const anon = await t.app.inject({ method: 'POST', url: '/v1/verify', payload: jpeg });
    expect(anon.statusCode).toBe(401);
  });
});

describe('POST /v1/detect', () => {
  it('verdict "1" with the Art. 6(1) wording for a labeled file; "2" when declared; null otherwise', async () => {
    const one = (await post('/v1/detect', t.operator, labeled)).json<{
      verdict: string;
      wording: { zh: string };
    }>();
    expect(one).toMatchObject({ verdict: '1', wording: { zh: '该内容为人工智能生成合成内容' } });
    const two = await post('/v1/detect?declared=true', t.operator, jpeg);
    expect(two.json()).toMatchObject({ verdict: '2', evidence: [{ kind: 'declaration' }] });
    expect((await post('/v1/detect', t.operator, jpeg)).json()).toMatchObject({
      verdict: null,
      wording: null,
    });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/synthguard_detections_total\{verdict="1"\} 1/);
  });
});

describe('POST /v1/propagate', () => {
  it("adds the platform's fields; the producer's signature stays valid", async () => {
    const res = await post('/v1/propagate', platformKey, labeled);
    expect(res.statusCode).toBe(201);
    const propagateId = res.headers['synthguard-produce-id'] as string;
    const v = (await post('/v1/verify', t.operator, res.rawPayload)).json<Record<string, unknown>>();
    expect(v).toMatchObject({
      status: 'valid',
      label: { fields: { ProduceID: produceId, PropagateID: propagateId } },
      propagator: { status: 'checked', signatureValid: true, contentUnchanged: true, keyKnown: true },
    });
    const rec = await t.app.inject({
      method: 'GET',
      url: `/v1/content/${propagateId}`,
      headers: bearer(platformKey),
    });
    expect(rec.json()).toMatchObject({ action: 'propagate', previousLabel: { ProduceID: produceId } });
  });

  it('refuses an unlabeled file with content.not_labeled', async () => {
    const res = await post('/v1/propagate', platformKey, jpeg);
    expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([422, 'content.not_labeled']);
  });
});

describe('signing keys', () => {
  it('publishes every key at the well-known URL without authentication', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/synthguard/signing-keys.json' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json<{ keys: { kid: string; providerCode: string; publicKeyPem: string }[] }>();
    const ours = keys.find((k) => k.providerCode === t.tenant.providerCode);
    expect(ours?.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(JSON.stringify(keys)).not.toMatch(/PRIVATE|tenantId/);
  });

  it('rotation (admin): a new active SM2 key, the old one retired and still verifying', async () => {
    const rotated = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${t.tenant.id}/signing-keys`,
      headers: bearer(t.admin),
      payload: { alg: 'SM2-SM3' },
    });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json()).toMatchObject({ alg: 'SM2-SM3', status: 'active' });
    const list = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${t.tenant.id}/signing-keys`,
      headers: bearer(t.admin),
    });
    expect(list.json<{ status: string }[]>().map((k) => k.status)).toEqual(['active', 'retired']);
    expect((await post('/v1/verify', t.operator, labeled)).json()).toMatchObject({
      status: 'valid',
      producer: { keyStatus: 'retired' },
    });
    const forbidden = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${t.tenant.id}/signing-keys`,
      headers: bearer(t.operator),
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
