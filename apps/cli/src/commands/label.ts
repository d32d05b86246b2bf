import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HEADER_PRODUCE_ID, schemas } from '@synthguard/contract';
import { isAppError } from '@synthguard/core';
import {
  type Runtime,
  contentRecordDto,
  isC2paFormat,
  labelFile,
  localOperator,
  newLabel,
  recordLabel,
} from '@synthguard/engine';
import { handlerById } from '@synthguard/formats';
import type { AigcLabel } from '@synthguard/labels';
import type { Tenant } from '@synthguard/store';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { expandInputs, isGlob } from '../batch/inputs.js';
import { defaultJobs, parseJobs, runPool } from '../batch/pool.js';
import { startProgress } from '../batch/progress.js';
import { openReport } from '../batch/report.js';
import type { WorkerRequest } from '../batch/worker-protocol.js';
import { CliError } from '../errors.js';
import { checkWritable, readInput, writeFileAtomic } from '../io.js';
import { emit } from '../output.js';
import { type ServerOptions, authHeader, reach, serverOf, serverUrl, throwProblem } from '../remote.js';
import { type StoreOptions, withRuntime } from '../runtime.js';

interface LabelOptions extends StoreOptions, ServerOptions {
  output?: string;
  outputDir?: string;
  report?: string;
  jobs?: number;
  tenant?: string;
  service?: string;
  json?: boolean;
  relabel?: boolean;
}

export function labelCommand(program: Command): void {
  program
    .command('label')
    .description(
      'write the signed GB 45438 implicit label into generated files and record them\n' +
        '(one file with -o, or files, folders and globs with --output-dir: all cores, a progress bar, a JSON-lines report)',
    )
    .argument(
      '<inputs...>',
      'files, folders (their supported files, recursively) or globs such as "out/**/*.png"',
    )
    .option('-o, --output <out>', 'where to write the labeled file, for one input (written atomically)')
    .option('--output-dir <dir>', 'write labeled files here, mirroring the input paths (batch)')
    .option('--report <file>', 'batch: write the JSON-lines report here instead of stdout')
    .addOption(
      new Option('--jobs <n>', 'batch: files labeled in parallel (default: one per core)').argParser(
        parseJobs,
      ),
    )
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
    .option(
      '--relabel',
      'replace a label a file already carries (the old one is recorded; forged labels never)',
    )
    .option('--json', 'print JSON')
    .action(async (inputs: string[], opts: LabelOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<StoreOptions>();
      const single = inputs.length === 1 && !isGlob(inputs[0]!) && opts.outputDir === undefined;
      if (single) {
        if (opts.output === undefined) {
          throw new CliError(
            'cli.usage',
            'Say where the labeled file goes: -o FILE (or --output-dir DIR for a batch).',
          );
        }
        await labelOne(inputs[0]!, opts.output, opts, global);
        return;
      }
      if (opts.output !== undefined || opts.outputDir === undefined) {
        throw new CliError(
          'cli.usage',
          'Several inputs, a folder or a glob: use --output-dir DIR instead of -o.',
        );
      }
      const failed = await labelBatch(inputs, opts.outputDir, opts, global);
      if (failed > 0) process.exitCode = 1;
    });
}

/** TC260-PG-20252A: the service code is the provider code's last 4 characters, [0-9A-Z]{4}. */
function parseServiceCode(value: string): string {
  if (!schemas.ServiceCode.safeParse(value).success) {
    throw new InvalidArgumentError('A service code is 4 characters 0-9 or A-Z, e.g. XGW3.');
  }
  return value;
}

