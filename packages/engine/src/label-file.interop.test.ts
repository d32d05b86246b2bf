/**
 * Interop for `labelFile`'s streaming path: a real H.264/AAC MP4 written by ffmpeg with
 * `-movflags faststart` (moov before mdat, so the label moves every chunk and the offsets are
 * patched) and a MOV with the moov last are labeled from disk to disk, in bounded memory. ffprobe
 * must show the AIGC tag (and keep the title), ffmpeg must decode every frame and audio packet
 * to the same framemd5 as before, and the output must verify as valid. Run with
 * `npm run test:interop`; skipped with a notice when ffmpeg is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, usccCheckCharacter } from '@synthguard/core';
import { type Store, openStore } from '@synthguard/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestLedger, buildTestLedger } from './testing/ledger.js';
import {
  type LabelingContext,
  createKeyring,
  createTenant,
  labelFile,
  localOperator,
  memoryVault,
  verifyContent,
} from './index.js';

/**
 * The version line of `command`, or undefined when it is missing (the pattern of the server's
 * interop helper, apps/server/src/testing/interop.ts): with SYNTHGUARD_REQUIRE_INTEROP=1 (CI) a
 * missing tool fails the file; otherwise it is skipped with a notice saying how to install it.
 */
function requireInteropTool(command: string, debianPackage: string): string | undefined {
  try {
    return execFileSync(command, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]!
      .trim();
  } catch {
    if (process.env.SYNTHGUARD_REQUIRE_INTEROP === '1') {
      throw new Error(
        `${command} is required (SYNTHGUARD_REQUIRE_INTEROP=1): apt-get install ${debianPackage}`,
      );
    }
    console.warn(
      `${command} not installed: skipping label-file.interop.test.ts; apt-get install ${debianPackage}`,
    );
    return undefined;
  }
}

const enabled =
  requireInteropTool('ffmpeg', 'ffmpeg') !== undefined &&
  requireInteropTool('ffprobe', 'ffmpeg') !== undefined;

let dir: string;
let store: Store;
let ctx: LabelingContext;
let ledger: TestLedger;
let tenantId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-label-file-interop-'));
  if (!enabled) return;
  const clock = fixedClock('2026-11-22T08:00:00Z');
  store = await openStore({ driver: 'pglite', dataDir: undefined });
  // No C2PA identity: MP4s take the streaming path whatever their size.
  ledger = await buildTestLedger(store, { clock });
  ctx = { store, keyring: createKeyring(store, memoryVault(), { clock }), clock, recorder: ledger.ledger };
  const first17 = '91440300MA5G00XD3';
  tenantId = (await createTenant(store, { name: 'video', uscc: first17 + usccCheckCharacter(first17)! })).id;
});
afterAll(async () => {
  if (enabled) {
    await ledger.close();
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A 2 s 160x120 test pattern (H.264) with a tone (AAC) and a title, muxed by ffmpeg. */
function buildVideo(name: string, muxArgs: string[]): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=160x120:rate=15'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=44100'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-metadata', 'title=生成的视频'],
    ...muxArgs,
    '-y',
    path,
  ]);
  return path;
}

function probeTags(path: string): Record<string, string> {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { format: { tags?: Record<string, string> } };
  return out.format.tags ?? {};
}

/** Every decoded video frame's and audio packet's MD5 (ffmpeg framemd5), headers dropped. */
function framemd5(path: string): string[] {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe.skipIf(!enabled)('labelFile on ffmpeg-written movies (streaming)', () => {
  it.each([
    ['faststart.mp4', ['-movflags', 'faststart']],
    ['moov-last.mov', ['-f', 'mov']],
  ])('%s: AIGC shown by ffprobe, frames identical, label valid', async (name, muxArgs) => {
    const input = buildVideo(name, muxArgs);
    const output = join(dir, `labeled-${name}`);
    const before = framemd5(input);
    expect(before.length).toBeGreaterThan(30);

    const out = await labelFile(ctx, localOperator, { inputPath: input, outputPath: output, tenantId });
    expect(out.streamed).toBe(true);

    const tags = probeTags(output);
    expect(tags.title).toBe('生成的视频');
    const aigc = JSON.parse(tags.AIGC!) as Record<string, string>;
    expect(aigc.ProduceID).toBe(out.record.produceId);
    expect(aigc.ReservedCode1).not.toBe('');
    expect(framemd5(output)).toEqual(before);

    const bytes = readFileSync(output);
    const v = await verifyContent(bytes, ctx.keyring);
    expect(v.status).toBe('valid');
    expect(v.sha256).toBe(out.record.outputSha256);
  });
});
