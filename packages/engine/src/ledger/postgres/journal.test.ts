import { utf8Encode } from '@synthguard/core';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_UNUSABLE, postgresJournal } from './journal.js';
import { toIndex } from './storage.js';
import { type Backend, type TestDatabase, pgliteBackend, postgresBackend } from './testing/backends.js';
import { probePostgres, shownUrl } from './testing/databases.js';

const url = process.env.SYNTHGUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.SYNTHGUARD_REQUIRE_POSTGRES === '1';
const problem = await probePostgres(url);
if (problem !== undefined && !required) {
  console.warn(
    `PostgreSQL not reachable at ${shownUrl(url)}: the PostgreSQL journal tests run on PGlite only (${problem}). ` +
      'Set SYNTHGUARD_TEST_DATABASE_URL, or SYNTHGUARD_REQUIRE_POSTGRES=1 to fail instead.',
  );
}

describe.runIf(required)('PostgreSQL availability (SYNTHGUARD_REQUIRE_POSTGRES=1)', () => {
  it(`reaches ${shownUrl(url)}`, () => {
    expect(problem).toBeUndefined();
  });
});

const backends: Backend[] = [pgliteBackend(), ...(problem === undefined ? [postgresBackend(url)] : [])];
const e = (s: string): Uint8Array => utf8Encode(s);

for (const backend of backends) {
  describe(`postgresJournal (${backend.name})`, () => {
    const open: TestDatabase[] = [];
    async function database(): Promise<TestDatabase> {
      const d = await backend.open();
      open.push(d);
      return d;
    }
    afterEach(async () => {
      for (const d of open.splice(0)) await d.close();
    });
    afterAll(() => backend.cleanup());

    it('appends batches at consecutive indexes, replays them and releases below a size', async () => {
      const { db } = await database();
      const j = await postgresJournal(db, { integrated: 0 });
      expect(j.size).toBe(0);
      expect(await j.append([e('a'), e('b')])).toBe(0);
      expect(await j.append([e('c')])).toBe(2);
      expect(await j.append([])).toBe(3);
      expect(j.size).toBe(3);
      expect((await j.replay(1)).map((x) => Buffer.from(x).toString())).toEqual(['b', 'c']);
      expect(await j.replay(3)).toEqual([]);
      await j.release(2);
      const r = await sql<{ idx: unknown }>`select idx from ledger_journal order by idx`.execute(db);
      expect(r.rows.map((row) => toIndex(row.idx))).toEqual([2]);
      await j.close();
      await expect(j.append([e('d')])).rejects.toMatchObject({
        code: 'ledger.closed',
        details: { problem: JOURNAL_UNUSABLE },
      });
    });

    it('reopens at the end of the rows from the integrated size, dropping rows below it', async () => {
      const { db } = await database();
      const j = await postgresJournal(db, { integrated: 0 });
      await j.append([e('a'), e('b'), e('c'), e('d')]);
      const again = await postgresJournal(db, { integrated: 2 });
      expect(again.size).toBe(4);
      expect((await again.replay(2)).map((x) => Buffer.from(x).toString())).toEqual(['c', 'd']);
      const n = await sql<{ n: unknown }>`select count(*) as n from ledger_journal`.execute(db);
      expect(toIndex(n.rows[0]!.n)).toBe(2);
      // Everything integrated: the journal starts at the checkpoint.
      const empty = await postgresJournal(db, { integrated: 9 });
      expect(empty.size).toBe(9);
      expect(await empty.append([e('x')])).toBe(9);
    });

    it('refuses a journal with a gap or one that starts after the checkpoint (ledger.corrupt)', async () => {
      const { db } = await database();
      await sql`insert into ledger_journal (idx, entry) values (5, ${e('a')}), (7, ${e('b')})`.execute(db);
      await expect(postgresJournal(db, { integrated: 5 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { path: 'ledger_journal', problem: 'a gap in the journal' },
      });
      await expect(postgresJournal(db, { integrated: 3 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { problem: 'the journal starts after the checkpoint' },
      });
    });

    it('moves claimed queue rows into the journal in the same statement, with acknowledgements', async () => {
      const { db } = await database();
      const q = await sql<{ id: unknown }>`
        insert into ledger_queue (entry) values (${e('q1')}), (${e('q2')}) returning id`.execute(db);
      const [id1, id2] = q.rows.map((row) => toIndex(row.id)).sort((a, b) => a - b);
      const j = await postgresJournal(db, {
        integrated: 0,
        queue: { take: (entries) => entries.map((x) => ({ q1: id1, q2: id2 })[Buffer.from(x).toString()]) },
      });
      expect(await j.append([e('local'), e('q1')])).toBe(0);
      expect(await j.append([e('q2')])).toBe(2);
      const left = await sql<{ n: unknown }>`select count(*) as n from ledger_queue`.execute(db);
      expect(toIndex(left.rows[0]!.n)).toBe(0);
      const acks = await sql<{
        id: unknown;
        idx: unknown;
      }>`select id, idx from ledger_queue_acks order by id`.execute(db);
      expect(acks.rows.map((r) => [toIndex(r.id), toIndex(r.idx)])).toEqual([
        [id1, 1],
        [id2, 2],
      ]);
    });

    it('refuses further appends after a failed one (the outcome of a failed write is unknown)', async () => {
      const { db } = await database();
      const j = await postgresJournal(db, { integrated: 0 });
      // Another writer took index 0: the append fails and nothing of it is committed.
      await sql`insert into ledger_journal (idx, entry) values (0, ${e('other')})`.execute(db);
      await expect(j.append([e('a'), e('b')])).rejects.toMatchObject({ code: 'ledger.storage_failed' });
      await expect(j.append([e('c')])).rejects.toMatchObject({ details: { problem: JOURNAL_UNUSABLE } });
      const n = await sql<{ n: unknown }>`select count(*) as n from ledger_journal`.execute(db);
      expect(toIndex(n.rows[0]!.n)).toBe(1);
    });

    it('stores entries of 1 and 65,535 bytes exactly', async () => {
      const { db } = await database();
      const big = new Uint8Array(65_535).map((_, i) => i % 251);
      const j = await postgresJournal(db, { integrated: 0 });
      await j.append([new Uint8Array([0]), big]);
      const [a, b] = await j.replay(0);
      expect(a).toEqual(new Uint8Array([0]));
      expect(Buffer.from(b!).equals(Buffer.from(big))).toBe(true);
    });
  });
}
