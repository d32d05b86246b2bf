/**
 * Interop for Matroska and WebM: files written by ffmpeg (Debian ffmpeg 5) with a title and
 * ffmpeg's own tags are labeled through the HTTP API. ffprobe must show the format tag `AIGC`
 * with our label and keep every tag it saw before; exiftool (12.57 reads Matroska SimpleTags)
 * must show `Matroska:Aigc`; every frame and sample of every stream must decode identically, from
 * the start and after a seek (which goes through the Cues the write rewrote).
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectContent } from '@synthguard/engine';
import { describe, expect, it } from 'vitest';
import { bearer } from './testing/build.js';
import { GB45438_KEYS, requireInteropTool, useInteropWorkspace } from './testing/interop.js';

const enabled =
  requireInteropTool('ffprobe', ['-version'], 'ffmpeg', 'mkv.interop.test.ts') !== undefined &&
  requireInteropTool('ffmpeg', ['-version'], 'ffmpeg', 'mkv.interop.test.ts') !== undefined &&
  requireInteropTool('exiftool', ['-ver'], 'libimage-exiftool-perl', 'mkv.interop.test.ts') !== undefined;
const ws = useInteropWorkspace('sg-mkv-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** 2 s of a test pattern and a tone with a title, encoded by ffmpeg; `pipe` streams the output. */
function buildVideo(name: string, args: string[], pipe = false): Buffer {
  const path = join(dir, name);
  const out = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=96x64:rate=12:duration=2',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2:sample_rate=48000',
      '-metadata',
      'title=生成的视频',
      '-metadata',
      'artist=test-generator',
      ...args,
      ...(pipe ? ['-f', 'matroska', 'pipe:1'] : ['-y', path]),
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  if (pipe) writeFileSync(path, out);
  return readFileSync(path);
}

function probeTags(path: string): Record<string, string> {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { format: { tags?: Record<string, string> } };
  return out.format.tags ?? {};
}

function exifTags(path: string): Record<string, unknown> {
  const [all] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-a', path], { encoding: 'utf8' })) as [
    Record<string, unknown>,
  ];
  return all;
}

/** Per-frame MD5s of every stream, decoded from the start, or from `seek` seconds on. */
function frameMd5(path: string, seek?: string): string {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-xerror',
      ...(seek === undefined ? [] : ['-ss', seek]),
      '-i',
      path,
      '-map',
      '0',
      '-f',
      'framemd5',
      '-',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

const cases: [string, string, string[], boolean][] = [
  ['mkv: H.264 + FLAC', 'h264-flac.mkv', ['-c:v', 'libx264', '-g', '6', '-c:a', 'flac'], false],
  ['mkv: FFV1 + Vorbis', 'ffv1-vorbis.mkv', ['-c:v', 'ffv1', '-c:a', 'libvorbis'], false],
  ['mkv streamed (unknown-size Segment)', 'streamed.mkv', ['-c:v', 'libx264', '-c:a', 'flac'], true],
  ['webm: VP9 + Opus', 'vp9-opus.webm', ['-c:v', 'libvpx-vp9', '-c:a', 'libopus'], false],
  ['webm: VP8 + Vorbis', 'vp8-vorbis.webm', ['-c:v', 'libvpx', '-c:a', 'libvorbis'], false],
];

describe.runIf(enabled)('ffprobe and exiftool read the label in Matroska and WebM', () => {
  it.each(cases)('%s', async (_title, name, codec, pipe) => {
    const input = buildVideo(name, codec, pipe);
    const t = ws.app();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: input,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['synthguard-format']).toBe('mkv');
    const produceId = res.headers['synthguard-produce-id'] as string;
    const out = join(dir, `labeled-${name}`);
    writeFileSync(out, res.rawPayload);
    const label = inspectContent(res.rawPayload).label?.fields;
    expect(label).toMatchObject({ Label: '1', ContentProducer: t.tenant.providerCode, ProduceID: produceId });

    const before = probeTags(join(dir, name));
    const after = probeTags(out);
    const parsed = JSON.parse(after.AIGC!) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([...GB45438_KEYS]);
    expect(parsed).toMatchObject({ Label: '1', ProduceID: produceId });
    for (const [k, v] of Object.entries(before)) expect(after[k], `tag ${k}`).toBe(v);
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), 'AIGC'].sort());

    const exif = exifTags(out);
    expect(JSON.parse(String(exif['Matroska:Aigc'])) as unknown).toEqual(parsed);
    expect(exif['Matroska:Title']).toBe('生成的视频');

    expect(frameMd5(out)).toBe(frameMd5(join(dir, name)));
    expect(frameMd5(out, '1.2')).toBe(frameMd5(join(dir, name), '1.2'));
  });
});
