import { type Clock, systemClock } from '@synthguard/core';
import { createDevelopmentChain } from '@synthguard/c2pa';
import {
  type C2paIdentity,
  type Keyring,
  type Ledger,
  createKeyring,
  createTenant,
  identityFromPem,
  issueApiKey,
  memoryVault,
  openLedger,
} from '@synthguard/engine';
import { type Store, type Tenant, openStore } from '@synthguard/store';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildApp } from '../app.js';
import { Metrics } from '../metrics.js';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  keyring: Keyring;
  c2pa: C2paIdentity;
  /** A real ledger: the log on disk in a temporary directory. */
  ledger: Ledger;
  tenant: Tenant;
  admin: string;
  operator: string;
  close(): Promise<void>;
}

export async function buildTestApp(
  opts: {
    maxUploadBytes?: number;
    clock?: Clock;
    witnessedCheckpoint?: () => string | undefined;
    ledgerAccess?: 'public' | 'authenticated';
  } = {},
): Promise<TestApp> {
  const store = await openStore({ driver: 'pglite', dataDir: undefined });
  const clock = opts.clock ?? systemClock;
  const dataDir = await mkdtemp(join(tmpdir(), 'synthguard-app-'));
  const ledger = await openLedger({
    dataDir,
    store,
    clock,
    tuning: { batchMaxDelayMs: 1, integrateIntervalMs: 5 },
  });
  const keyring = createKeyring(store, memoryVault(), { clock, ledger });
  const chain = createDevelopmentChain();
  const c2pa = identityFromPem(
    chain.leafCertificatePem,
    chain.leafPrivateKeyPem,
    chain.rootCertificatePem,
    true,
  );
  const app = await buildApp({
    store,
    keyring,
    c2pa,
    clock,
    ledger,
    recorder: ledger,
    witnessedCheckpoint: opts.witnessedCheckpoint,
    ledgerAccess: opts.ledgerAccess,
    metrics: new Metrics(),
    maxUploadBytes: opts.maxUploadBytes ?? 10 * 1024 * 1024,
    shuttingDown: () => false,
  });
  const tenant = await createTenant(
    store,
    { name: '深圳示例科技有限公司', uscc: '91440300MA5G00001W' },
    clock,
  );
  const admin = (await issueApiKey(store, { name: 'admin', role: 'admin', tenantId: null, createdBy: null }))
    .token;
  const operator = (
    await issueApiKey(store, { name: 'op', role: 'operator', tenantId: tenant.id, createdBy: null })
  ).token;
  return {
    app,
    store,
    keyring,
    c2pa,
    ledger,
    tenant,
    admin,
    operator,
    close: async () => {
      await app.close();
      await ledger.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small JPEG with EXIF, as generators write them. */
export async function buildJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { ImageDescription: 'generated', Software: 'test-generator' } })
    .toBuffer();
}

export async function buildPng(): Promise<Buffer> {
  return sharp({
    create: { width: 40, height: 30, channels: 4, background: { r: 10, g: 20, b: 200, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
