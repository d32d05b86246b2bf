/**
 * The signing keys a local verification trusts, as a published key list (the JSON of
 * /.well-known/synthguard/signing-keys.json): from --keys (a file or an http(s) URL), from
 * --server, or from the local data directory when it exists. None of these: an empty list, so
 * signatures are still checked but every key is reported as unknown.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { signingKeyDto } from '@synthguard/engine';
import { envVar } from './env.js';
import { CliError } from './errors.js';
import { reach, serverUrl } from './remote.js';
import { type StoreOptions, withRuntime } from './runtime.js';

export const WELL_KNOWN_KEYS = '/.well-known/synthguard/signing-keys.json';

async function fetchJson(url: string): Promise<unknown> {
  const res = await reach(url, () => fetch(url));
  if (!res.ok) {
    throw new CliError('cli.server_error', `${url} answered ${String(res.status)}.`, {
      details: { status: res.status },
    });
  }
  return res.json();
}

export async function keysDocument(
  opts: { keys?: string; server?: string },
  global: StoreOptions,
): Promise<unknown> {
  if (opts.keys !== undefined) {
    if (/^https?:\/\//.test(opts.keys)) return fetchJson(opts.keys);
    try {
      return JSON.parse(await readFile(opts.keys, 'utf8')) as unknown;
    } catch (err) {
      throw new CliError('cli.file_unreadable', `Cannot read the key list ${opts.keys} as JSON.`, {
        cause: err,
        details: { path: opts.keys },
      });
    }
  }
  const server = opts.server ?? envVar('SYNTHGUARD_URL');
  if (server !== undefined) return fetchJson(serverUrl(server, WELL_KNOWN_KEYS).toString());
  const dataDir = resolve(global.data ?? envVar('SYNTHGUARD_DATA') ?? './data');
  const databaseUrl = global.databaseUrl ?? envVar('DATABASE_URL');
  if (databaseUrl === undefined && !existsSync(join(dataDir, 'pglite'))) return { keys: [] };
  return withRuntime(global, async (rt) => ({
    keys: (await rt.keyring.published()).map((k) => {
      const { tenantId: _t, ...rest } = signingKeyDto(k);
      return rest;
    }),
    c2pa: { trustAnchorsPem: rt.c2pa.trustAnchorsPem, development: rt.c2pa.development },
  }));
}
