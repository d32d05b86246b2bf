/**
 * The exiftool baseline: the tool a provider would otherwise call to write the same XMP
 * property. Two ways to drive it: one process per file (what a script does), and one
 * long-lived `-stay_open True -@ -` process fed argument lists (fair to exiftool: no Perl
 * start-up per file).
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Perl config defining XMP-TC260:AIGC (namespace http://www.tc260.org.cn/ns/AIGC/1.0/). */
export const EXIFTOOL_CONFIG = join(import.meta.dirname, 'exiftool-tc260.config');

/** `exiftool -ver`, or undefined when exiftool is not on PATH. */
export function exiftoolVersion(): string | undefined {
  try {
    return execFileSync('exiftool', ['-ver'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Arguments that write the label `value` from `input` into the new file `output`. */
export function writeArgs(value: string, input: string, output: string): string[] {
  return [`-XMP-TC260:AIGC=${value}`, '-o', output, input];
}

/** Arguments that print the raw label value of `file`. */
export function readArgs(file: string): string[] {
  return ['-XMP-TC260:AIGC', '-b', file];
}

/** One exiftool process (with our config) per call; returns its stdout; throws on failure. */
export function exiftoolOnce(args: readonly string[]): string {
  return execFileSync('exiftool', ['-config', EXIFTOOL_CONFIG, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A long-lived `exiftool -stay_open True -@ -`; commands run one at a time. */
export class ExiftoolStayOpen {
  private readonly proc: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private seq = 0;
  private pending: { marker: string; resolve: (out: string) => void; reject: (e: Error) => void } | undefined;
  private readonly exited: Promise<number | null>;

  constructor() {
    this.proc = spawn('exiftool', ['-config', EXIFTOOL_CONFIG, '-stay_open', 'True', '-@', '-']);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.stdout += d;
      this.settle();
    });
    this.proc.stderr.on('data', (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code) => {
        this.pending?.reject(new Error(`exiftool exited (${code}): ${this.stderr.trim()}`));
        this.pending = undefined;
        resolve(code);
      });
    });
  }

  private settle(): void {
    const p = this.pending;
    if (p === undefined) return;
    const at = this.stdout.indexOf(p.marker);
    if (at < 0) return;
    const out = this.stdout.slice(0, at);
    this.stdout = this.stdout.slice(at + p.marker.length);
    const err = this.stderr;
    this.stderr = '';
    this.pending = undefined;
    if (/^Error/m.test(err)) p.reject(new Error(`exiftool: ${err.trim()}`));
    else p.resolve(out);
  }

  /** Runs one command (arguments one per line, as `-@ -` reads them); resolves with its stdout. */
  run(args: readonly string[]): Promise<string> {
    if (this.pending !== undefined) return Promise.reject(new Error('exiftool: one command at a time'));
    if (args.some((a) => a.includes('\n'))) return Promise.reject(new Error('exiftool: newline in argument'));
    this.seq++;
    const marker = `{ready${this.seq}}\n`;
    return new Promise((resolve, reject) => {
      this.pending = { marker, resolve, reject };
      this.proc.stdin.write(`${args.join('\n')}\n-execute${this.seq}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.proc.exitCode === null) this.proc.stdin.end('-stay_open\nFalse\n');
    await this.exited;
  }
}
