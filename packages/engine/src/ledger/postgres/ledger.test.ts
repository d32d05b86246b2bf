import { utf8Encode } from '@synthguard/core';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresJournal } from './journal.js';
import { type PostgresLedger, openPostgresLedger } from './ledger.js';
import { type Backend, type TestDatabase, pgliteBackend, postgresBackend } from './testing/backends.js';
import { TEST_ORIGIN, buildSigner, probePostgres, shownUrl } from './testing/databases.js';
import { verifyEntries, verifyServedLog } from './testing/verify.js';

const url = process.env.SYNTHGUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.SYNTHGUARD_REQUIRE_POSTGRES === '1';
const problem = await probePostgres(url);
if (problem !== undefined && !required) {
  console.warn(
    `PostgreSQL not reachable at ${shownUrl(url)}: skipping the PostgreSQL ledger tests (leader, followers, ` +
      `failover); PGlite still runs (${problem}). Set SYNTHGUARD_TEST_DATABASE_URL, or ` +
      'SYNTHGUARD_REQUIRE_POSTGRES=1 to fail instead.',
  );
}

describe.runIf(required)('PostgreSQL availability (SYNTHGUARD_REQUIRE_POSTGRES=1)', () => {
  it(`reaches ${shownUrl(url)}`, () => {
    expect(problem).toBeUndefined();
  });
});

const FAST = {
  integrateIntervalMs: 20,
  batchMaxDelayMs: 1,
  electionIntervalMs: 50,
  heartbeatMs: 50,
  refreshMs: 20,
  pollMs: 5,
  drainIdleMs: 10,
} as const;

const backends: Backend[] = [pgliteBackend(), ...(problem === undefined ? [postgresBackend(url)] : [])];

function entries(prefix: string, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => utf8Encode(`${prefix} ${i}`));
}

for (const backend of backends) {
  describe(`openPostgresLedger on one node (${backend.name})`, () => {
    const open: TestDatabase[] = [];
    const ledgers: PostgresLedger[] = [];
    async function database(): Promise<TestDatabase> {
      const d = await backend.open();
      open.push(d);
      return d;
    }
    afterEach(async () => {
      for (const l of ledgers.splice(0)) await l.close();
      for (const d of open.splice(0)) await d.close();
    });
    afterAll(() => backend.cleanup());

    it('leads alone: appends are durable, integrated, served and provable; a reopen carries on', async () => {
      const d = await database();
      const signer = buildSigner();
      const ledger = await openPostgresLedger({ store: d, origin: TEST_ORIGIN, signer, ...FAST });
      ledgers.push(ledger);
      expect(ledger.role).toBe('leader');
      expect(ledger.checkpoint().size).toBe(0);
      const batch = entries('one', 600);
      const acks = await Promise.all(batch.map((e) => ledger.append(e)));
      expect(acks.map((a) => a.index).sort((a, b) => a - b)).toEqual(batch.map((_, i) => i));
      const cp = await ledger.integrated(599);
      expect(cp.size).toBe(600);
      const acked = new Map(acks.map((a, i) => [a.index, batch[i]!]));
      await verifyEntries(ledger, acked);
      expect(await verifyServedLog(ledger, TEST_ORIGIN)).toBe(600);
      const rows = await sql<{ n: unknown }>`select count(*) as n from ledger_journal`.execute(d.db);
      expect(Number(rows.rows[0]!.n)).toBe(0); // released once integrated
      await ledger.close();
      await expect(ledger.append(batch[0]!)).rejects.toMatchObject({ code: 'ledger.closed' });

      const again = await openPostgresLedger({ store: d, origin: TEST_ORIGIN, signer, ...FAST });
      ledgers.push(again);
      expect(again.checkpoint()).toEqual(cp);
      expect(await again.append(utf8Encode('after reopen'))).toEqual({ index: 600 });
      expect((await again.integrated(600)).size).toBe(601);
      await expect(again.append(new Uint8Array(0))).rejects.toMatchObject({
        code: 'ledger.invalid_argument',
      });
      await expect(again.append(new Uint8Array(65_536))).rejects.toMatchObject({
        code: 'ledger.entry_too_large',
      });
    });

    it('integrates on open what a crashed leader journaled but did not integrate', async () => {
      const d = await database();
      const journal = await postgresJournal(d.db, { integrated: 0 });
      const batch = entries('crashed', 40);
      await journal.append(batch);
      const ledger = await openPostgresLedger({
        store: d,
        origin: TEST_ORIGIN,
        signer: buildSigner(),
        ...FAST,
      });
      ledgers.push(ledger);
      expect(ledger.checkpoint().size).toBe(40);
      await verifyEntries(ledger, new Map(batch.map((e, i) => [i, e])));
    });

    it('refuses to serve a log signed by another key', async () => {
      const d = await database();
      const first = await openPostgresLedger({
        store: d,
        origin: TEST_ORIGIN,
        signer: buildSigner(),
        ...FAST,
      });
      await first.append(utf8Encode('x'));
      await first.integrated(0);
      await first.close();
      await expect(
        openPostgresLedger({ store: d, origin: TEST_ORIGIN, signer: buildSigner(), ...FAST }),
      ).rejects.toMatchObject({ code: 'ledger.unknown_key' });
    });
  });
}
