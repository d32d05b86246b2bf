import { HEADER_PRODUCE_ID, schemas } from '@synthguard/contract';
import { AppError } from '@synthguard/core';
import { contentRecordDto, labelContent, localOperator } from '@synthguard/engine';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { envVar } from '../env.js';
import { CliError } from '../errors.js';
import { checkWritable, readInput, writeFileAtomic } from '../io.js';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

interface LabelOptions extends StoreOptions {
  output: string;
  tenant?: string;
  service?: string;
  json?: boolean;
  server?: string;
  key?: string;
  relabel?: boolean;
}

export function labelCommand(program: Command): void {
  program
    .command('label')
    .description('write the GB 45438 implicit label into a generated file and record it')
    .argument('<in>', 'file to label (JPEG, PNG, WebP, GIF, TIFF, WAV, MP3, FLAC)')
    .requiredOption('-o, --output <out>', 'where to write the labeled file (written atomically)')
    .option('--tenant <id>', 'tenant to label for (default: the only tenant)')
    .addOption(
      new Option(
        '--service <code>',
        '4-character service code (default: the one in the provider code)',
      ).argParser(parseServiceCode),
    )
    .option(
      '--server <url>',
      'label through a running server instead of the local data directory (env SYNTHGUARD_URL)',
    )
    .option('--key <token>', 'API key for --server (env SYNTHGUARD_API_KEY)')
    .option('--relabel', 'replace a label the file already carries (the old one is recorded; forged labels never)')
    .option('--json', 'print JSON')
    .action(async (input: string, opts: LabelOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<StoreOptions>();
      const file = await readInput(input);
      // Fail before anything is recorded when the output cannot be written.
      await checkWritable(opts.output);
      const server = opts.server ?? envVar('SYNTHGUARD_URL');
      const result =
        server === undefined
          ? await labelLocally(file, opts, global)
          : await labelRemotely(file, server, opts);
      try {
        await writeFileAtomic(opts.output, result.file);
      } catch (err) {
        throw new CliError(
          'cli.output_unwritable',
          `Cannot write ${opts.output}. The content was recorded as ProduceID ${result.produceId}; ` +
            'fix the output path and label the file again.',
          { cause: err, details: { path: opts.output, produceId: result.produceId } },
        );
      }
      emit(
        opts.json === true,
        { input, output: opts.output, produceId: result.produceId, record: result.record },
        () => [`labeled ${input} -> ${opts.output}`, `ProduceID: ${result.produceId}`].join('\n'),
      );
    });
}

/** TC260-PG-20252A: the service code is the provider code's last 4 characters, [0-9A-Z]{4}. */
function parseServiceCode(value: string): string {
  if (!schemas.ServiceCode.safeParse(value).success) {
    throw new InvalidArgumentError('A service code is 4 characters 0-9 or A-Z, e.g. XGW3.');
  }
  return value;
}

interface Labeled {
  file: Uint8Array;
  produceId: string;
  record: unknown;
}

async function labelLocally(file: Uint8Array, opts: LabelOptions, global: StoreOptions): Promise<Labeled> {
  return withRuntime(global, async (rt) => {
    let tenantId = opts.tenant;
    if (tenantId === undefined) {
      const tenants = await rt.store.tenants.list();
      if (tenants.length !== 1) {
        throw new CliError(
          'cli.tenant_required',
          tenants.length === 0
            ? 'No tenant yet: create one with `synthguard tenant create --name NAME --uscc CODE`.'
            : 'Several tenants exist: choose one with --tenant ID (see `synthguard tenant list`).',
        );
      }
      tenantId = tenants[0]!.id;
    }
    const outcome = await labelContent(rt, localOperator, {
      file,
      tenantId,
      service: opts.service,
      relabel: opts.relabel === true,
    });
    return {
      file: outcome.file,
      produceId: outcome.record.produceId,
      record: contentRecordDto(outcome.record),
    };
  });
}

async function labelRemotely(file: Uint8Array, server: string, opts: LabelOptions): Promise<Labeled> {
  const key = opts.key ?? envVar('SYNTHGUARD_API_KEY');
  const url = serverUrl(server, '/v1/labels');
  if (opts.tenant !== undefined) url.searchParams.set('tenant', opts.tenant);
  if (opts.service !== undefined) url.searchParams.set('service', opts.service);
  if (opts.relabel === true) url.searchParams.set('relabel', 'true');
  const res = await reach(server, () =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      body: file,
    }),
  );
  if (!res.ok) {
    // RFC 9457 problem+json: the server's stable code passes through unchanged.
    const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    if (body.code !== undefined) {
      throw new AppError(body.code, body.detail ?? `The server answered ${res.status}.`, {
        details: { status: res.status },
      });
    }
    throw new CliError('cli.server_error', body.detail ?? `The server answered ${res.status}.`, {
      details: { status: res.status },
    });
  }
  const produceId = res.headers.get(HEADER_PRODUCE_ID) ?? '';
  const out = new Uint8Array(await res.arrayBuffer());
  const location = res.headers.get('location');
  let record: unknown = null;
  if (location !== null) {
    const r = await reach(server, () =>
      fetch(new URL(location, server), {
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      }),
    );
    if (r.ok) record = await r.json();
  }
  return { file: out, produceId, record };
}

function serverUrl(server: string, path: string): URL {
  const hint = `--server ${server} is not an http(s) URL; use e.g. http://localhost:8080.`;
  let url: URL;
  try {
    url = new URL(path, server);
  } catch (err) {
    throw new CliError('cli.invalid_server_url', hint, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('cli.invalid_server_url', hint);
  }
  return url;
}

/** fetch() rejects (TypeError "fetch failed") when nothing answers; say which server and what to do. */
async function reach(server: string, call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
    throw new CliError(
      'cli.server_unreachable',
      `Cannot reach the server at ${server}${typeof cause === 'string' ? ` (${cause})` : ''}. Is it running?`,
      { cause: err },
    );
  }
}
