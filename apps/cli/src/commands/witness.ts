/**
 * `synthguard witness`: a C2SP tlog-witness a regulator (or anyone) runs to cosign the provider's
 * ledger checkpoints after checking they extend what it cosigned before (packages/ledger,
 * README "Witnesses").
 *
 *   synthguard witness key   [--name <name>]                      print the cosigner verifier key
 *   synthguard witness serve [--name <name>] [--listen host:port] --log <origin>=<vkey> ...
 *
 * Files under <data>/witness/ (mode 0700): `witness.key` (the Ed25519 signer key, 0600, created
 * on first run, never printed) and `witness-state.json` (what it last cosigned per log).
 */
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type CosignatureSigner,
  type NoteVerifier,
  type WitnessLogConfig,
  fileWitnessStateStore,
  generateNoteKey,
  isValidKeyName,
  openWitness,
  parseCosignatureSignerKey,
  parseVerifierKey,
  witnessHandler,
} from '@synthguard/ledger';
import { isAppError } from '@synthguard/core';
import type { Command } from 'commander';
import { envVar } from '../env.js';
import { CliError } from '../errors.js';
import { emit } from '../output.js';

const KEY_FILE = 'witness.key';
const DEFAULT_LISTEN = '127.0.0.1:7380';

interface WitnessOptions {
  data?: string;
  name?: string;
  json?: boolean;
}

function witnessDir(opts: WitnessOptions): string {
  return join(resolve(opts.data ?? envVar('SYNTHGUARD_DATA') ?? './data'), 'witness');
}

/** Writes `content` to `path` only if `path` does not exist: temp file, fsync, link, fsync dir. */
async function createSecretFile(dir: string, path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path); // fails with EEXIST instead of replacing a key
  } catch (err) {
    if ((err as { code?: unknown }).code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return true;
}

/** Loads the witness key, creating it on first use. */
async function loadOrCreateKey(
  opts: WitnessOptions,
): Promise<{ signer: CosignatureSigner; created: boolean; file: string }> {
  const dir = witnessDir(opts);
  const file = join(dir, KEY_FILE);
  let created = false;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      const name = opts.name ?? `${hostname().toLowerCase()}/witness`;
      if (!isValidKeyName(name)) {
        throw new CliError(
          'cli.usage',
          'The witness name must be non-empty, without spaces or "+": use --name.',
        );
      }
      created = await createSecretFile(dir, file, `${generateNoteKey(name).signerKey}\n`);
      text = await readFile(file, 'utf8');
    }
    const mode = (await stat(file)).mode & 0o077;
    if (mode !== 0)
      process.stderr.write(`synthguard: warning: ${file} is readable by others; chmod 600 it.\n`);
    const signer = parseCosignatureSignerKey(text.trim());
    if (opts.name !== undefined && opts.name !== signer.name) {
      throw new CliError(
        'cli.usage',
        `This witness is named ${signer.name}; its name cannot change (drop --name or use another --data).`,
      );
    }
    return { signer, created, file };
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new CliError('cli.file_unreadable', `Cannot read or create the witness key in ${dir}.`, {
      cause: err,
    });
  }
}

function announceKey(created: boolean, file: string): void {
  if (created) process.stderr.write(`First start: witness key written to ${file} (mode 0600).\n`);
}

/** `--log <origin>=<vkey>` or `--log <vkey>` (the origin is the key's name). */
function parseLogOption(spec: string): WitnessLogConfig {
  const eq = spec.indexOf('=');
  const plus = spec.indexOf('+');
  const attempts: [string, string][] = [];
  if (eq > 0 && (plus < 0 || eq < plus)) attempts.push([spec.slice(0, eq), spec.slice(eq + 1)]);
  attempts.push(['', spec]);
  for (const [origin, key] of attempts) {
    let v: NoteVerifier;
    try {
      v = parseVerifierKey(key);
    } catch {
      continue;
    }
    return { origin: origin === '' ? v.name : origin, verifiers: [v] };
  }
  throw new CliError(
    'cli.usage',
    '--log takes <origin>=<log verifier key> (an Ed25519 note key, <name>+<id>+<base64>).',
  );
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535)
    throw new CliError('cli.usage', '--listen takes host:port (e.g. 0.0.0.0:7380).');
  return { host: m[1] ?? m[2]!, port };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function serve(opts: WitnessOptions & { listen: string; log: string[] }): Promise<void> {
  if (opts.log.length === 0) throw new CliError('cli.usage', 'Name at least one log to witness with --log.');
  const logs = opts.log.map(parseLogOption);
  const { host, port } = parseListen(opts.listen);
  const { signer, created, file } = await loadOrCreateKey(opts);
  announceKey(created, file);
  const witness = await openWitness({ signer, logs, store: fileWitnessStateStore(witnessDir(opts)) });
  const handler = witnessHandler(witness, {
    onError: (err, status) => {
      const code = isAppError(err) ? err.code : 'internal';
      process.stderr.write(`${new Date().toISOString()} ${status} ${code}\n`);
    },
  });
  const server: Server = createServer(
    { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192 },
    handler,
  );
  await new Promise<void>((res, rej) => {
    server.once('error', (err) => {
      rej(new CliError('cli.usage', `Cannot listen on ${opts.listen}.`, { cause: err }));
    });
    server.listen(port, host, res);
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  emit(
    opts.json === true,
    {
      name: witness.name,
      verifierKey: witness.verifierKey,
      logs: witness.origins,
      url: `http://${shown}:${addr.port}/`,
    },
    () =>
      [
        `witness ${witness.name}`,
        `verifier key ${witness.verifierKey}`,
        ...witness.origins.map((o) => `log ${o}`),
        `listening on http://${shown}:${addr.port}/`,
      ].join('\n'),
  );
  await new Promise<void>((res) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => {
        res();
      });
      server.closeIdleConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function witnessCommand(program: Command): void {
  const cmd = program
    .command('witness')
    .description('run a C2SP tlog-witness that cosigns ledger checkpoints (files in <data>/witness)');
  cmd
    .command('key')
    .description("print the witness's cosignature verifier key (creates the key on first run)")
    .option('--name <name>', 'witness name for a new key (default <hostname>/witness)')
    .option('--json', 'print JSON')
    .action(async (opts: WitnessOptions, c: Command) => {
      const all = c.optsWithGlobals<WitnessOptions>();
      const { signer, created, file } = await loadOrCreateKey(all);
      announceKey(created, file);
      emit(
        opts.json === true,
        { name: signer.name, verifierKey: signer.verifier.verifierKey, keyFile: file, created },
        () => signer.verifier.verifierKey,
      );
    });
  cmd
    .command('serve')
    .description('serve POST /add-checkpoint (C2SP tlog-witness) until SIGINT or SIGTERM')
    .option('--name <name>', 'witness name for a new key (default <hostname>/witness)')
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option(
      '--log <origin=vkey>',
      'a log to witness: its origin and its checkpoint verifier key (repeat)',
      collect,
      [],
    )
    .option('--json', 'print the startup banner as JSON')
    .action(async (_opts: unknown, c: Command) => {
      await serve(c.optsWithGlobals<WitnessOptions & { listen: string; log: string[] }>());
    });
}
