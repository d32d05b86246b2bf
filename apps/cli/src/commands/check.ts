/**
 * `synthguard verify` and `synthguard detect`: one file gets a readable answer (or --json);
 * several files, folders or globs run on all cores and give one JSON line per file.
 */
import type { Detection, Verification } from '@synthguard/contract';
import { type Command, Option } from 'commander';
import { expandInputs, isGlob } from '../batch/inputs.js';
import { parseJobs, runPool } from '../batch/pool.js';
import { startProgress } from '../batch/progress.js';
import { openReport } from '../batch/report.js';
import type { WorkerRequest, WorkerResponse } from '../batch/worker-protocol.js';
import { keysDocument } from '../keys-document.js';
import { emit } from '../output.js';
import { AppError } from '@synthguard/core';
import type { StoreOptions } from '../runtime.js';

interface CheckOptions {
  keys?: string;
  server?: string;
  report?: string;
  jobs?: number;
  json?: boolean;
  declared?: boolean;
}

function common(cmd: Command): Command {
  return cmd
    .argument('<inputs...>', 'files, folders or globs')
    .option('--keys <file|url>', 'trust the signing keys in this published key list (file or URL)')
    .option('--server <url>', 'trust the keys published by this server (env SYNTHGUARD_URL)')
    .option('--report <file>', 'several files: write the JSON-lines report here instead of stdout')
    .addOption(
      new Option('--jobs <n>', 'files checked in parallel (default: one per core)').argParser(parseJobs),
    )
    .option('--json', 'print JSON');
}

async function run(
  kind: 'verify' | 'detect',
  inputs: string[],
  opts: CheckOptions,
  global: StoreOptions,
): Promise<{ count: number; results: WorkerResponse[] }> {
  const keys = await keysDocument(opts, global);
  const files = await expandInputs(inputs);
  const single = inputs.length === 1 && !isGlob(inputs[0]!) && files.length === 1;
  const requests: WorkerRequest[] = files.map((f) =>
    kind === 'verify'
      ? { kind, path: f.path, keys }
      : { kind, path: f.path, keys, declared: opts.declared === true },
  );
  const results: WorkerResponse[] = [];
  if (single) {
    await runPool(
      requests,
      (_req, res) => {
        results.push(res);
        return Promise.resolve();
      },
      { jobs: 1 },
    );
    return { count: 1, results };
  }
  const report = await openReport(opts.report);
  const progress = startProgress(kind === 'verify' ? 'verifying' : 'detecting', files.length);
  try {
    await runPool(
      requests,
      (req, res) => {
        const line = !res.ok
          ? { input: req.path, status: 'failed', code: res.code, message: res.message }
          : res.kind === 'detect'
            ? { input: req.path, ...res.detection }
            : res.kind === 'verify'
              ? { input: req.path, ...res.verification }
              : { input: req.path };
        report.write(line);
        progress.tick(!res.ok);
        results.push(res);
        return Promise.resolve();
      },
      { jobs: opts.jobs },
    );
  } finally {
    progress.stop();
    await report.close();
  }
  return { count: files.length, results };
}

/** A failed single check becomes the error it carried (stable code, exit 1). */
function unwrap(res: WorkerResponse | undefined): WorkerResponse & { ok: true } {
  if (res === undefined) throw new AppError('internal', 'No result.');
  if (!res.ok)
    throw new AppError(
      res.code,
      res.message,
      res.details ? { details: res.details as Record<string, unknown> } : {},
    );
  return res;
}

function describeSignature(name: string, r: Verification['producer']): string {
  if (r.status === 'absent') return `  ${name}: none`;
  if (r.status === 'foreign') return `  ${name}: integrity data we cannot check (${r.problem})`;
  const key = r.keyKnown
    ? `key ${r.keyId} (${r.keyStatus ?? '?'}, published for ${r.keyProvider ?? '?'})`
    : `key ${r.keyId} (not in the trusted key list)`;
  return [
    `  ${name}: ${r.alg} signature ${r.signatureValid ? 'valid' : 'INVALID'}, ${key}`,
    `    content ${r.contentUnchanged ? 'unchanged since signing' : 'CHANGED since signing'}` +
      (r.keyMatchesLabel === false ? '; the key belongs to ANOTHER organisation' : ''),
  ].join('\n');
}

