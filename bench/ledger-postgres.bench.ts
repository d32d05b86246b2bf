/**
 * The ledger on PostgreSQL («03 The ledger», Measure: durable appends per second "on
 * PostgreSQL"): `openPostgresLedger` from @synthguard/engine, one leader (advisory lock, journal
 * in `ledger_journal`, tiles in `ledger_tiles`) and one follower node (its appends go through
 * `ledger_queue`), each with its own connection pool, in a fresh schema dropped at the end.
 *
 * An append resolves once durable: committed in PostgreSQL (with the server's own
 * synchronous_commit and fsync settings, printed in the notes). Concurrent appends share one
 * multi-row INSERT per batch (group commit).
 *
 * Baseline, same run: what an application does without a sequencer: one single-row INSERT
 * (autocommit, so one commit) per append, as many at once through a pool of the same size.
 *
 * Skipped with a message when PostgreSQL is unreachable at SYNTHGUARD_BENCH_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { type PostgresLedger, openPostgresLedger } from '@synthguard/engine';
import { fsckLog, generateNoteKey, parseSignerKey } from '@synthguard/ledger';
import { type Store, openStore } from '@synthguard/store';
import { sql } from 'kysely';
import pg from 'pg';
import type { BenchCase, Comparison, Suite } from './harness.js';

const URL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/test';
const ORIGIN = 'bench.synthguard.example/ledger';
/** About the size of a leaf: canonical JSON of an event with two SHA-256 digests and a few facts. */
const ENTRY_SIZE = 350;
const POOL = 10;

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export const ledgerPostgresSuite: Suite = {
  name: 'ledger on PostgreSQL (durable appends)',
  async setup(options) {
    const url = process.env.SYNTHGUARD_BENCH_DATABASE_URL ?? URL_DEFAULT;
    const problem = await probe(url);
    if (problem !== undefined) {
      const why = `PostgreSQL unreachable (${problem}); set SYNTHGUARD_BENCH_DATABASE_URL`;
      console.log(`skipped: ${why}`);
      return { cases: [], comparisons: [], notes: [`skipped: ${why}`] };
    }
    const burst = options.quick ? 200 : 1000;
    const schema = `synthguard_bench_${randomBytes(6).toString('hex')}`;
    const stores: Store[] = [];
    const open = async (): Promise<Store> => {
      const s = await openStore({ driver: 'postgres', url, schema, maxConnections: POOL });
      stores.push(s);
      return s;
    };
    const signer = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    const ledgers: PostgresLedger[] = [];
    const leader = await openPostgresLedger({ store: await open(), origin: ORIGIN, signer });
    ledgers.push(leader);
    const follower = await openPostgresLedger({ store: await open(), origin: ORIGIN, signer });
    ledgers.push(follower);
    if (leader.role !== 'leader' || follower.role !== 'follower') throw new Error('unexpected roles');
    const baseline = await open();
    await sql`create table bench_appends (id bigserial primary key, entry bytea not null)`.execute(
      baseline.db,
    );
    const settings = await sql<{ name: string; setting: string }>`
      select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'server_version')`.execute(
      baseline.db,
    );

    let counter = 0;
    const entry = (): Uint8Array => {
      const e = Buffer.alloc(ENTRY_SIZE, 0x61);
      e.write(`{"n":${counter++},`, 0, 'latin1');
      return e;
    };
    const burstOf = (append: (e: Uint8Array) => Promise<unknown>) => async (): Promise<void> => {
      await Promise.all(Array.from({ length: burst }, () => append(entry())));
    };
    const k = burst.toLocaleString('en-US');
    const cases: BenchCase[] = [
      // Latency first, before the bursts leave an integration backlog behind.
      {
        name: 'ledger-pg.append.one',
        title: 'one append on the leader, alone (latency)',
        fn: () => leader.append(entry()),
      },
      {
        name: 'ledger-pg.baseline.insert-one',
        title: 'one single-row INSERT, alone (latency)',
        fn: () => sql`insert into bench_appends (entry) values (${entry()})`.execute(baseline.db),
      },
      {
        name: 'ledger-pg.append.leader',
        title: `${k} concurrent appends on the leader (journal: multi-row INSERT per batch)`,
        fn: burstOf((e) => leader.append(e)),
      },
      {
        name: 'ledger-pg.append.follower',
        title: `${k} concurrent appends on a follower (queue, leader journals, ack)`,
        fn: burstOf((e) => follower.append(e)),
      },
      {
        name: 'ledger-pg.baseline.insert',
        title: `${k} concurrent single-row INSERTs (one commit each; pool of ${POOL})`,
        fn: burstOf((e) => sql`insert into bench_appends (entry) values (${e})`.execute(baseline.db)),
      },
    ];
    const comparisons: Comparison[] = [
      {
        subject: 'ledger-pg.append.leader',
        baseline: 'ledger-pg.baseline.insert',
        note: 'group commit vs a commit per append',
      },
      {
        subject: 'ledger-pg.append.follower',
        baseline: 'ledger-pg.baseline.insert',
        note: 'two commits + polling per batch',
      },
      {
        subject: 'ledger-pg.append.one',
        baseline: 'ledger-pg.baseline.insert-one',
        note: 'batchMaxDelayMs (2 ms) + one INSERT',
      },
    ];
    const s = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
    const notes = [
      `appends/s = ${k} x ops/s for the burst cases; entries of ${ENTRY_SIZE} bytes; PostgreSQL ${s.server_version ?? '?'} ` +
        `(synchronous_commit=${s.synchronous_commit ?? '?'}, fsync=${s.fsync ?? '?'}), pool of ${POOL} per node, schema ${schema} (dropped)`,
    ];
    return {
      cases,
      comparisons,
      notes,
      async close() {
        try {
          // Integration latency: append -> first published checkpoint that holds the entry.
          const latencies: number[] = [];
          for (let round = 0; round < (options.quick ? 3 : 10); round++) {
            const started = performance.now();
            const acks = await Promise.all(Array.from({ length: 100 }, () => leader.append(entry())));
            await leader.integrated(Math.max(...acks.map((a) => a.index)));
            latencies.push(performance.now() - started);
          }
          latencies.sort((a, b) => a - b);
          notes.push(
            `integration latency (100 appends -> checkpoint, integrateIntervalMs 200): p50 ${quantile(latencies, 0.5).toFixed(0)} ms, ` +
              `max ${latencies.at(-1)?.toFixed(0) ?? '?'} ms over ${latencies.length} rounds`,
          );
          const cp = leader.checkpoint();
          await follower.integrated(cp.size - 1);
          const report = await fsckLog((path) => follower.read(path), {
            verifierKeys: [follower.verifierKey],
            origin: ORIGIN,
          });
          notes.push(
            `after the run: ${cp.size.toLocaleString('en-US')} entries in the log; fsck over the follower's reads: ${report.ok ? 'ok' : `FAILED ${JSON.stringify(report.failure)}`}`,
          );
        } finally {
          for (const l of ledgers) await l.close();
          await sql`drop schema ${sql.id(schema)} cascade`.execute(baseline.db).catch(() => undefined);
          for (const st of stores) await st.close();
        }
      },
    };
  },
};
