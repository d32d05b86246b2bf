import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import type { NewLedgerRecord } from '../types.js';
import { uniqueId } from './builders.js';

/** Leaf indexes are unique per database: each suite run starts at a random base. */
let nextIndex = randomInt(2 ** 40) * 1024 + 2 ** 33;

function buildLedgerRecord(overrides: Partial<NewLedgerRecord> = {}): NewLedgerRecord {
  const id = overrides.id ?? uniqueId('lr');
  return {
    id,
    tenantId: uniqueId('t'),
    type: 'content.labeled',
    time: new Date('2026-11-22T03:45:00.123Z'),
    leafIndex: nextIndex++,
    leaf: `{"id":"${id}","v":1}`,
    opening: '{"personal":{},"salt":"AAAA"}',
    retainUntil: new Date('2027-05-25T03:45:00.123Z'),
    ...overrides,
  };
}

const subject = (): string => uniqueId('s').padEnd(64, '0').slice(0, 64);

/** The ledger's rows and subject keys (migration 0003). `s` returns the open store. */
export function ledgerConformance(s: () => Store): void {
  describe('ledger records', () => {
    it('round-trips every field, a leaf index beyond 2^32 and a null tenant', async () => {
      const subjectId = subject();
      const input = buildLedgerRecord({
        tenantId: null,
        subjectId,
        opening: null,
        personal: 'bm9uY2UgY2lwaGVydGV4dCB0YWc=',
        leaf: '{"facts":{"name":"深圳 🙂 \\"q\\""},"v":1}',
      });
      const created = await s().ledgerRecords.create(input);
      const expected = { ...input, subjectId, opening: null };
      expect(created).toEqual(expected);
      expect(await s().ledgerRecords.get(input.id)).toEqual(expected);
      expect(await s().ledgerRecords.getByIndex(input.leafIndex)).toEqual(expected);
      expect(await s().ledgerRecords.get(uniqueId('missing'))).toBeUndefined();
    });

    it('defaults subject and personal to null', async () => {
      const { subjectId: _s, personal: _p, ...input } = buildLedgerRecord();
      const created = await s().ledgerRecords.create(input);
      expect(created).toMatchObject({ subjectId: null, personal: null, opening: input.opening });
    });

    it.each([
      ['id', (r: NewLedgerRecord) => buildLedgerRecord({ id: r.id })],
      ['leafIndex', (r: NewLedgerRecord) => buildLedgerRecord({ leafIndex: r.leafIndex })],
    ])('a duplicate %s throws store.conflict', async (field, twin) => {
      const first = buildLedgerRecord();
      await s().ledgerRecords.create(first);
      await expect(s().ledgerRecords.create(twin(first))).rejects.toMatchObject({
        code: 'store.conflict',
        details: { entity: 'ledgerRecord', field },
      });
    });

    it('rejects personal fields without a subject (check constraint)', async () => {
      const err: unknown = await s()
        .ledgerRecords.create(buildLedgerRecord({ personal: 'eA==', opening: null }))
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '23514' });
    });

    it('lists a tenant’s period by leaf index, with paging and installation-wide records apart', async () => {
      const tenantId = uniqueId('t');
      const at = (m: number): Date => new Date(Date.UTC(2026, 0, 1, 0, m));
      const made: NewLedgerRecord[] = [];
      // Created out of time order: the list follows the leaf index.
      for (const m of [5, 1, 3, 2, 9]) {
        const r = buildLedgerRecord({ tenantId, time: at(m) });
        await s().ledgerRecords.create(r);
        made.push(r);
      }
      await s().ledgerRecords.create(buildLedgerRecord({ time: at(2) }));
      const installation = buildLedgerRecord({ tenantId: null, time: at(2) });
      await s().ledgerRecords.create(installation);
      const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);
      const period = { tenantId, from: at(1), to: at(9) };
      expect(ids(await s().ledgerRecords.list(period))).toEqual(ids(made.slice(0, 4)));
      const page1 = await s().ledgerRecords.list({ ...period, limit: 2 });
      expect(ids(page1)).toEqual(ids(made.slice(0, 2)));
      const page2 = await s().ledgerRecords.list({ ...period, limit: 2, afterIndex: page1[1]!.leafIndex });
      expect(ids(page2)).toEqual(ids(made.slice(2, 4)));
      expect(await s().ledgerRecords.list({ ...period, limit: 0 })).toHaveLength(1);
      expect(await s().ledgerRecords.list({ ...period, from: at(9), to: at(9) })).toEqual([]);
      const wide = await s().ledgerRecords.list({ tenantId: null, from: at(2), to: at(3) });
      expect(ids(wide)).toContain(installation.id);
      expect(wide.every((r) => r.tenantId === null)).toBe(true);
    });

    it('erasePersonal drops one subject’s ciphertext and keeps the leaves', async () => {
      const [a, b] = [subject(), subject()];
      const ra = [buildLedgerRecord(), buildLedgerRecord()].map((r) => ({
        ...r,
        subjectId: a,
        opening: null,
        personal: 'YQ==',
      }));
      const rb = { ...buildLedgerRecord(), subjectId: b, opening: null, personal: 'Yg==' };
      for (const r of [...ra, rb]) await s().ledgerRecords.create(r);
      expect(await s().ledgerRecords.erasePersonal(a)).toBe(2);
      expect(await s().ledgerRecords.erasePersonal(a)).toBe(0);
      for (const r of ra) {
        expect(await s().ledgerRecords.get(r.id)).toMatchObject({ personal: null, leaf: r.leaf });
      }
      expect((await s().ledgerRecords.get(rb.id))?.personal).toBe('Yg==');
    });

    it('expirePersonal drops the ciphertext of records past retain_until only', async () => {
      // Far in the past, so records of other tests (retained until 2027) are not touched.
      const past = { ...buildLedgerRecord({ retainUntil: new Date('1990-01-01T00:00:00Z') }) };
      const due = { ...past, subjectId: subject(), opening: null, personal: 'YQ==' };
      const kept = {
        ...buildLedgerRecord({ retainUntil: new Date('1990-01-01T00:00:01Z') }),
        subjectId: subject(),
        opening: null,
        personal: 'Yg==',
      };
      await s().ledgerRecords.create(due);
      await s().ledgerRecords.create(kept);
      expect(await s().ledgerRecords.expirePersonal(new Date('1990-01-01T00:00:00Z'))).toBeGreaterThanOrEqual(
        1,
      );
      expect((await s().ledgerRecords.get(due.id))?.personal).toBeNull();
      expect((await s().ledgerRecords.get(kept.id))?.personal).toBe('Yg==');
      expect((await s().ledgerRecords.get(due.id))?.leaf).toBe(due.leaf);
    });
  });

  describe('ledger subject keys', () => {
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const t1 = new Date('2026-01-02T00:00:00.000Z');

    it('creates once, uses, destroys, and re-keys a destroyed subject', async () => {
      const id = subject();
      expect(await s().ledgerSubjectKeys.use(id, t0)).toBeUndefined();
      const created = await s().ledgerSubjectKeys.create(id, 'd3JhcHBlZA==', t0);
      expect(created).toEqual({
        subjectId: id,
        wrappedKey: 'd3JhcHBlZA==',
        createdAt: t0,
        lastUsedAt: t0,
        destroyedAt: null,
      });
      expect(await s().ledgerSubjectKeys.hasLive()).toBe(true);
      // A live key is never replaced: the second writer gets undefined and uses the first key.
      expect(await s().ledgerSubjectKeys.create(id, 'b3RoZXI=', t1)).toBeUndefined();
      expect(await s().ledgerSubjectKeys.use(id, t1)).toMatchObject({
        wrappedKey: 'd3JhcHBlZA==',
        lastUsedAt: t1,
      });
      expect(await s().ledgerSubjectKeys.destroy(id, t1)).toBe(true);
      expect(await s().ledgerSubjectKeys.destroy(id, t1)).toBe(false);
      expect(await s().ledgerSubjectKeys.get(id)).toMatchObject({ wrappedKey: null, destroyedAt: t1 });
      expect(await s().ledgerSubjectKeys.use(id, t1)).toBeUndefined();
      expect(await s().ledgerSubjectKeys.create(id, 'bmV3', t1)).toMatchObject({
        wrappedKey: 'bmV3',
        destroyedAt: null,
      });
      expect(await s().ledgerSubjectKeys.get(uniqueId('missing'))).toBeUndefined();
    });

    it('destroyUnused destroys idle keys whose records hold no personal fields', async () => {
      const [idle, needed, recent] = [subject(), subject(), subject()];
      for (const id of [idle, needed]) await s().ledgerSubjectKeys.create(id, 'aw==', t0);
      await s().ledgerSubjectKeys.create(recent, 'aw==', t1);
      await s().ledgerRecords.create({
        ...buildLedgerRecord(),
        subjectId: idle,
        opening: null,
        personal: null,
      });
      await s().ledgerRecords.create({
        ...buildLedgerRecord(),
        subjectId: needed,
        opening: null,
        personal: 'eA==',
      });
      expect(await s().ledgerSubjectKeys.destroyUnused(t1, t1)).toBeGreaterThanOrEqual(1);
      expect(await s().ledgerSubjectKeys.get(idle)).toMatchObject({ wrappedKey: null, destroyedAt: t1 });
      expect((await s().ledgerSubjectKeys.get(needed))?.wrappedKey).toBe('aw==');
      expect((await s().ledgerSubjectKeys.get(recent))?.wrappedKey).toBe('aw==');
    });
  });
}
