/** What calls record() today: label writes, propagations and the admin actions. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, sha256Hex, usccCheckCharacter } from '@synthguard/core';
import { parseSignerKey } from '@synthguard/ledger';
import { type Store, openStore } from '@synthguard/store';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey, issueApiKeyAs, localOperator, revokeApiKey } from '../keys.js';
import { type LabelingContext, labelContent, labelDigest } from '../labeling.js';
import { propagateContent } from '../propagation.js';
import { openRuntime } from '../runtime/runtime.js';
import { createKeyring, memoryVault } from '../signing-keys.js';
import { createTenant } from '../tenants.js';
import { codeOf } from '../testing/errors.js';
import { type TestLedger, buildTestLedger } from '../testing/ledger.js';
import type { Leaf } from './leaf.js';
import { listLedgerRecords } from './list.js';
import { CHECKPOINT_KEY_FILE, DEFAULT_LEDGER_ORIGIN } from './open.js';
import { SUBJECT_MASTER_KEY_FILE } from './subject-keys.js';

const clock = fixedClock('2026-11-21T08:00:00Z');
const period = { from: new Date('2026-11-21T08:00:00Z'), to: new Date('2026-11-21T08:00:01Z') };
let store: Store;
let test: TestLedger;
let ctx: LabelingContext;
let png: Uint8Array;

let usccSeq = 0;
function nextUscc(): string {
  const first17 = `91440300MA${String(200000 + usccSeq++).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17)!;
}

/** The leaves of a tenant (null: installation-wide) in the test period, in log order. */
async function leaves(tenantId: string | null): Promise<Leaf[]> {
  return (await listLedgerRecords(store, { tenantId, ...period })).map((r) => JSON.parse(r.leaf) as Leaf);
}

beforeAll(async () => {
  store = await openStore({ driver: 'pglite', dataDir: undefined });
  test = await buildTestLedger(store, { clock });
  ctx = {
    store,
    keyring: createKeyring(store, memoryVault(), { clock, ledger: test.ledger }),
    clock,
    recorder: test.ledger,
  };
  png = new Uint8Array(
    await sharp({ create: { width: 24, height: 16, channels: 3, background: '#3366aa' } })
      .png()
      .toBuffer(),
  );
});
afterAll(async () => {
  await test.close();
  await store.close();
});

