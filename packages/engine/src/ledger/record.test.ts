import { type Clock, sha256Hex } from '@synthguard/core';
import { leafHash, parseCanonicalJson, verifyInclusion } from '@synthguard/ledger';
import { type Store, openStore } from '@synthguard/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../testing/errors.js';
import { type TestLedger, buildTestLedger } from '../testing/ledger.js';
import type { Leaf } from './leaf.js';
import { listLedgerRecords } from './list.js';
import type { Ledger, RecordInput } from './record.js';

const DAY = 86_400_000;
/** A clock tests move by hand. */
let now = new Date('2026-11-22T03:45:00.123Z');
const clock: Clock = { now: () => new Date(now.getTime()) };

let store: Store;
let test: TestLedger;
let ledger: Ledger;

beforeAll(async () => {
  store = await openStore({ driver: 'pglite', dataDir: undefined });
  test = await buildTestLedger(store, { clock });
  ledger = test.ledger;
});
afterAll(async () => {
  await test.close();
  await store.close();
});

/** The leaf at `index` is in the log: its inclusion proof leads to a signed checkpoint's root. */
async function provesInclusion(index: number, leaf: string): Promise<boolean> {
  const cp = await ledger.log.integrated(index);
  const entry = await ledger.log.entry(index);
  expect(Buffer.from(entry).toString('utf8')).toBe(leaf);
  const proof = await ledger.log.inclusionProof(index, cp.size);
  return verifyInclusion(index, cp.size, leafHash(new TextEncoder().encode(leaf)), proof, cp.root);
}

const labeled = (tenantId: string, extra: Partial<RecordInput> = {}): RecordInput => ({
  type: 'content.labeled',
  tenantId,
  produceId: '01KAQ6Z8X1ABCDEFGHJKMNPQRT',
  contentDigest: sha256Hex('output'),
  facts: { action: 'label', format: 'png', previousLabel: null },
  ...extra,
});

