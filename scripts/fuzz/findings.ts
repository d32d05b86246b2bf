/**
 * Findings on disk: each failing input as `fuzz-findings/<target>/<sha256>.bin` and, beside it,
 * a `.json` with the error, its stack, the run's seed, the input's index and how it was made,
 * and the commands that reproduce it. At most `MAX_WRITTEN` files per target (one bug usually
 * fails thousands of inputs); every finding is still counted.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingKind } from './protocol.js';

export const MAX_WRITTEN = 50;

export interface FindingRecord {
  readonly target: string;
  readonly kind: FindingKind;
  readonly op: string;
  readonly message: string;
  readonly stack: string;
  readonly ms: number;
  /** The run's `--seed`, and the input's index in its target's sequence. */
  readonly seed: number;
  readonly index: number;
  /** The seed file it was mutated from and the mutations applied (empty for `--replay`). */
  readonly from: string;
  readonly mutations: readonly string[];
}

export class FindingWriter {
  private readonly written = new Map<string, number>();
  /** One line per distinct (target, kind, op, message) for the report. */
  readonly distinct = new Map<string, { record: FindingRecord; count: number; file?: string }>();

  /** `dir` undefined: count and group only (`--replay`). */
  constructor(private readonly dir: string | undefined) {}

  add(record: FindingRecord, bytes: Uint8Array): void {
    const key = `${record.target}\u0000${record.kind}\u0000${record.op}\u0000${record.message}`;
    const seen = this.distinct.get(key);
    const n = this.written.get(record.target) ?? 0;
    let file: string | undefined;
    if (this.dir !== undefined && n < MAX_WRITTEN) {
      this.written.set(record.target, n + 1);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const dir = join(this.dir, record.target);
      mkdirSync(dir, { recursive: true });
      file = join(dir, `${sha}.bin`);
      writeFileSync(file, bytes);
      const json = {
        ...record,
        sha256: sha,
        length: bytes.length,
        reproduce: `npm run fuzz -- --handler ${record.target} --seed ${record.seed} --count ${record.index + 1}`,
        replay: `npm run fuzz -- --replay ${file}`,
      };
      writeFileSync(join(dir, `${sha}.json`), `${JSON.stringify(json, null, 2)}\n`);
    }
    if (seen === undefined)
      this.distinct.set(key, { record, count: 1, ...(file === undefined ? {} : { file }) });
    else seen.count++;
  }
}
