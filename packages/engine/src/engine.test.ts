import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '@synthguard/core';
import { type Store, openStore } from '@synthguard/store';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  type Principal,
  authenticate,
  createKeyring,
  createTenant,
  issueApiKey,
  issueApiKeyAs,
  labelContent,
  localOperator,
  memoryVault,
  openRuntime,
  revokeApiKey,
} from './index.js';
import { codeOf } from './testing/errors.js';
import { buildTestLedger } from './testing/ledger.js';

const clock = fixedClock('2026-11-21T08:00:00Z');
let store: Store;

beforeAll(async () => {
  store = await openStore({ driver: 'pglite', dataDir: undefined });
});
afterAll(async () => {
  await store.close();
});

async function buildPng(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
}

describe('createTenant', () => {
  it('derives the 27-character provider code from the USCC (TC260-PG-20252A)', async () => {
    const t = await createTenant(store, { name: '示例一', uscc: '91110108MA01AB0C2C' }, clock);
    expect(t.providerCode).toBe('0011' + '91110108MA01AB0C2C' + '1' + '0001');
    expect(t.createdAt.toISOString()).toBe('2026-11-21T08:00:00.000Z');
  });

  it('keeps a given provider code when it names the same USCC', async () => {
    const t = await createTenant(store, {
      name: 'Tencent-like',
      uscc: '91440300708461136T',
      providerCode: '001191440300708461136T1XGW3',
    });
    expect(t.providerCode).toBe('001191440300708461136T1XGW3');
  });

  it.each([
    [{ name: 'x', uscc: '91110108MA01AB0C2X' }, 'tenant.invalid_uscc'],
    [
      { name: 'x', uscc: '91440300MA5G00001W', providerCode: '001191440300708461136T1XGW3' },
      'tenant.invalid_provider_code',
    ],
    [
      { name: 'x', uscc: '91440300MA5G00001W', providerCode: '009991440300MA5G00001W10001' },
      'tenant.invalid_provider_code',
    ],
    [{ name: 'again', uscc: '91110108MA01AB0C2C' }, 'tenant.exists'],
  ])('refuses %j with %s', async (input, code) => {
    expect(await codeOf(createTenant(store, input))).toBe(code);
  });

  it('validates filing numbers (网信算备 + 21 digits + 号)', async () => {
    expect(
      await codeOf(
        createTenant(store, { name: 'f', uscc: '91440300MA5G00001W', filingNumbers: ['网信算备123号'] }),
      ),
    ).toBe('request.invalid');
  });
});

describe('API keys', () => {
  it('stores only a hash, authenticates the token, and refuses it once revoked', async () => {
    const { key, token } = await issueApiKey(store, {
      name: 'a',
      role: 'admin',
      tenantId: null,
      createdBy: null,
    });
    const secret = token.slice(`sg_${key.id}_`.length); // the secret may itself contain '_'
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(key)).not.toContain(secret);
    const second = await issueApiKey(store, { name: 'b', role: 'admin', tenantId: null, createdBy: null });
    const p = await authenticate(store, token);
    expect(p).toMatchObject({ actor: key.id, tenantId: null, role: 'admin' });
    await revokeApiKey(store, p, key.id);
    expect(await codeOf(authenticate(store, token))).toBe('auth.revoked_key');
    expect(await codeOf(authenticate(store, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')))).toBe(
      'auth.invalid_key',
    );
    expect(await codeOf(authenticate(store, undefined))).toBe('auth.missing_credentials');
    // the last installation admin cannot lock everyone out
    const admins = (await store.apiKeys.listByTenant(null)).filter(
      (k) => k.role === 'admin' && k.revokedAt === null,
    );
    for (const k of admins.slice(1)) await revokeApiKey(store, localOperator, k.id);
    expect(await codeOf(revokeApiKey(store, localOperator, admins[0]!.id))).toBe('key.last_admin');
    expect(second.key.role).toBe('admin');
  });

  it("refuses scopes outside the role's", async () => {
    expect(
      await codeOf(
        issueApiKey(store, {
          name: 'x',
          role: 'inspector',
          tenantId: null,
          scopes: ['labels:write'],
          createdBy: null,
        }),
      ),
    ).toBe('key.invalid_scopes');
  });

  it('a tenant admin issues keys only for its own tenant', async () => {
    const a = await createTenant(store, { name: 'A', uscc: '91310000132206289R' });
    const b = await createTenant(store, { name: 'B', uscc: '91110000100017643K' });
    const { token } = await issueApiKey(store, {
      name: 'ta',
      role: 'admin',
      tenantId: a.id,
      createdBy: null,
    });
    const tenantAdmin = await authenticate(store, token);
    const own = await issueApiKeyAs(store, tenantAdmin, { name: 'op', role: 'operator' });
    expect(own.key.tenantId).toBe(a.id);
    expect(
      await codeOf(issueApiKeyAs(store, tenantAdmin, { name: 'x', role: 'operator', tenantId: b.id })),
    ).toBe('auth.forbidden');
  });
});

describe('labelContent (argument checks; the labeling path is in labeling.test.ts)', () => {
  it('needs a tenant for installation principals and refuses another tenant for tenant keys', async () => {
    const ledger = await buildTestLedger(store, { clock });
    const ctx = {
      store,
      keyring: createKeyring(store, memoryVault(), { clock }),
      clock,
      recorder: ledger.ledger,
    };
    onTestFinished(() => ledger.close());
    const png = await buildPng();
    expect(await codeOf(labelContent(ctx, localOperator, { file: png }))).toBe('tenant.required');
    const tenant = await createTenant(store, { name: 'L', uscc: '91440300MA5G00001W' });
    expect(
      await codeOf(labelContent(ctx, localOperator, { file: png, tenantId: tenant.id, service: 'ab' })),
    ).toBe('request.invalid');
    const other: Principal = { ...localOperator, tenantId: 't_someone_else' };
    expect(await codeOf(labelContent(ctx, other, { file: png, tenantId: 't_mine' }))).toBe('auth.forbidden');
  });
});

describe('openRuntime', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates the admin credential once with mode 0600, and refuses a second holder of the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sg-runtime-'));
    dirs.push(dataDir);
    const rt = await openRuntime({ dataDir });
    expect(rt.adminCredentialCreated).toBe(join(dataDir, 'admin-credential'));
    expect(statSync(rt.adminCredentialCreated!).mode & 0o777).toBe(0o600);
    const token = readFileSync(rt.adminCredentialCreated!, 'utf8').trim();
    expect((await authenticate(rt.store, token)).role).toBe('admin');
    expect(await codeOf(openRuntime({ dataDir }))).toBe('runtime.data_dir_locked');
    await rt.close();
    const again = await openRuntime({ dataDir });
    expect(again.adminCredentialCreated).toBeUndefined();
    await again.close();
  });
});
