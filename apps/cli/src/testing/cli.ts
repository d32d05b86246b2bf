/**
 * Test helpers: run the real CLI as a child process (from source, through tsx), on a temporary
 * data directory, with the environment stripped of anything that would point it elsewhere.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const CLI_MAIN = join(ROOT, 'apps/cli/src/main.ts');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const STRIPPED = new Set([
  'SYNTHGUARD_DATA',
  'DATABASE_URL',
  'SYNTHGUARD_URL',
  'SYNTHGUARD_API_KEY',
  'DEBUG',
]);

/** The environment a child gets: ours, minus every variable that selects data, database or server. */
export function hermeticEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !STRIPPED.has(k))),
    ...extra,
  };
}

/** Runs `synthguard ARGS` to completion; never rejects on a non-zero exit. */
export async function runCli(args: readonly string[], env?: Record<string, string>): Promise<CliResult> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI_MAIN, ...args], {
    cwd: ROOT,
    env: hermeticEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((res, rej) => {
    proc.once('error', rej);
    proc.once('close', (c) => {
      res(c);
    });
  });
  return { code, stdout, stderr };
}

/** Parses a `--json` answer; fails the test with the whole output when it is not JSON. */
export function parseJson(r: CliResult): unknown {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${String(r.code)}):\n${r.stdout}\n${r.stderr}`);
  }
}

const temps: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs(). */
export function buildTempDir(prefix = 'sg-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Leftover temporary files of an atomic write (`.NAME.PID.TIME.tmp`). */
export function tempFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('.') && n.endsWith('.tmp'));
}

/** A small JPEG with EXIF, as generators write them. */
export async function buildJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg({ quality: 85 })
    .withExif({ IFD0: { ImageDescription: 'generated', Software: 'test-generator' } })
    .toBuffer();
}

/** A small RGBA PNG. */
export async function buildPng(): Promise<Buffer> {
  return sharp({
    create: { width: 40, height: 30, channels: 4, background: { r: 10, g: 20, b: 200, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

/** The first half of a JPEG: it ends inside a segment (format.truncated). */
export function truncate(file: Buffer): Buffer {
  return file.subarray(0, Math.floor(file.length / 2));
}

/** A PNG with one bit of IHDR's CRC flipped (format.png_bad_crc). IHDR's CRC is at bytes 29-32. */
export function breakPngCrc(png: Buffer): Buffer {
  const out = Buffer.from(png);
  out[29] = out[29]! ^ 0x01;
  return out;
}

/** Registers the example tenant (USCC 91440300MA5G00001W) in `data` through the real CLI. */
export async function buildTenantViaCli(data: string): Promise<CliResult> {
  return runCli([
    '--data',
    data,
    'tenant',
    'create',
    '--name',
    'Example AI',
    '--uscc',
    '91440300MA5G00001W',
    '--json',
  ]);
}