async function labelOne(
  input: string,
  output: string,
  opts: LabelOptions,
  global: StoreOptions,
): Promise<void> {
  const server = serverOf(opts);
  let result: Omit<Labeled, 'file'>;
  if (server === undefined) {
    // readInput's errors (cli.file_not_found / cli.file_unreadable) without loading the file:
    // locally the engine streams what it can (a 2 GB MP4 never loads whole).
    const readable = await access(input, constants.R_OK)
      .then(() => stat(input))
      .then(
        (s) => s.isFile(),
        () => false,
      );
    if (!readable) await readInput(input);
    // Fail before anything is recorded when the output cannot be written.
    await checkWritable(output);
    result = await labelLocally(input, output, opts, global);
  } else {
    const file = await readInput(input);
    await checkWritable(output);
    const remote = await labelRemotely(file, input, server, opts);
    await writeOutput(output, remote.file, remote.produceId);
    result = remote;
  }
  emit(
    opts.json === true,
    {
      input,
      output,
      produceId: result.produceId,
      record: result.record,
      ...(result.c2pa ? { c2pa: result.c2pa } : {}),
    },
    () =>
      [
        `labeled ${input} -> ${output}`,
        `ProduceID: ${result.produceId}`,
        ...(result.c2pa ? [`C2PA manifest: ${result.c2pa}`] : []),
      ].join('\n'),
  );
}

async function writeOutput(path: string, file: Uint8Array, produceId: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, file);
  } catch (err) {
    throw new CliError(
      'cli.output_unwritable',
      `Cannot write ${path}. The content was recorded as ProduceID ${produceId}; fix the output path and label the file again.`,
      { cause: err, details: { path, produceId } },
    );
  }
}

async function chooseTenant(rt: Runtime, requested: string | undefined): Promise<Tenant> {
  const tenants = await rt.store.tenants.list();
  if (requested !== undefined) {
    const t = tenants.find((x) => x.id === requested);
    if (t === undefined)
      throw new CliError('cli.tenant_required', `No tenant ${requested} (see \`synthguard tenant list\`).`);
    return t;
  }
  if (tenants.length !== 1) {
    throw new CliError(
      'cli.tenant_required',
      tenants.length === 0
        ? 'No tenant yet: create one with `synthguard tenant create --name NAME --uscc CODE`.'
        : 'Several tenants exist: choose one with --tenant ID (see `synthguard tenant list`).',
    );
  }
  return tenants[0]!;
}

interface Labeled {
  file: Uint8Array;
  produceId: string;
  record: unknown;
  /** What happened about C2PA (local labeling only). */
  c2pa?: string;
}

/** Labels `input` into `output` through the engine's `labelFile` (records, then renames into place). */
async function labelLocally(
  input: string,
  output: string,
  opts: LabelOptions,
  global: StoreOptions,
): Promise<Omit<Labeled, 'file'>> {
  return withRuntime(global, async (rt) => {
    const tenant = await chooseTenant(rt, opts.tenant);
    try {
      const outcome = await labelFile(rt, localOperator, {
        inputPath: input,
        outputPath: output,
        tenantId: tenant.id,
        service: opts.service,
        relabel: opts.relabel === true,
      });
      return {
        produceId: outcome.record.produceId,
        record: contentRecordDto(outcome.record),
        c2pa: outcome.c2pa
          ? 'written'
          : isC2paFormat(outcome.handler.id)
            ? outcome.streamed
              ? 'skipped: streamed (too large for the in-memory C2PA writer)'
              : 'kept: the file already had a manifest'
            : 'not for this format',
      };
    } catch (err) {
      if (!isAppError(err, 'file.unwritable', 'file.unreadable')) throw err;
      const produceId = err.details?.produceId;
      if (err.code === 'file.unreadable') {
        throw new CliError('cli.file_unreadable', err.message, { cause: err, details: { path: input } });
      }
      throw new CliError(
        'cli.output_unwritable',
        typeof produceId === 'string'
          ? `Cannot write ${output}. The content was recorded as ProduceID ${produceId}; fix the output path and label the file again.`
          : `${err.message} Nothing was recorded.`,
        { cause: err, details: { path: output, ...(typeof produceId === 'string' ? { produceId } : {}) } },
      );
    }
  });
}

