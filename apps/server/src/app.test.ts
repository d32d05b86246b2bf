import { sha256Hex } from '@synthguard/core';
import { inspectContent } from '@synthguard/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, bearer, buildJpeg, buildPng, buildTestApp } from './testing/build.js';

let t: TestApp;
let jpeg: Buffer;
let png: Buffer;

beforeAll(async () => {
  t = await buildTestApp({ maxUploadBytes: 256 * 1024 });
  jpeg = await buildJpeg();
  png = await buildPng();
});
afterAll(async () => {
  await t.close();
});

function multipart(
  file: Buffer,
  name: string,
  type: string,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----sgtest' + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: ${type}\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function countRecords(): Promise<number> {
  return (await t.store.contentRecords.list(t.tenant.id, { limit: 500 })).length;
}

describe('POST /v1/labels', () => {
  it('labels a raw JPEG body, returns the file and its ProduceID, and records it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const produceId = res.headers['synthguard-produce-id'] as string;
    expect(produceId).toMatch(/^[0-9A-Z]{26}$/);
    expect(res.headers.location).toBe(`/v1/content/${produceId}`);

    const labeled = res.rawPayload;
    const seen = inspectContent(labeled);
    expect(seen.label?.fields).toEqual({
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: produceId,
      ReservedCode1: expect.stringMatching(/^\{"Type":"DigitalSignature","Version":"1.0",/) as string,
      ContentPropagator: '',
      PropagateID: '',
      ReservedCode2: '',
    });

    const rec = await t.app.inject({
      method: 'GET',
      url: `/v1/content/${produceId}`,
      headers: bearer(t.operator),
    });
    expect(rec.statusCode).toBe(200);
    expect(rec.json()).toMatchObject({
      produceId,
      tenantId: t.tenant.id,
      modality: 'image',
      format: 'jpeg',
      inputSha256: sha256Hex(jpeg),
      outputSha256: sha256Hex(labeled),
      label: { Label: '1', ContentProducer: t.tenant.providerCode, ProduceID: produceId },
    });
  });

  it('labels a PNG sent as multipart/form-data', async () => {
    const body = multipart(png, 'out.png', 'image/png');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-disposition']).toBe('attachment; filename="out.png"');
    expect(inspectContent(res.rawPayload).label?.fields.ContentProducer).toBe(t.tenant.providerCode);
  });

  it('refuses a labeled file (409) unless relabel=true, which replaces the label: exactly one, new ProduceID', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: png,
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: first.rawPayload,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'content.already_labeled',
      details: { produceId: first.headers['synthguard-produce-id'] },
    });
    const second = await t.app.inject({
      method: 'POST',
      url: '/v1/labels?relabel=true',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: first.rawPayload,
    });
    expect(second.statusCode).toBe(201);
    const rec = await t.app.inject({
      method: 'GET',
      url: `/v1/content/${String(second.headers['synthguard-produce-id'])}`,
      headers: bearer(t.operator),
    });
    expect(rec.json()).toMatchObject({
      previousLabel: { ProduceID: first.headers['synthguard-produce-id'] },
    });
    const id2 = second.headers['synthguard-produce-id'];
    expect(id2).not.toBe(first.headers['synthguard-produce-id']);
    expect(inspectContent(second.rawPayload).label?.fields.ProduceID).toBe(id2);
    expect(second.rawPayload.toString('latin1').split('TC260:AIGC>').length - 1).toBe(2); // open + close tag
  });

  it('uses the requested service code in ContentProducer', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels?service=XGW3',
      headers: { ...bearer(t.operator), 'content-type': 'image/png' },
      payload: png,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['synthguard-content-producer']).toBe(t.tenant.providerCode.slice(0, 23) + 'XGW3');
  });

  const bad: [string, () => Buffer, number, string][] = [
    ['an unknown format', () => Buffer.from('\u0000\u0001 not a format we know'), 415, 'format.unsupported'],
    ['a truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), 422, 'format.truncated'],
    [
      'a PNG with a bad CRC',
      () => {
        const b = Buffer.from(png);
        b[20] = b[20]! ^ 0xff; // inside IHDR data
        return b;
      },
      422,
      'format.png_bad_crc',
    ],
    ['an upload over the limit', () => Buffer.alloc(300 * 1024, 1), 413, 'request.too_large'],
  ];
  it.each(bad)('refuses %s with a stable code, records nothing', async (_name, body, status, code) => {
    const before = await countRecords();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: body(),
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = res.json<{ code: string; status: number; type: string; title: string; requestId: string }>();
    expect(p).toMatchObject({ code, status, type: `urn:synthguard:error:${code}` });
    expect(p.requestId).toBe(res.headers['x-request-id']);
    expect(await countRecords()).toBe(before);
  });

  it('refuses a multipart upload over the limit with request.too_large', async () => {
    const body = multipart(Buffer.alloc(300 * 1024, 7), 'big.png', 'image/png');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'request.too_large' });
  });

  it('refuses a body whose declared type contradicts its bytes', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'image/png' },
      payload: jpeg,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'content.media_type_mismatch' });
  });
});

