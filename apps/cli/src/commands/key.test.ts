// `synthguard key`, run as a real process on a fresh data directory.
import { afterAll, describe, expect, it } from 'vitest';
import { buildTempDir, parseJson, removeTempDirs, runCli, buildTenantViaCli } from '../testing/cli.js';

afterAll(removeTempDirs);

interface KeyJson {
  id: string;
  tenantId: string | null;
  name: string;
  role: string;
  scopes: string[];
  revokedAt: string | null;
}

describe('synthguard key', () => {
  it('issues a key and prints its secret once, lists it without the secret, revokes it', async () => {
    const data = buildTempDir();
    const tenant = await buildTenantViaCli(data);
    expect(tenant.code).toBe(0);
    const tenantId = (parseJson(tenant) as { id: string }).id;

    const created = await runCli([
      '--data',
      data,
      'key',
      'create',
      '--role',
      'operator',
      '--tenant',
      tenantId,
      '--name',
      'x',
    ]);
    expect(created.code).toBe(0);
    const m =
      /^key (\S+) \(operator\)\nsecret \(shown once\): (sg_([0-9a-z]{26})_([A-Za-z0-9_-]{43}))$/m.exec(
        created.stdout,
      );
    expect(m, created.stdout).not.toBeNull();
    const [, keyId, , tokenId, secret] = m as unknown as [string, string, string, string, string];
    // sg_<id>_<secret>: the id is public and names the key; the rest is shown only here.
    expect(tokenId).toBe(keyId);

    const listed = await runCli(['--data', data, 'key', 'list', '--tenant', tenantId, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret);
    const items = (parseJson(listed) as { items: KeyJson[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: keyId, tenantId, name: 'x', role: 'operator', revokedAt: null });
    expect(items[0]!.scopes).toContain('labels:write');
    expect(Object.keys(items[0]!)).not.toContain('secret');

    const revoked = await runCli(['--data', data, 'key', 'revoke', keyId]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^key ${keyId} revoked at \\d{4}-\\d\\d-\\d\\dT`, 'm'));

    const after = await runCli(['--data', data, 'key', 'list', '--tenant', tenantId]);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`^${keyId}\\s+operator\\s+revoked\\s+x$`, 'm'));

    // Revoking an unknown key is refused with a stable code.
    const unknown = await runCli(['--data', data, 'key', 'revoke', 'no-such-key', '--json']);
    expect(unknown.code).toBe(1);
    expect((parseJson(unknown) as { error: { code: string } }).error.code).toBe('key.not_found');
  }, 120_000);
});
