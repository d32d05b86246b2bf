import { utf8Encode } from '@synthguard/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Backend, type TestDatabase, pgliteBackend, postgresBackend } from './testing/backends.js';
import { probePostgres, shownUrl } from './testing/databases.js';
import { postgresTileStore } from './tile-store.js';

const url = process.env.SYNTHGUARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.SYNTHGUARD_REQUIRE_POSTGRES === '1';
const problem = await probePostgres(url);
if (problem !== undefined && !required) {
  console.warn(
    `PostgreSQL not reachable at ${shownUrl(url)}: the PostgreSQL tile store tests run on PGlite only (${problem}).`,
  );
}

describe.runIf(required)('PostgreSQL availability (SYNTHGUARD_REQUIRE_POSTGRES=1)', () => {
  it(`reaches ${shownUrl(url)}`, () => {
    expect(problem).toBeUndefined();
  });
});

const backends: Backend[] = [pgliteBackend(), ...(problem === undefined ? [postgresBackend(url)] : [])];

for (const backend of backends) {
  describe(`postgresTileStore (${backend.name})`, () => {
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

    it('writes, overwrites, reads and removes files by tlog-tiles path', async () => {
      const { db } = await database();
      const store = postgresTileStore(db);
      expect(await store.read('tile/0/000.p/2')).toBeUndefined();
      await store.write('tile/0/000.p/2', new Uint8Array(64).fill(1));
      await store.write('tile/0/000.p/2', new Uint8Array(64).fill(2));
      const got = await store.read('tile/0/000.p/2');
      expect(got).toEqual(new Uint8Array(64).fill(2));
      expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
      await store.write('checkpoint', utf8Encode('note'));
      await store.write('tile/entries/x001/234', new Uint8Array([0, 1, 7]));
      expect(await store.read('tile/entries/x001/234')).toEqual(new Uint8Array([0, 1, 7]));
      await store.remove('tile/0/000.p/2');
      await store.remove('tile/0/000.p/2'); // absent: no error
      expect(await store.read('tile/0/000.p/2')).toBeUndefined();
      expect(await store.read('checkpoint')).toEqual(utf8Encode('note'));
    });

    it('refuses paths outside the layout (ledger.invalid_path)', async () => {
      const { db } = await database();
      const store = postgresTileStore(db);
      for (const path of [
        '../x',
        'tile/0/1',
        'tile/0/000.p/0',
        'journal/0000000000000000.wal',
        'checkpoint/',
        '',
      ]) {
        await expect(store.read(path)).rejects.toMatchObject({ code: 'ledger.invalid_path' });
        await expect(store.write(path, new Uint8Array(1))).rejects.toMatchObject({
          code: 'ledger.invalid_path',
        });
        await expect(store.remove(path)).rejects.toMatchObject({ code: 'ledger.invalid_path' });
      }
    });

    it('writes the checkpoint through checkpointDb (the lock connection) and tiles through db', async () => {
      const { db } = await database();
      const other = await database();
      const store = postgresTileStore(db, { checkpointDb: other.db });
      await store.write('checkpoint', utf8Encode('cp'));
      await store.write('tile/0/000.p/1', new Uint8Array(32));
      expect(await postgresTileStore(other.db).read('checkpoint')).toEqual(utf8Encode('cp'));
      expect(await postgresTileStore(other.db).read('tile/0/000.p/1')).toBeUndefined();
      expect(await store.read('checkpoint')).toBeUndefined(); // read from db: another database here
    });
  });
}
