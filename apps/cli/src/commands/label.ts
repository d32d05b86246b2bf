import { readFile } from 'node:fs/promises';
import { HEADER_PRODUCE_ID } from '@synthguard/contract';
import { AppError } from '@synthguard/core';
import { contentRecordDto, labelContent, localOperator } from '@synthguard/engine';
import type { Command } from 'commander';
import { writeFileAtomic } from '../io.js';
import { emit } from '../output.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

interface LabelOptions extends StoreOptions {
  output: string;
  tenant?: string;
  service?: string;
  json?: boolean;
  server?: string;
  key?: string;
}

export function labelCommand(program: Command): void {
  program
    .command('label')
    .description('write the GB 45438 implicit label into a generated file and record it')
    .argument('<in>', 'file to label (JPEG or PNG)')
    .requiredOption('-o, --output <out>', 'where to write the labeled file (written atomically)')
    .option('--tenant <id>', 'tenant to label for (default: the only tenant)')
    .option('--service <code>', '4-character service code (default: the one in the provider code)')
    .option(
      '--server <url>',
      'label through a running server instead of the local data directory (env SYNTHGUARD_URL)',
    )
    .option('--key <token>', 'API key for --server (env SYNTHGUARD_API_KEY)')
    .option('--json', 'print JSON')
    .action(async (input: string, opts: LabelOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<StoreOptions>();
      const file = await readFile(input);
      const server = opts.server ?? process.env.SYNTHGUARD_URL;
      const result =
        server === undefined
          ? await labelLocally(file, opts, global)
          : await labelRemotely(file, server, opts);
      await writeFileAtomic(opts.output, result.file);
      emit(
        opts.json === true,
        { input, output: opts.output, produceId: result.produceId, record: result.record },
        () => [`labeled ${input} -> ${opts.output}`, `ProduceID: ${result.produceId}`].join('\n'),
      );
    });
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
        throw new AppError(
          'cli.tenant_required',
          tenants.length === 0
            ? 'No tenant yet: create one with `synthguard tenant create --name NAME --uscc CODE`.'
            : 'Several tenants exist: choose one with --tenant ID (see `synthguard tenant list`).',
        );
      }
      tenantId = tenants[0]!.id;
    }
    const outcome = await labelContent(
      rt.store,
      localOperator,
      { file, tenantId, service: opts.service },
      rt.clock,
    );
    return {
      file: outcome.file,
      produceId: outcome.record.produceId,
      record: contentRecordDto(outcome.record),
    };
  });
}

async function labelRemotely(file: Uint8Array, server: string, opts: LabelOptions): Promise<Labeled> {
  const key = opts.key ?? process.env.SYNTHGUARD_API_KEY;
  const url = new URL('/v1/labels', server);
  if (opts.tenant !== undefined) url.searchParams.set('tenant', opts.tenant);
  if (opts.service !== undefined) url.searchParams.set('service', opts.service);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    body: file,
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new AppError(body.code ?? 'cli.server_error', body.detail ?? `The server answered ${res.status}.`);
  }
  const produceId = res.headers.get(HEADER_PRODUCE_ID) ?? '';
  const out = new Uint8Array(await res.arrayBuffer());
  const location = res.headers.get('location');
  let record: unknown = null;
  if (location !== null) {
    const r = await fetch(new URL(location, server), {
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });
    if (r.ok) record = await r.json();
  }
  return { file: out, produceId, record };
}
