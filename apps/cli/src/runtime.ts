import { resolve } from 'node:path';
import { type Runtime, openRuntime } from '@synthguard/engine';
import { envVar } from './env.js';

export interface StoreOptions {
  data?: string;
  databaseUrl?: string;
}

/** Opens the local runtime (data directory, store) for one command and closes it after. */
export async function withRuntime<T>(opts: StoreOptions, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime({
    dataDir: resolve(opts.data ?? envVar('SYNTHGUARD_DATA') ?? './data'),
    databaseUrl: opts.databaseUrl ?? envVar('DATABASE_URL'),
  });
  try {
    if (runtime.adminCredentialCreated !== undefined) {
      process.stderr.write(
        `First start: admin API key written to ${runtime.adminCredentialCreated} (mode 0600).\n`,
      );
    }
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
