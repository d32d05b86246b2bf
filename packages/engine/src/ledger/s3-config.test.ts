import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3TileStore } from '@synthguard/ledger';
import { type Store, openStore } from '@synthguard/store';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_DIR, openLedger } from './open.js';
import { LEDGER_S3_ENV, type LedgerS3Config, ledgerS3FromEnv } from './s3-config.js';

const env =
  (vars: Record<string, string>) =>
  (name: string): string | undefined =>
    vars[name];

describe('ledgerS3FromEnv', () => {
  const full = {
    SYNTHGUARD_LEDGER_S3_ENDPOINT: 'https://s3.example.com',
    SYNTHGUARD_LEDGER_S3_BUCKET: 'ledger',
    SYNTHGUARD_LEDGER_S3_ACCESS_KEY_ID: 'AK',
    SYNTHGUARD_LEDGER_S3_SECRET_ACCESS_KEY: 'very-secret',
  };
  it('is undefined when nothing is set', () => {
    expect(ledgerS3FromEnv(env({}))).toBeUndefined();
    expect(ledgerS3FromEnv(env({ SYNTHGUARD_LEDGER_S3_ENDPOINT: '' }))).toBeUndefined();
  });
  it('reads a full configuration; region defaults to us-east-1', () => {
    expect(ledgerS3FromEnv(env(full))).toEqual({
      endpoint: 'https://s3.example.com',
      bucket: 'ledger',
      region: 'us-east-1',
      prefix: undefined,
      accessKeyId: 'AK',
      secretAccessKey: 'very-secret',
      forcePathStyle: undefined,
    });
    expect(
      ledgerS3FromEnv(
        env({
          ...full,
          SYNTHGUARD_LEDGER_S3_REGION: 'eu-central-1',
          SYNTHGUARD_LEDGER_S3_PREFIX: 'prod/ledger',
          SYNTHGUARD_LEDGER_S3_FORCE_PATH_STYLE: 'true',
        }),
      ),
    ).toMatchObject({ region: 'eu-central-1', prefix: 'prod/ledger', forcePathStyle: true });
  });
  it('is all-or-nothing, naming what is missing and never the secret', () => {
    const partial = Object.fromEntries(
      Object.entries(full).filter(([k]) => k !== LEDGER_S3_ENV.bucket && k !== LEDGER_S3_ENV.accessKeyId),
    );
    let err: unknown;
    try {
      ledgerS3FromEnv(env(partial));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'ledger.config_invalid',
      details: { setting: 'SYNTHGUARD_LEDGER_S3_BUCKET,SYNTHGUARD_LEDGER_S3_ACCESS_KEY_ID' },
    });
    expect((err as Error).message).not.toContain('very-secret');
    expect(() => ledgerS3FromEnv(env({ SYNTHGUARD_LEDGER_S3_REGION: 'us-east-1' }))).toThrow(/missing/);
    expect(() => ledgerS3FromEnv(env({ ...full, SYNTHGUARD_LEDGER_S3_FORCE_PATH_STYLE: 'yes' }))).toThrow(
      /true or false/,
    );
  });
});

describe('openLedger with S3-compatible storage (s3rver)', () => {
  let s3: S3rver;
  let s3Dir: string;
  let config: LedgerS3Config;
  let store: Store;
  beforeAll(async () => {
    s3Dir = mkdtempSync(join(tmpdir(), 'synthguard-s3rver-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'ledger' }],
    });
    const { port } = await s3.run();
    // s3rver's built-in account; it does not check Signature V4 (the ledger's tests do).
    config = {
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'ledger',
      region: 'us-east-1',
      prefix: 'prod',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
    store = await openStore({ driver: 'pglite', dataDir: undefined });
  });
  afterAll(async () => {
    await store.close();
    await s3.close();
    rmSync(s3Dir, { recursive: true, force: true });
  });

  it('keeps tiles and checkpoint in the bucket, the journal and keys on disk', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'synthguard-ledger-'));
    try {
      const tuning = { batchMaxDelayMs: 1, integrateIntervalMs: 5 };
      const ledger = await openLedger({ dataDir, store, s3: config, tuning });
      const entries = Array.from({ length: 300 }, (_, i) => new TextEncoder().encode(`{"n":${i}}`));
      const acks = await Promise.all(entries.map((e) => ledger.log.append(e)));
      const cp = await ledger.log.integrated(acks.at(-1)!.index);
      await ledger.close();

      const dir = join(dataDir, LEDGER_DIR);
      expect(existsSync(join(dir, 'checkpoint'))).toBe(false);
      expect(existsSync(join(dir, 'tile'))).toBe(false);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['checkpoint.key', 'journal']));
      const bucket = s3TileStore({ ...config, prefix: 'prod/' });
      expect(new TextDecoder().decode(await bucket.read('checkpoint'))).toBe(cp.note);
      expect((await bucket.read('tile/0/000'))?.length).toBe(256 * 32);

      const again = await openLedger({ dataDir, store, s3: config, tuning });
      expect(again.log.checkpoint().size).toBe(cp.size);
      await again.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed S3 setting before creating anything', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'synthguard-ledger-')), 'data');
    await expect(
      openLedger({ dataDir, store, s3: { ...config, bucket: 'Not_A_Bucket' } }),
    ).rejects.toMatchObject({
      code: 'ledger.config_invalid',
      details: { setting: 's3.bucket', problem: 'malformed' },
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});