describe('authentication and tenant isolation', () => {
  const refusals: [string, () => Record<string, string>, string][] = [
    ['no key', () => ({}), 'auth.missing_credentials'],
    ['a malformed key', () => bearer('nope'), 'auth.invalid_key'],
    ['a wrong secret', () => bearer(t.operator.slice(0, -4) + 'AAAA'), 'auth.invalid_key'],
  ];
  it.each(refusals)('refuses %s with 401', async (_n, h, code) => {
    const headers = h();
    const res = await t.app.inject({ method: 'POST', url: '/v1/labels', headers, payload: png });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code });
  });

  it('a revoked key stops working at once', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(t.admin),
      payload: { name: 'temp', role: 'operator', tenantId: t.tenant.id },
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json<{ id: string; secret: string }>();
    const ok = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: bearer(secret),
      payload: png,
    });
    expect(ok.statusCode).toBe(201);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: bearer(t.admin) });
    expect(revoked.statusCode).toBe(200);
    const after = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: bearer(secret),
      payload: png,
    });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'auth.revoked_key' });
  });

  it('an inspector key is read-only', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(t.admin),
      payload: { name: 'inspector', role: 'inspector', tenantId: t.tenant.id },
    });
    const { secret } = created.json<{ secret: string }>();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: bearer(secret),
      payload: png,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it("a tenant cannot read another tenant's records", async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.admin),
      payload: { name: 'Other AI Ltd', uscc: '91110108MA01AB0C2C' },
    });
    expect(other.statusCode).toBe(201);
    const otherKey = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(t.admin),
      payload: { name: 'other', role: 'operator', tenantId: other.json<{ id: string }>().id },
    });
    const labeled = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: bearer(t.operator),
      payload: png,
    });
    const id = labeled.headers['synthguard-produce-id'] as string;
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/content/${id}`,
      headers: bearer(otherKey.json<{ secret: string }>().secret),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'content.not_found' });
  });

  it('tenant keys cannot register tenants or issue keys for another tenant', async () => {
    const tenants = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.operator),
      payload: { name: 'x', uscc: '91440300MA5G00001W' },
    });
    expect(tenants.statusCode).toBe(403);
  });
});

describe('tenants', () => {
  it('rejects a USCC with a wrong check character', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.admin),
      payload: { name: 'x', uscc: '91440300MA5G00001X' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'tenant.invalid_uscc',
      details: { field: 'uscc', problem: 'check' },
    });
  });

  it('rejects a duplicate USCC with 409', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.admin),
      payload: { name: 'again', uscc: t.tenant.uscc },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'tenant.exists' });
  });

  it('rejects a body that does not match the schema with request.invalid', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.admin),
      payload: { name: 42 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'request.invalid' });
  });
});

describe('operations and documentation', () => {
  it('serves OpenAPI 3.1 generated from the request schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/labels', '/v1/content/{produceId}', '/v1/tenants']),
    );
    expect(JSON.stringify(doc.paths['/v1/tenants'])).toContain('uscc');
    expect(JSON.stringify(doc.paths['/v1/labels'])).toContain('multipart/form-data');
  });

  it('serves a docs page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers health, readiness and metrics', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ok' });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('synthguard_labels_total{format="jpeg"}');
    expect(metrics.body).toContain('synthguard_http_request_duration_seconds_bucket');
  });

  it('echoes a caller request id and answers unknown routes with a problem', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.json()).toMatchObject({ code: 'request.not_found', requestId: 'abc-123' });
  });
});