async function labelRemotely(
  file: Uint8Array,
  fileName: string,
  server: string,
  opts: LabelOptions,
): Promise<Labeled> {
  const url = serverUrl(server, '/v1/labels');
  // The name identifies formats without magic bytes (Markdown) and names the download.
  url.searchParams.set('filename', basename(fileName));
  if (opts.tenant !== undefined) url.searchParams.set('tenant', opts.tenant);
  if (opts.service !== undefined) url.searchParams.set('service', opts.service);
  if (opts.relabel === true) url.searchParams.set('relabel', 'true');
  const auth = authHeader(opts);
  const res = await reach(server, () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...auth },
      body: file,
    }),
  );
  if (!res.ok) await throwProblem(res);
  const produceId = res.headers.get(HEADER_PRODUCE_ID) ?? '';
  const out = new Uint8Array(await res.arrayBuffer());
  const location = res.headers.get('location');
  let record: unknown = null;
  if (location !== null) {
    const r = await reach(server, () => fetch(new URL(location, server), { headers: auth }));
    if (r.ok) record = await r.json();
  }
  return { file: out, produceId, record };
}

/** Labels many files; returns how many failed. Each result is one JSON line. */
async function labelBatch(
  inputs: string[],
  outputDir: string,
  opts: LabelOptions,
  global: StoreOptions,
): Promise<number> {
  const files = await expandInputs(inputs);
  await mkdir(outputDir, { recursive: true });
  const report = await openReport(opts.report);
  const progress = startProgress('labeling', files.length);
  let failed = 0;
  const done = (line: Record<string, unknown>): void => {
    const bad = line.status !== 'labeled';
    if (bad) failed++;
    report.write(line);
    progress.tick(bad);
  };
  try {
    const server = serverOf(opts);
    if (server !== undefined) {
      // Through the server: it does the work; run `jobs` requests at once.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < files.length) {
          const f = files[next++]!;
          const output = join(outputDir, f.rel);
          try {
            const r = await labelRemotely(await readInput(f.path), f.path, server, opts);
            await writeOutput(output, r.file, r.produceId);
            done({ input: f.path, output, status: 'labeled', produceId: r.produceId });
          } catch (err) {
            done(failure(f.path, err));
          }
        }
      };
      await Promise.all(Array.from({ length: opts.jobs ?? defaultJobs() }, worker));
    } else {
      await withRuntime(global, async (rt) => {
        const tenant = await chooseTenant(rt, opts.tenant);
        const key = await rt.keyring.activeKey(tenant.id);
        const keyPem = key.toPkcs8Pem();
        const requests: WorkerRequest[] = files.map((f) => ({
          kind: 'label',
          path: f.path,
          label: { ...newLabel(tenant, opts.service, rt.clock) },
          keyPem,
          relabel: opts.relabel === true,
          c2pa: {
            chainPem: rt.c2pa.certificateChainPem,
            keyPem: rt.c2pa.privateKeyPem,
            anchorsPem: rt.c2pa.trustAnchorsPem,
          },
        }));
        const relOf = new Map(files.map((f) => [f.path, f.rel]));
        await runPool(
          requests,
          async (req, res) => {
            if (!res.ok) {
              done({ input: req.path, status: 'failed', code: res.code, message: res.message });
              return;
            }
            if (res.kind !== 'label') return;
            const output = join(outputDir, relOf.get(req.path)!);
            try {
              const handler = handlerById(res.format)!;
              const record = await recordLabel(
                rt,
                localOperator,
                tenant,
                { sha256: res.inputSha256, bytes: res.inputBytes },
                {
                  file: res.file,
                  handler,
                  label: res.label as unknown as AigcLabel,
                  previousLabel: (res.previousLabel ?? undefined) as AigcLabel | undefined,
                  c2pa: res.c2pa,
                },
                key.kid,
              );
              await writeOutput(output, res.file, record.produceId);
              done({
                input: req.path,
                output,
                status: 'labeled',
                produceId: record.produceId,
                format: res.format,
              });
            } catch (err) {
              done(failure(req.path, err));
            }
          },
          { jobs: opts.jobs },
        );
      });
    }
  } finally {
    progress.stop();
    await report.close();
  }
  process.stderr.write(
    `labeled ${String(files.length - failed)} of ${String(files.length)} files${failed > 0 ? `, ${String(failed)} failed` : ''}` +
      `${opts.report === undefined ? '' : `; report: ${opts.report}`}\n`,
  );
  return failed;
}

export function failure(input: string, err: unknown): Record<string, unknown> {
  return {
    input,
    status: 'failed',
    code: isAppError(err) ? err.code : 'internal',
    message: err instanceof Error ? err.message : String(err),
  };
}
