import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { API_KEY_ROLES } from '../types.js';
import { buildApiKey, buildContentRecord, buildTenant, buildUscc, uniqueId } from './builders.js';
import { ledgerConformance } from './conformance-ledger.js';

/** Repository behaviour of the conformance suite (see conformance.ts). `s` returns the open store. */
export function repositoryConformance(s: () => Store): void {
  describe('tenants', () => {
    it.each([
      '深圳某某科技有限公司',
      '𠮷野家（北京）餐饮管理有限公司 🍜',
      'Zoë "Quote" O\'Brien \\ GmbH',
      'a',
    ])('round-trips the name %s', async (name) => {
      const created = await s().tenants.create(buildTenant({ name }));
      expect(created.name).toBe(name);
      expect((await s().tenants.get(created.id))?.name).toBe(name);
    });

    it.each([[[]], [['网信算备110108823483401230011号']], [['A-1', 'A-1', 'with "quotes"', '🙂']]])(
      'round-trips filingNumbers %j',
      async (filingNumbers) => {
        const created = await s().tenants.create(buildTenant({ filingNumbers }));
        expect(created.filingNumbers).toEqual(filingNumbers);
        expect((await s().tenants.get(created.id))?.filingNumbers).toEqual(filingNumbers);
      },
    );

    it.each(['2025-09-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2099-06-30T12:34:56.789Z'])(
      'round-trips createdAt %s to the millisecond',
      async (iso) => {
        const created = await s().tenants.create(buildTenant({ createdAt: new Date(iso) }));
        expect(created.createdAt).toBeInstanceOf(Date);
        expect((await s().tenants.get(created.id))?.createdAt.toISOString()).toBe(iso);
      },
    );

    it('generates an id and defaults filingNumbers and createdAt', async () => {
      const before = Date.now();
      const { name, uscc, providerCode } = buildTenant();
      const created = await s().tenants.create({ name, uscc, providerCode });
      expect(created.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(created.filingNumbers).toEqual([]);
      expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(await s().tenants.get(created.id)).toEqual(created);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await s().tenants.get(uniqueId('missing'))).toBeUndefined();
    });

    it('lists tenants oldest first', async () => {
      const late = await s().tenants.create(buildTenant({ createdAt: new Date('2030-01-02T00:00:00Z') }));
      const early = await s().tenants.create(buildTenant({ createdAt: new Date('2030-01-01T00:00:00Z') }));
      const ids = (await s().tenants.list()).map((t) => t.id);
      expect(ids.indexOf(early.id)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(early.id)).toBeLessThan(ids.indexOf(late.id));
    });

    it('updates only the given fields', async () => {
      const created = await s().tenants.create(buildTenant());
      const renamed = await s().tenants.update(created.id, { name: '北京某某智能科技有限公司' });
      expect(renamed).toEqual({ ...created, name: '北京某某智能科技有限公司' });
      const refiled = await s().tenants.update(created.id, { providerCode: 'P2', filingNumbers: ['F-2'] });
      expect(refiled).toEqual({ ...renamed, providerCode: 'P2', filingNumbers: ['F-2'] });
      expect(await s().tenants.update(created.id, {})).toEqual(refiled);
      expect(await s().tenants.get(created.id)).toEqual(refiled);
    });

    it.each([[{ name: 'x' }], [{}]])(
      'update %j of an unknown tenant throws store.not_found',
      async (patch) => {
        await expect(s().tenants.update(uniqueId('missing'), patch)).rejects.toMatchObject({
          code: 'store.not_found',
        });
      },
    );
  });

  describe('conflicts', () => {
    it.each<[string, (store: Store) => Promise<unknown>, string]>([
      [
        'tenant uscc',
        async (st) => {
          const uscc = buildUscc();
          await st.tenants.create(buildTenant({ uscc }));
          await st.tenants.create(buildTenant({ uscc }));
        },
        'uscc',
      ],
      [
        'tenant id',
        async (st) => {
          const t = await st.tenants.create(buildTenant());
          await st.tenants.create(buildTenant({ id: t.id }));
        },
        'id',
      ],
      [
        'api key id',
        async (st) => {
          const key = buildApiKey(null);
          await st.apiKeys.create(key);
          await st.apiKeys.create({ ...buildApiKey(null), id: key.id });
        },
        'id',
      ],
      [
        'content record produceId',
        async (st) => {
          const a = await st.tenants.create(buildTenant());
          const b = await st.tenants.create(buildTenant());
          const record = await st.contentRecords.create(buildContentRecord(a.id));
          // Across tenants too: a ProduceID is unique per installation.
          await st.contentRecords.create(buildContentRecord(b.id, { produceId: record.produceId }));
        },
        'produceId',
      ],
    ])('a duplicate %s throws store.conflict', async (_what, act, field) => {
      const err: unknown = await act(s()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'store.conflict', details: { field } });
      expect(JSON.stringify((err as Error).message)).not.toMatch(/\d{6}/);
    });

    it.each<[string, (store: Store) => Promise<unknown>]>([
      ['an api key', (st) => st.apiKeys.create(buildApiKey(uniqueId('missing')))],
      ['a content record', (st) => st.contentRecords.create(buildContentRecord(uniqueId('missing')))],
    ])('%s of an unknown tenant throws store.not_found', async (_what, act) => {
      await expect(act(s())).rejects.toMatchObject({
        code: 'store.not_found',
        details: { entity: 'tenant', field: 'tenantId' },
      });
    });
  });

  describe('api keys', () => {
    it('round-trips every field', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const input = buildApiKey(tenant.id, {
        createdAt: new Date('2025-03-14T15:09:26.535Z'),
        createdBy: 'key-x',
      });
      const created = await s().apiKeys.create(input);
      const expected = {
        id: input.id,
        tenantId: tenant.id,
        name: input.name,
        role: input.role,
        scopes: input.scopes,
        secretHash: input.secretHash,
        createdAt: new Date('2025-03-14T15:09:26.535Z'),
        createdBy: 'key-x',
        revokedAt: null,
        lastUsedAt: null,
      };
      expect(created).toEqual(expected);
      expect(await s().apiKeys.get(input.id)).toEqual(expected);
      expect(await s().apiKeys.get(uniqueId('missing'))).toBeUndefined();
    });

    it.each(API_KEY_ROLES)('accepts the role %s', async (role) => {
      const created = await s().apiKeys.create(buildApiKey(null, { role, name: null, scopes: [] }));
      expect(created).toMatchObject({ role, name: null, scopes: [] });
    });

    it('rejects a role outside the check constraint', async () => {
      const key = { ...buildApiKey(null), role: 'superuser' } as unknown as Parameters<
        Store['apiKeys']['create']
      >[0];
      await expect(s().apiKeys.create(key)).rejects.toThrow();
      expect(await s().apiKeys.get(key.id)).toBeUndefined();
    });

    it('lists keys by tenant, and installation-wide keys for null', async () => {
      const [a, b] = [await s().tenants.create(buildTenant()), await s().tenants.create(buildTenant())];
      const a1 = await s().apiKeys.create(buildApiKey(a.id, { createdAt: new Date('2025-01-01T00:00:00Z') }));
      const a2 = await s().apiKeys.create(buildApiKey(a.id, { createdAt: new Date('2024-01-01T00:00:00Z') }));
      await s().apiKeys.create(buildApiKey(b.id));
      const global = await s().apiKeys.create(buildApiKey(null, { role: 'inspector' }));
      expect((await s().apiKeys.listByTenant(a.id)).map((k) => k.id)).toEqual([a2.id, a1.id]);
      const installation = await s().apiKeys.listByTenant(null);
      expect(installation.map((k) => k.id)).toContain(global.id);
      expect(installation.every((k) => k.tenantId === null)).toBe(true);
      expect(await s().apiKeys.listByTenant(uniqueId('missing'))).toEqual([]);
    });

    it('revokes once: a second revoke keeps the first instant', async () => {
      const key = await s().apiKeys.create(buildApiKey(null));
      const first = new Date('2025-05-01T10:00:00.123Z');
      expect((await s().apiKeys.revoke(key.id, first)).revokedAt).toEqual(first);
      expect((await s().apiKeys.revoke(key.id, new Date('2025-06-01T00:00:00Z'))).revokedAt).toEqual(first);
      expect((await s().apiKeys.get(key.id))?.revokedAt).toEqual(first);
    });

    it('touch records the latest use and never moves back', async () => {
      const key = await s().apiKeys.create(buildApiKey(null));
      const later = new Date('2025-05-02T00:00:00.001Z');
      await s().apiKeys.touch(key.id, later);
      await s().apiKeys.touch(key.id, new Date('2025-05-01T00:00:00Z'));
      expect((await s().apiKeys.get(key.id))?.lastUsedAt).toEqual(later);
    });

    it.each(['revoke', 'touch'] as const)('%s of an unknown key throws store.not_found', async (method) => {
      await expect(s().apiKeys[method](uniqueId('missing'), new Date())).rejects.toMatchObject({
        code: 'store.not_found',
      });
    });

    it('countAdmins counts admin keys that are not revoked', async () => {
      const before = await s().apiKeys.countAdmins();
      const admin = await s().apiKeys.create(buildApiKey(null, { role: 'admin' }));
      await s().apiKeys.create(buildApiKey(null, { role: 'compliance' }));
      expect(await s().apiKeys.countAdmins()).toBe(before + 1);
      await s().apiKeys.revoke(admin.id, new Date());
      expect(await s().apiKeys.countAdmins()).toBe(before);
    });
  });

  describe('content records', () => {
    it('round-trips every field, including bigints beyond 2^32 and the label', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const input = buildContentRecord(tenant.id, {
        createdAt: new Date('2025-09-01T08:00:00.250Z'),
        inputBytes: 0,
        outputBytes: 2 ** 40 + 7,
      });
      const created = await s().contentRecords.create(input);
      const expected = {
        ...input,
        createdBy: 'cli',
        action: 'produce',
        previousLabel: null,
        signingKeyId: null,
      };
      expect(created).toEqual(expected);
      expect(await s().contentRecords.get(input.produceId, { tenantId: tenant.id })).toEqual(expected);
    });

    it('defaults the optional fields to null and createdAt to now', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const { inputBytes: _i, outputBytes: _o, createdBy: _c, ...input } = buildContentRecord(tenant.id);
      const created = await s().contentRecords.create(input);
      expect(created).toMatchObject({ inputBytes: null, outputBytes: null, createdBy: null });
      expect(Math.abs(created.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('isolates tenants: another tenant sees undefined, scope "any" sees the record', async () => {
      const [a, b] = [await s().tenants.create(buildTenant()), await s().tenants.create(buildTenant())];
      const record = await s().contentRecords.create(buildContentRecord(a.id));
      expect(await s().contentRecords.get(record.produceId, { tenantId: b.id })).toBeUndefined();
      expect(await s().contentRecords.get(record.produceId, { tenantId: a.id })).toEqual(record);
      expect(await s().contentRecords.get(record.produceId, 'any')).toEqual(record);
      expect(await s().contentRecords.list(b.id)).toEqual([]);
      expect(await s().contentRecords.get(uniqueId('missing'), 'any')).toBeUndefined();
    });

    it('lists newest first with limit and before', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const other = await s().tenants.create(buildTenant());
      const at = (i: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, i));
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          (await s().contentRecords.create(buildContentRecord(tenant.id, { createdAt: at(i) }))).produceId,
        );
      }
      await s().contentRecords.create(buildContentRecord(other.id, { createdAt: at(9) }));
      const ids_ = (list: { produceId: string }[]): string[] => list.map((r) => r.produceId);
      expect(ids_(await s().contentRecords.list(tenant.id))).toEqual([...ids].reverse());
      expect(ids_(await s().contentRecords.list(tenant.id, { limit: 2 }))).toEqual([ids[4], ids[3]]);
      expect(ids_(await s().contentRecords.list(tenant.id, { limit: 2, before: at(3) }))).toEqual([
        ids[2],
        ids[1],
      ]);
      expect(ids_(await s().contentRecords.list(tenant.id, { before: at(0) }))).toEqual([]);
      expect(ids_(await s().contentRecords.list(tenant.id, { limit: 0 }))).toEqual([ids[4]]);
      expect(await s().contentRecords.list(tenant.id, { limit: 100_000 })).toHaveLength(5);
    });

    it.each([
      ['a produceId over 64 characters', { produceId: 'P'.repeat(65) }],
      ['a label that is not an object', { label: [] as unknown as never }],
    ])('rejects %s (check constraint, not mapped)', async (_what, overrides) => {
      const tenant = await s().tenants.create(buildTenant());
      const err: unknown = await s()
        .contentRecords.create(buildContentRecord(tenant.id, overrides))
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '23514' });
    });

    it('round-trips a propagation with the label it replaced and its signing key', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const produced = buildContentRecord(tenant.id);
      const input = buildContentRecord(tenant.id, {
        action: 'propagate',
        previousLabel: produced.label,
        signingKeyId: 'kid-0123456789ab',
      });
      const created = await s().contentRecords.create(input);
      expect(created).toMatchObject({
        action: 'propagate',
        previousLabel: produced.label,
        signingKeyId: 'kid-0123456789ab',
      });
      expect(await s().contentRecords.get(input.produceId, 'any')).toEqual(created);
    });

    it('accepts a produceId of exactly 64 characters', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const produceId = uniqueId('P').padEnd(64, 'x');
      const created = await s().contentRecords.create(buildContentRecord(tenant.id, { produceId }));
      expect(created.produceId).toBe(produceId);
    });
  });

  describe('signing keys', () => {
    const key = (tenantId: string, createdAt: Date) => ({
      kid: uniqueId('k').slice(0, 16),
      tenantId,
      alg: 'Ed25519' as const,
      publicKey: 'MCowBQYDK2VwAyEA' + 'A'.repeat(43),
      createdAt,
    });

    it('activates a key, retiring the previous one; lists newest first', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const first = await s().signingKeys.activate(key(tenant.id, new Date('2026-01-01T00:00:00Z')));
      expect(first).toMatchObject({ status: 'active', retiredAt: null });
      const second = await s().signingKeys.activate(key(tenant.id, new Date('2026-02-01T00:00:00Z')));
      expect((await s().signingKeys.active(tenant.id))?.kid).toBe(second.kid);
      expect(await s().signingKeys.get(first.kid)).toMatchObject({
        status: 'retired',
        retiredAt: new Date('2026-02-01T00:00:00Z'),
      });
      expect((await s().signingKeys.listByTenant(tenant.id)).map((k) => k.kid)).toEqual([
        second.kid,
        first.kid,
      ]);
      expect((await s().signingKeys.listAll()).map((k) => k.kid)).toEqual(
        expect.arrayContaining([first.kid, second.kid]),
      );
    });

    it('keeps tenants apart and allows one active key per tenant', async () => {
      const [a, b] = [await s().tenants.create(buildTenant()), await s().tenants.create(buildTenant())];
      await s().signingKeys.activate(key(a.id, new Date()));
      expect(await s().signingKeys.active(b.id)).toBeUndefined();
      expect(await s().signingKeys.listByTenant(b.id)).toEqual([]);
      const err: unknown = await s()
        .db.insertInto('signing_keys')
        .values({
          kid: uniqueId('x').slice(0, 16),
          tenant_id: a.id,
          alg: 'Ed25519',
          public_key: 'x',
          status: 'active',
        })
        .execute()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'store.conflict',
        details: { entity: 'signingKey', field: 'status' },
      });
    });

    it('rejects an unknown algorithm (check constraint)', async () => {
      const tenant = await s().tenants.create(buildTenant());
      const err: unknown = await s()
        .signingKeys.activate({ ...key(tenant.id, new Date()), alg: 'RSA' as never })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '23514' });
    });
  });

  ledgerConformance(s);
}
