import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open.js';
import { buildTenant } from './testing/builders.js';
import { runStoreConformance } from './testing/conformance.js';

const dataDir = join(await mkdtemp(join(tmpdir(), 'synthguard-store-')), 'db');
afterAll(async () => {
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

runStoreConformance('pglite in memory', () => openStore({ driver: 'pglite', dataDir: undefined }));

runStoreConformance('pglite data directory', () => openStore({ driver: 'pglite', dataDir }), 'exclusive');

// Reuses the directory of the suite above (closed by now): reopening costs ~0.3 s, initdb ~2-3 s.
describe('pglite data directory lock', () => {
  const lockFile = join(dataDir, 'synthguard-store.lock');

  it('refuses a second opener while the first is open, and reopens after close', async () => {
    const first = await openStore({ driver: 'pglite', dataDir });
    try {
      const tenant = await first.tenants.create(buildTenant());
      expect((await readFile(lockFile, 'utf8')).trim()).toBe(String(process.pid));
      await expect(openStore({ driver: 'pglite', dataDir })).rejects.toMatchObject({
        code: 'store.unavailable',
      });
      await first.close();
      const second = await openStore({ driver: 'pglite', dataDir });
      try {
        expect(await second.tenants.get(tenant.id)).toEqual(tenant);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const { pid } = spawnSync(process.execPath, ['-e', '']);
    await writeFile(lockFile, `${pid}\n`);
    const store = await openStore({ driver: 'pglite', dataDir });
    await store.close();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
