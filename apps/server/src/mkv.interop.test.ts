/**
 * Interop for Matroska and WebM: files written by ffmpeg (Debian ffmpeg 5) with a title and
 * ffmpeg's own tags are labeled through the HTTP API. ffprobe must show the format tag `AIGC`
 * with our label and keep every tag it saw before; exiftool (12.57 reads Matroska SimpleTags)
 * must show `Matroska:Aigc`; every frame and sample of every stream must decode identically, from
 * the start and after a seek (which goes through the Cues the write rewrote).
 * Run with `npm run test:interop`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXIFTOOL,
  FFMPEG,
  FFPROBE,
  exiftoolTags,
  expectAnnexELabel,
  expectLabelFields,
  expectTagsKept,
  ffmpegFromLavfi,
  ffprobeFormatTags,
  frameMd5,
  interopToolsPresent,
  labelThroughApi,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent('mkv.interop.test.ts', FFPROBE, FFMPEG, EXIFTOOL);
const ws = useInteropWorkspace('sg-mkv-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** 2 s of a test pattern and a tone with a title, encoded by ffmpeg; `pipe` streams the output. */
function buildVideo(name: string, args: string[], pipe = false): Buffer {
  return ffmpegFromLavfi(
    join(dir, name),
    ['testsrc=size=96x64:rate=12:duration=2', 'sine=frequency=440:duration=2:sample_rate=48000'],
    ['-metadata', 'title=生成的视频', '-metadata', 'artist=test-generator', ...args],
    pipe ? { pipeFormat: 'matroska' } : {},
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
    const { file, produceId } = await labelThroughApi(t, input, { format: 'mkv' });
    const out = join(dir, `labeled-${name}`);
    writeFileSync(out, file);
    expectLabelFields(file, t.tenant.providerCode, produceId);

    const before = ffprobeFormatTags(join(dir, name));
    const after = ffprobeFormatTags(out);
    const parsed = expectAnnexELabel(after.AIGC, { Label: '1', ProduceID: produceId });
    expectTagsKept(before, after, 'tag');
    expect(Object.keys(after).sort()).toEqual([...Object.keys(before), 'AIGC'].sort());

    const exif = exiftoolTags(out);
    expect(JSON.parse(String(exif['Matroska:Aigc'])) as unknown).toEqual(parsed);
    expect(exif['Matroska:Title']).toBe('生成的视频');

    expect(frameMd5(out)).toBe(frameMd5(join(dir, name)));
    expect(frameMd5(out, { seek: '1.2' })).toBe(frameMd5(join(dir, name), { seek: '1.2' }));
  });
});
