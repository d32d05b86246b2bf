// `synthguard tenant`, run as a real process on a fresh data directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTempDir, parseJson, removeTempDirs, runCli } from '../testing/cli.js';

const USCC = '91440300MA5G00001W';
/** Same code with a wrong check character (GB 32100-2015: it should be W). */
const BAD_CHECK = '91440300MA5G00001X';
/** The USCC of TC260-PG-20252A's worked example (provider code 001191440300708461136T1XGW3). */
const OTHER_USCC = '91440300708461136T';

let data: string;
beforeAll(() => {
  data = buildTempDir();
});
afterAll(removeTempDirs);

interface TenantJson {
  id: string;
  name: string;
  uscc: string;
  providerCode: string;
}

describe('synthguard tenant', () => {
  it('creates tenants (human and --json), derives the provider code, refuses bad and duplicate USCCs', async () => {
    const human = await runCli([
      '--data',
      data,
      'tenant',
      'create',
      '--name',
      '深圳示例科技有限公司',
      '--uscc',
      USCC,
    ]);
    expect(human.code).toBe(0);
    // First start of the data directory: the admin credential is announced, on stderr.
    expect(human.stderr).toContain(`admin API key written to ${data}/admin-credential`);
    expect(human.stdout).toMatch(/^tenant t_\w+: 深圳示例科技有限公司$/m);
    // TC260-PG-20252A: 00, 1 organisation, 1 USCC, the USCC, 1 generation, service 0001.
    expect(human.stdout).toContain('provider code (ContentProducer): 001191440300MA5G00001W10001');

    const json = await runCli([
      '--data',
      data,
      'tenant',
      'create',
      '--name',
      'Example AI Ltd',
      '--uscc',
      OTHER_USCC,
      '--service-code',
      'XGW3',
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    expect(parseJson(json) as TenantJson).toMatchObject({
      id: expect.stringMatching(/^t_/) as unknown,
      name: 'Example AI Ltd',
      uscc: OTHER_USCC,
      providerCode: '001191440300708461136T1XGW3',
    });

    const bad = await runCli(['--data', data, 'tenant', 'create', '--name', 'X', '--uscc', BAD_CHECK]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^synthguard: tenant\.invalid_uscc: /m);

    const badJson = await runCli([
      '--data',
      data,
      'tenant',
      'create',
      '--name',
      'X',
      '--uscc',
      BAD_CHECK,
      '--json',
    ]);
    expect(badJson.code).toBe(1);
    expect((parseJson(badJson) as { error: { code: string; details?: unknown } }).error).toMatchObject({
      code: 'tenant.invalid_uscc',
      details: { field: 'uscc', problem: 'check' },
    });

    const dup = await runCli(['--data', data, 'tenant', 'create', '--name', 'Again', '--uscc', USCC]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^synthguard: tenant\.exists: /m);

    // Only the two good ones were stored; the first start was announced once.
    const list = await runCli(['--data', data, 'tenant', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.stderr).not.toContain('admin API key');
    const items = (parseJson(list) as { items: TenantJson[] }).items;
    expect(items.map((t) => t.uscc).sort()).toEqual([OTHER_USCC, USCC].sort());
  }, 120_000);
});