describe('labeling and propagation record', () => {
  it('content.labeled for a label and a relabel, content.propagated for a propagation', async () => {
    const t = await createTenant(store, { name: 'provider', uscc: nextUscc() }, clock, test.ledger, 'cli');
    const first = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    const again = await labelContent(ctx, localOperator, { file: first.file, tenantId: t.id, relabel: true });
    const platform = await createTenant(store, { name: 'platform', uscc: nextUscc() }, clock, test.ledger);
    const spread = await propagateContent(ctx, localOperator, { file: again.file, tenantId: platform.id });
    const key = await ctx.keyring.activeKey(t.id);

    const own = await leaves(t.id);
    expect(own.map((l) => [l.type, l.facts.action])).toEqual([
      ['admin.action', 'tenant.created'],
      ['admin.action', 'signing_key.created'],
      ['content.labeled', 'label'],
      ['content.labeled', 'relabel'],
    ]);
    expect(own[0]?.facts).toMatchObject({ actor: 'cli', uscc: t.uscc, providerCode: t.providerCode });
    expect(own[1]?.facts).toMatchObject({ kid: key.kid, alg: 'Ed25519', retiredKid: null, actor: null });
    expect(own[2]).toMatchObject({
      tenant: t.id,
      produceId: first.record.produceId,
      content: sha256Hex(first.file),
      facts: {
        actor: 'cli',
        format: 'png',
        mediaType: 'image/png',
        input: sha256Hex(png),
        previousLabel: null,
        previousProduceId: null,
        signingKeyId: key.kid,
      },
    });
    expect(own[3]).toMatchObject({
      produceId: again.record.produceId,
      content: sha256Hex(again.file),
      facts: {
        input: sha256Hex(first.file),
        previousLabel: labelDigest(again.previousLabel!),
        previousProduceId: first.record.produceId,
      },
    });
    const theirs = await leaves(platform.id);
    expect(theirs.at(-1)).toMatchObject({
      type: 'content.propagated',
      produceId: again.record.produceId,
      content: sha256Hex(spread.file),
      facts: {
        propagateId: spread.record.produceId,
        input: sha256Hex(again.file),
        previousLabel: labelDigest(spread.previousLabel),
      },
    });
  });

  it('fails the write and stores no content record when the ledger cannot record', async () => {
    const t = await createTenant(store, { name: 'closed', uscc: nextUscc() }, clock);
    await ctx.keyring.activeKey(t.id);
    const closed = await buildTestLedger(store, { clock });
    await closed.ledger.close();
    const err: unknown = await labelContent({ ...ctx, recorder: closed.ledger }, localOperator, {
      file: png,
      tenantId: t.id,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ledger.unavailable' });
    expect(await store.contentRecords.list(t.id)).toEqual([]);
    // Admin actions commit with their record or not at all.
    expect(await codeOf(createTenant(store, { name: 'never', uscc: nextUscc() }, clock, closed.ledger))).toBe(
      'ledger.unavailable',
    );
    expect((await store.tenants.list()).map((x) => x.name)).not.toContain('never');
    await closed.close();
  });
});

describe('admin actions record', () => {
  it('api key issue and revoke, signing key rotation', async () => {
    const t = await createTenant(store, { name: 'admin', uscc: nextUscc() }, clock, test.ledger);
    const issued = await issueApiKeyAs(
      store,
      localOperator,
      { name: '张三的密钥', role: 'operator', tenantId: t.id },
      clock,
      test.ledger,
    );
    await revokeApiKey(store, localOperator, issued.key.id, clock, test.ledger);
    const old = await ctx.keyring.activeKey(t.id);
    const rotated = await ctx.keyring.rotate(t.id, 'Ed25519', 'key-x');
    const actions = (await leaves(t.id)).map((l) => l.facts);
    expect(actions).toEqual([
      expect.objectContaining({ action: 'tenant.created', actor: null }),
      {
        action: 'api_key.issued',
        actor: 'cli',
        keyId: issued.key.id,
        role: 'operator',
        scopes: [...issued.key.scopes],
      },
      { action: 'api_key.revoked', actor: 'cli', keyId: issued.key.id, role: 'operator' },
      expect.objectContaining({ action: 'signing_key.created', kid: old.kid }),
      {
        action: 'signing_key.rotated',
        actor: 'key-x',
        kid: rotated.kid,
        alg: 'Ed25519',
        retiredKid: old.kid,
      },
    ]);
    expect(JSON.stringify(actions)).not.toContain('张三');
    // An installation-wide key: a record without a tenant.
    const global = await issueApiKey(
      store,
      { name: 'inspector', role: 'inspector', tenantId: null, createdBy: 'cli' },
      clock,
      test.ledger,
    );
    const wide = await leaves(null);
    expect(wide.at(-1)).toMatchObject({ type: 'admin.action', facts: { keyId: global.key.id } });
    expect(wide.at(-1)).not.toHaveProperty('tenant');
  });
});

describe('openRuntime opens the ledger', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'sg-runtime-ledger-'));
    dirs.push(d);
    return d;
  };

  it('creates its keys 0600 on first run, records the first admin key, and reopens with the same key', async () => {
    const dataDir = tempDir();
    const rt = await openRuntime({ dataDir });
    const ledgerDir = join(dataDir, 'ledger');
    for (const file of [CHECKPOINT_KEY_FILE, SUBJECT_MASTER_KEY_FILE]) {
      expect(statSync(join(ledgerDir, file)).mode & 0o777).toBe(0o600);
    }
    expect(rt.ledger.log.origin).toBe(DEFAULT_LEDGER_ORIGIN);
    const signer = parseSignerKey(readFileSync(join(ledgerDir, CHECKPOINT_KEY_FILE), 'utf8').trim());
    expect(rt.ledger.log.verifierKey).toBe(signer.verifier.verifierKey);
    expect(rt.recorder).toBe(rt.ledger);
    await rt.ledger.log.integrated(0);
    const entry = await rt.ledger.log.entry(0);
    expect(JSON.parse(Buffer.from(entry).toString('utf8'))).toMatchObject({
      type: 'admin.action',
      facts: { action: 'api_key.issued', role: 'admin', actor: null },
    });
    const verifierKey = rt.ledger.log.verifierKey;
    await rt.close();
    await rt.close();
    const again = await openRuntime({ dataDir });
    expect(again.ledger.log.verifierKey).toBe(verifierKey);
    await again.close();
  });

  it('takes its origin and retention from the configuration and refuses a retention under 184 days', async () => {
    const rt = await openRuntime({
      dataDir: tempDir(),
      ledgerOrigin: 'example.com/ledger',
      ledgerRetention: 'default=200d,content.exported_unlabeled=365d',
    });
    expect(rt.ledger.log.origin).toBe('example.com/ledger');
    expect(rt.ledger.retention.days('content.exported_unlabeled')).toBe(365);
    expect(rt.ledger.retention.days('content.labeled')).toBe(200);
    await rt.close();
    const dataDir = tempDir();
    expect(await codeOf(openRuntime({ dataDir, ledgerRetention: 'default=30d' }))).toBe(
      'ledger.config_invalid',
    );
    expect(await codeOf(openRuntime({ dataDir, ledgerOrigin: 'has space' }))).toBe('ledger.config_invalid');
    // The refused starts released the data directory.
    const ok = await openRuntime({ dataDir });
    await ok.close();
  });
});
