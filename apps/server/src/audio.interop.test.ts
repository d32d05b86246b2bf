/**
 * Interop for audio: WAV, MP3 and FLAC written by ffmpeg (Debian ffmpeg 5), with metadata of
 * their own, are labeled through the HTTP API. ffprobe must show the `AIGC` tag for MP3 and FLAC
 * (ffmpeg's WAV reader maps no custom RIFF chunks to tags, so for WAV our reader is the check),
 * keep the tags it saw before, and every labeled file must decode fully to the same samples.
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectContent } from '@synthguard/engine';
import { describe, expect, it } from 'vitest';
import { bearer } from './testing/build.js';
import { requireInteropTool, useInteropWorkspace } from './testing/interop.js';

const enabled =
  requireInteropTool('ffprobe', ['-version'], 'ffmpeg', 'audio.interop.test.ts') !== undefined &&
  requireInteropTool('ffmpeg', ['-version'], 'ffmpeg', 'audio.interop.test.ts') !== undefined;
const ws = useInteropWorkspace('sg-audio-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** A 2 s stereo tone with a title and an artist, encoded by ffmpeg. */
function buildAudio(name: string, codecArgs: string[]): Buffer {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=2:sample_rate=44100',
    '-ac',
    '2',
    '-metadata',
    'title=生成的音频',
    '-metadata',
    'artist=test-generator',
    ...codecArgs,
    '-y',
    path,
  ]);
  return readFileSync(path);
}

function probeTags(path: string): Record<string, string> {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { format: { tags?: Record<string, string> } };
  return out.format.tags ?? {};
}

/** MD5 of the decoded samples; ffmpeg exits non-zero (and -v error prints) on any decode error. */
function decodedMd5(path: string): string {
  const pcm = execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', path, '-f', 's16le', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return createHash('md5').update(pcm).digest('hex');
}

const cases: [string, string, string[], boolean][] = [
  ['wav', 'in.wav', ['-c:a', 'pcm_s16le'], false],
  ['mp3', 'in.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k'], true],
  ['flac', 'in.flac', ['-c:a', 'flac'], true],
];

describe.runIf(enabled)('ffmpeg reads and decodes labeled audio', () => {
  it.each(cases)('%s', async (format, name, codec, probeShowsAigc) => {
    const input = buildAudio(name, codec);
    const t = ws.app();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: input,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['synthguard-format']).toBe(format);
    const produceId = res.headers['synthguard-produce-id'] as string;
    const out = join(dir, `labeled.${format}`);
    writeFileSync(out, res.rawPayload);

    const label = inspectContent(res.rawPayload).label?.fields;
    expect(label).toMatchObject({ Label: '1', ContentProducer: t.tenant.providerCode, ProduceID: produceId });

    const before = probeTags(join(dir, name));
    const after = probeTags(out);
    if (probeShowsAigc) {
      const tag = Object.entries(after).find(([k]) => k.toUpperCase() === 'AIGC')?.[1];
      expect(tag).toBeDefined();
      expect(JSON.parse(tag!)).toMatchObject({ Label: '1', ProduceID: produceId });
    }
    for (const [k, v] of Object.entries(before)) expect(after[k], `${format}: tag ${k}`).toBe(v);

    expect(decodedMd5(out)).toBe(decodedMd5(join(dir, name)));
  });
});