const STATUS_TEXT: Readonly<Record<Verification['status'], string>> = {
  valid: 'VALID: label present, signature valid, content unchanged, key published by the producer',
  unlabeled: 'no implicit label',
  unsigned: 'label present, not signed',
  foreign: 'label present, signed in a form this tool cannot check',
  forged: 'FORGED: the label does not match its signature',
  content_changed: 'CHANGED: the content was modified after the label was signed',
  key_unknown: 'label and signature valid, but the signing key is not in the trusted key list',
  key_mismatch: 'the signing key belongs to another organisation than the label names',
};

export function verifyCommand(program: Command): void {
  common(
    program
      .command('verify')
      .description(
        'check implicit labels: present, signature valid, content unchanged since signing, whose key (exit 1 unless valid)',
      ),
  ).action(async (inputs: string[], opts: CheckOptions, cmd: Command) => {
    const { count, results } = await run('verify', inputs, opts, cmd.optsWithGlobals<StoreOptions>());
    if (count !== 1 || results.length !== 1 || inputs.length !== 1 || isGlob(inputs[0]!)) {
      if (results.some((r) => !r.ok || (r.kind === 'verify' && r.verification.status !== 'valid')))
        process.exitCode = 1;
      return;
    }
    const res = unwrap(results[0]);
    if (res.kind !== 'verify') return;
    const v = res.verification;
    emit(opts.json === true, { file: inputs[0], ...v }, () => {
      const lines = [`${inputs[0]!}: ${v.format}, ${STATUS_TEXT[v.status]}`];
      if (v.label !== null) {
        lines.push(`  producer: ${v.label.fields.ContentProducer}, ProduceID ${v.label.fields.ProduceID}`);
        lines.push(describeSignature('ReservedCode1 (producer)', v.producer));
        if (v.label.fields.ContentPropagator !== '') {
          lines.push(
            `  propagator: ${v.label.fields.ContentPropagator}, PropagateID ${v.label.fields.PropagateID}`,
          );
          lines.push(describeSignature('ReservedCode2 (propagator)', v.propagator));
        }
      }
      return lines.join('\n');
    });
    if (v.status !== 'valid') process.exitCode = 1;
  });
}

export function detectCommand(program: Command): void {
  common(
    program
      .command('detect')
      .description(
        'is this AI-generated? one verdict per file ("1" is, "2" may be, "3" suspected) with evidence and the wording to show',
      ),
  )
    .option('--declared', 'the uploader declared the content AI-generated (Labeling Measures Art. 10)')
    .action(async (inputs: string[], opts: CheckOptions, cmd: Command) => {
      const { count, results } = await run('detect', inputs, opts, cmd.optsWithGlobals<StoreOptions>());
      if (count !== 1 || results.length !== 1 || inputs.length !== 1 || isGlob(inputs[0]!)) {
        if (results.some((r) => !r.ok)) process.exitCode = 1;
        return;
      }
      const res = unwrap(results[0]);
      if (res.kind !== 'detect') return;
      const d: Detection = res.detection;
      emit(opts.json === true, { file: inputs[0], ...d }, () => {
        const lines = [
          d.verdict === null
            ? `${inputs[0]!}: ${d.format}, no AI-generation trace found`
            : `${inputs[0]!}: ${d.format}, verdict ${d.verdict}: ${d.wording?.zh ?? ''} (${d.wording?.en ?? ''})`,
        ];
        if (d.wording) lines.push(`  basis: ${d.wording.basis}`);
        for (const e of d.evidence) {
          lines.push(
            `  evidence: ${e.kind}${e.reason ? ` (${e.reason})` : ''}${e.value ? ` ${e.value}` : ''}${e.code ? ` ${e.code}: ${e.message ?? ''}` : ''}`,
          );
        }
        return lines.join('\n');
      });
    });
}
