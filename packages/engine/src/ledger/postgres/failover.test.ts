import { utf8Decode, utf8Encode } from '@synthguard/core';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type PostgresLedger, type PostgresLedgerOptions, openPostgresLedger } from './ledger.js';
import {
  TEST_ORIGIN,
  type TestNode,
  buildSigner,
  dropSchemas,
  freshSchema,
  openTestNode,
  probePostgres,
  shownUrl,
} from './testing/databases.js';
import { verifyEntries, verifyServedLog } from './testing/verify.js';

const url = process.env.SYNTHGUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.SYNTHGUARD_REQUIRE_POSTGRES === '1';
const problem = await probePostgres(url);
if (problem !== undefined && !required) {
  console.warn(
    `PostgreSQL not reachable at ${shownUrl(url)}: skipping the ledger's two-node and failover tests (${problem}). ` +
      'Set SYNTHGUARD_TEST_DATABASE_URL, or SYNTHGUARD_REQUIRE_POSTGRES=1 to fail instead.',
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

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(problem !== undefined)('the ledger on two PostgreSQL nodes', () => {
  const schemas: string[] = [];
  const nodes: TestNode[] = [];
  const ledgers: PostgresLedger[] = [];
  const errors: unknown[] = [];

  async function twoNodes(): Promise<{ a: PostgresLedger; b: PostgresLedger; admin: TestNode }> {
    const schema = freshSchema();
    schemas.push(schema);
    const signer = buildSigner();
    const open = async (): Promise<PostgresLedger> => {
      const node = await openTestNode(url, schema);
      nodes.push(node);
      const options: PostgresLedgerOptions = {
        store: node,
        origin: TEST_ORIGIN,
        signer,
        onError: (err) => errors.push(err),
        ...FAST,
      };
      const ledger = await openPostgresLedger(options);
      ledgers.push(ledger);
      return ledger;
    };
    const a = await open();
    const b = await open();
    const admin = await openTestNode(url, schema, 2);
    nodes.push(admin);
    return { a, b, admin };
  }

  afterEach(async () => {
    for (const l of ledgers.splice(0)) await l.close();
    for (const n of nodes.splice(0)) await n.close();
    errors.length = 0;
  });
  afterAll(() => dropSchemas(url, schemas.splice(0)));

  it('one node leads, the other queues: both get indexes; the follower serves what the leader published', async () => {
    const { a, b } = await twoNodes();
    expect(a.role).toBe('leader');
    expect(typeof a.lockPid).toBe('number');
    expect(b.role).toBe('follower');
    expect(b.lockPid).toBeUndefined();
    const onA = Array.from({ length: 200 }, (_, i) => utf8Encode(`a ${i}`));
    const onB = Array.from({ length: 200 }, (_, i) => utf8Encode(`b ${i}`));
    const [ra, rb] = await Promise.all([
      Promise.all(onA.map((e) => a.append(e))),
      Promise.all(onB.map((e) => b.append(e))),
    ]);
    const acked = new Map<number, Uint8Array>();
    ra.forEach((r, i) => acked.set(r.index, onA[i]!));
    rb.forEach((r, i) => acked.set(r.index, onB[i]!));
    expect([...acked.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    const seen: number[] = [];
    b.onCheckpoint((cp) => seen.push(cp.size));
    const cp = await b.integrated(399);
    expect(cp.size).toBe(400);
    expect(seen.at(-1)).toBe(400);
    await verifyEntries(b, acked);
    expect(await verifyServedLog(b, TEST_ORIGIN)).toBe(400);
    expect(utf8Decode((await b.read('checkpoint'))!)).toBe(cp.note);
  });

  it("fails over when the leader's lock connection dies; every acknowledged entry is in the log once", async () => {
    const { a, b, admin } = await twoNodes();
    expect(a.role).toBe('leader');
    const acked = new Map<number, Uint8Array>();
    const refused: string[] = [];
    let stop = false;
    let n = 0;
    const appender = async (ledger: PostgresLedger, name: string): Promise<void> => {
      while (!stop) {
        const entry = utf8Encode(`${name} ${n++}`);
        try {
          const { index } = await ledger.append(entry);
          if (acked.has(index)) throw new Error(`index ${index} acknowledged twice`);
          acked.set(index, entry);
        } catch (err) {
          const code = (err as { code?: string }).code ?? String(err);
          refused.push(code);
          if (code === 'ledger.closed') return;
        }
      }
    };
    const running = [
      ...Array.from({ length: 8 }, (_, i) => appender(a, `a${i}`)),
      ...Array.from({ length: 8 }, (_, i) => appender(b, `b${i}`)),
    ];
    const leaders = (): PostgresLedger[] => [a, b].filter((l) => l.role === 'leader');
    /** Terminates the leader's lock connection; waits until the other node leads. */
    const failover = async (): Promise<string> => {
      const [current] = leaders();
      const pid = current?.lockPid;
      expect(pid).toBeTypeOf('number');
      const other = current === a ? b : a;
      await sql`select pg_terminate_backend(${pid})`.execute(admin.db);
      // The other node takes over: the old leader holds off for three election intervals.
      await until('the other node to lead', () => other.role === 'leader' && leaders().length === 1);
      return other === a ? 'a' : 'b';
    };
    const led = ['a'];
    try {
      await until('appends before the first failover', () => acked.size >= 300);
      for (let round = 0; round < 3; round++) {
        led.push(await failover());
        const before = acked.size;
        await until('appends after a failover', () => acked.size >= before + 300);
      }
    } finally {
      stop = true;
      await Promise.all(running);
    }
    // Only appends whose journal write failed midway are refused (they may or may not be in the log).
    expect(led).toEqual(['a', 'b', 'a', 'b']);
    expect(refused.filter((code) => code !== 'ledger.storage_failed')).toEqual([]);

    const last = Math.max(...acked.keys());
    await Promise.all([a.integrated(last), b.integrated(last)]);
    for (const ledger of [a, b]) {
      await verifyEntries(ledger, acked);
      const size = await verifyServedLog(ledger, TEST_ORIGIN);
      expect(size).toBeGreaterThanOrEqual(acked.size);
    }
    // Exactly once: no entry twice in the tree.
    const size = b.checkpoint().size;
    const texts = new Set<string>();
    for (let i = 0; i < size; i++) texts.add(utf8Decode(await b.entry(i)));
    expect(texts.size).toBe(size);
    expect(size - acked.size).toBeLessThanOrEqual(refused.length);
    console.log(
      `failover: leaders ${led.join(' -> ')}; ${acked.size} acknowledged, ${size} in the tree, ${refused.length} refused`,
    );
  }, 90_000);
});
