#!/usr/bin/env node
// Composition root: configuration from the environment, backends chosen once, process signals.
import { openRuntime } from '@synthguard/engine';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';
import { startWitnessing } from './witnessing.js';
import { Metrics } from './metrics.js';

async function main(): Promise<void> {
  const config = configFromEnv(process.env);
  const log = pino({ level: config.logLevel, base: { service: 'synthguard' } });
  const runtime = await openRuntime({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    signatureAlgorithm: config.signatureAlgorithm,
    c2pa: config.c2pa,
    ledgerOrigin: config.ledgerOrigin,
    ledgerRetention: config.ledgerRetention,
    ledgerS3: config.ledgerS3,
  });
  if (runtime.adminCredentialCreated !== undefined) {
    log.warn(
      { path: runtime.adminCredentialCreated },
      `First start: an admin API key was written to ${runtime.adminCredentialCreated} (mode 0600). Keep it secret.`,
    );
  }
  const witnessing = startWitnessing(runtime.ledger.log, config.witnesses, log);
  // Retention: personal fields past their period are crypto-shredded hourly (leaves stay).
  const expire = (): void => {
    runtime.ledger.expireRecords().then(
      (outcome) => {
        log.info({ ...outcome }, 'ledger retention: expired personal fields');
      },
      (err: unknown) => {
        log.error({ err }, 'ledger retention run failed');
      },
    );
  };
  const expiry = setInterval(expire, 3_600_000);
  expiry.unref();
  expire();
  let shuttingDown = false;
  const app = await buildApp(
    {
      store: runtime.store,
      keyring: runtime.keyring,
      c2pa: runtime.c2pa,
      clock: runtime.clock,
      ledger: runtime.ledger,
      recorder: runtime.recorder,
      ledgerAccess: config.ledgerAccess,
      witnessedCheckpoint: () => witnessing.witnessedCheckpoint(),
      metrics: new Metrics(),
      maxUploadBytes: config.maxUploadBytes,
      shuttingDown: () => shuttingDown,
    },
    { level: config.logLevel, base: { service: 'synthguard' } },
  );

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await app.close();
      clearInterval(expiry);
      witnessing.stop();
      await witnessing.idle();
      await runtime.close();
      log.info('shut down cleanly');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    log.error({ err }, `cannot listen on ${config.host}:${config.port}`);
    await runtime.close();
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  log.info(
    { dataDir: runtime.dataDir, database: runtime.store.driver, port },
    `synthguard listening on http://localhost:${port} (API docs at /docs)`,
  );
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`synthguard: ${message}\n`);
  process.exit(1);
});