describe('record()', () => {
  it('appends the leaf durably, stores its row with the leaf index, and proves inclusion', async () => {
    const entry = await ledger.record(labeled('t_a'));
    const leaf = parseCanonicalJson(entry.leaf) as Leaf;
    expect(leaf).toEqual({
      v: 1,
      id: entry.id,
      type: 'content.labeled',
      tenant: 't_a',
      time: '2026-11-22T03:45:00.123Z',
      produceId: '01KAQ6Z8X1ABCDEFGHJKMNPQRT',
      content: sha256Hex('output'),
      record: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      facts: { action: 'label', format: 'png', previousLabel: null },
    });
    const row = await store.ledgerRecords.get(entry.id);
    expect(row).toMatchObject({ leafIndex: entry.index, leaf: entry.leaf, tenantId: 't_a', subjectId: null });
    expect(row?.retainUntil.getTime()).toBe(now.getTime() + 184 * DAY);
    expect(await provesInclusion(entry.index, entry.leaf)).toBe(true);
    const read = await ledger.readRecord(entry.id);
    expect(read).toMatchObject({
      index: entry.index,
      facts: leaf.facts,
      personal: {},
      hasSubject: false,
      erased: false,
      commitmentOpened: true,
    });
  });

  it('keeps personal fields out of the leaf and the row: encrypted with the subject key, HMAC for the id', async () => {
    const subject = { id: 'user:13800138000', fields: { phone: '13800138000', name: '张三' } };
    const entry = await ledger.record({
      type: 'identity.checked',
      tenantId: 't_b',
      facts: { method: 'sms' },
      subject,
    });
    expect(entry.leaf).not.toContain('13800138000');
    expect(entry.leaf).not.toContain('张三');
    const row = (await store.ledgerRecords.get(entry.id))!;
    expect(row.subjectId).toMatch(/^[0-9a-f]{64}$/);
    expect(row.subjectId).not.toBe(sha256Hex(subject.id));
    expect(row.opening).toBeNull();
    expect(Buffer.from(row.personal!, 'base64').toString('latin1')).not.toContain('13800138000');
    expect((await store.ledgerSubjectKeys.get(row.subjectId!))?.wrappedKey).toEqual(expect.any(String));
    expect(await ledger.readRecord(entry.id)).toMatchObject({
      personal: subject.fields,
      hasSubject: true,
      erased: false,
      commitmentOpened: true,
    });
    // One key per subject, reused.
    const second = await ledger.record({ type: 'consent.granted', tenantId: 't_b', subject });
    expect((await store.ledgerRecords.get(second.id))?.subjectId).toBe(row.subjectId);
  });

  it('erasure destroys the key: the leaf still proves inclusion, the commitment no longer opens', async () => {
    const subject = { id: 'user:erase-me', fields: { phone: '13900139000' } };
    const a = await ledger.record({ type: 'complaint.state_changed', tenantId: 't_c', subject });
    const b = await ledger.record({ type: 'consent.withdrawn', tenantId: 't_c', subject });
    const other = await ledger.record({
      type: 'consent.granted',
      tenantId: 't_c',
      subject: { id: 'keep', fields: { x: 1 } },
    });
    const before = (await store.ledgerRecords.get(a.id))!;

    expect(await ledger.eraseSubject('user:erase-me', 'cli')).toEqual({ keyDestroyed: true, records: 2 });
    for (const e of [a, b]) {
      expect(await ledger.readRecord(e.id)).toMatchObject({
        erased: true,
        personal: undefined,
        commitmentOpened: false,
      });
      expect(await provesInclusion(e.index, e.leaf)).toBe(true);
    }
    expect((await store.ledgerSubjectKeys.get(before.subjectId!))?.wrappedKey).toBeNull();
    expect((await store.ledgerRecords.get(a.id))?.personal).toBeNull();
    expect(await ledger.readRecord(other.id)).toMatchObject({ personal: { x: 1 }, erased: false });
    // The erasure itself is logged, without the subject.
    const wide = await listLedgerRecords(store, {
      tenantId: null,
      from: now,
      to: new Date(now.getTime() + 1),
    });
    const erasure = wide
      .map((r) => JSON.parse(r.leaf) as Leaf)
      .find((l) => l.facts.action === 'ledger.subject_erased');
    expect(erasure?.facts).toEqual({
      action: 'ledger.subject_erased',
      actor: 'cli',
      keyDestroyed: true,
      records: 2,
    });
    expect(JSON.stringify(erasure)).not.toContain(before.subjectId!);

    // A later event about the same person gets a new key; the erased records stay erased.
    const later = await ledger.record({ type: 'consent.granted', tenantId: 't_c', subject });
    expect(await ledger.readRecord(later.id)).toMatchObject({ personal: subject.fields, erased: false });
    expect(await ledger.readRecord(a.id)).toMatchObject({ erased: true });
    expect(await ledger.eraseSubject('nobody-known')).toEqual({ keyDestroyed: false, records: 0 });
  });

  it('expiry drops personal fields past retention and destroys keys no record needs', async () => {
    const start = now;
    try {
      const subject = { id: 'user:expire', fields: { ip: '192.0.2.1' } };
      const e = await ledger.record({
        type: 'sanction.imposed',
        tenantId: 't_d',
        facts: { measure: 'warning' },
        subject,
      });
      expect(await ledger.expireRecords(new Date(start.getTime() + 183 * DAY))).toMatchObject({ records: 0 });
      expect(await ledger.readRecord(e.id)).toMatchObject({ erased: false });
      now = new Date(start.getTime() + 185 * DAY);
      const outcome = await ledger.expireRecords();
      expect(outcome.records).toBeGreaterThanOrEqual(1);
      expect(outcome.keysDestroyed).toBeGreaterThanOrEqual(1);
      expect(await ledger.readRecord(e.id)).toMatchObject({ erased: true, facts: { measure: 'warning' } });
      const row = (await store.ledgerRecords.get(e.id))!;
      expect((await store.ledgerSubjectKeys.get(row.subjectId!))?.wrappedKey).toBeNull();
      expect(await provesInclusion(e.index, e.leaf)).toBe(true);
    } finally {
      now = start;
    }
  });

  it('assigns distinct leaf indexes to concurrent records', async () => {
    const entries = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ledger.record(labeled('t_e', { facts: { i } }))),
    );
    expect(new Set(entries.map((e) => e.index)).size).toBe(40);
    const listed = await listLedgerRecords(store, {
      tenantId: 't_e',
      from: now,
      to: new Date(now.getTime() + 1),
    });
    expect(listed.map((r) => r.index)).toEqual(entries.map((e) => e.index).sort((x, y) => x - y));
    for (const r of listed) expect(r.leaf).toBe(entries.find((e) => e.id === r.id)?.leaf);
  });

  it.each<[string, RecordInput, string]>([
    ['an unknown type', { type: 'content.deleted' as never, tenantId: 't' }, 'type'],
    ['a malformed digest', labeled('t', { contentDigest: 'ABC' }), 'contentDigest'],
    ['a ProduceID over 64 characters', labeled('t', { produceId: 'P'.repeat(65) }), 'produceId'],
    ['a control character in the tenant id', labeled('t\n'), 'tenantId'],
    ['facts without a JSON form', labeled('t', { facts: { n: Number.NaN } }), 'facts'],
    ['facts that are an array', labeled('t', { facts: [] as never }), 'facts'],
    ['a leaf over 65,535 bytes', labeled('t', { facts: { big: 'x'.repeat(70_000) } }), 'facts'],
    [
      'an empty subject id',
      { type: 'identity.checked', tenantId: 't', subject: { id: '', fields: {} } },
      'subject id',
    ],
  ])('refuses %s with ledger.record_invalid, logging nothing', async (_what, input, field) => {
    const size = ledger.log.checkpoint().size;
    const err: unknown = await ledger.record(input).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ledger.record_invalid', details: { field } });
    expect(ledger.log.checkpoint().size).toBe(size);
  });

  it('readRecord of an unknown id throws ledger.record_not_found', async () => {
    expect(await codeOf(ledger.readRecord('01NOPE'))).toBe('ledger.record_not_found');
  });
});

describe('record() when the log is unavailable', () => {
  it('throws ledger.unavailable and stores nothing', async () => {
    const local = await buildTestLedger(store, { clock });
    await local.ledger.close();
    const err: unknown = await local.ledger.record(labeled('t_closed')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ledger.unavailable', details: { type: 'content.labeled' } });
    const rows = await listLedgerRecords(store, {
      tenantId: 't_closed',
      from: new Date(0),
      to: new Date('9999-01-01T00:00:00Z'),
    });
    expect(rows).toEqual([]);
    await local.close();
  });
});
