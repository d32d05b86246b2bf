/**
 * Interop for audio: WAV, MP3 and FLAC written by ffmpeg (Debian ffmpeg 5), with metadata of
 * their own, are labeled through the HTTP API. ffprobe must show the `AIGC` tag for MP3 and FLAC
 * (ffmpeg's WAV reader maps no custom RIFF chunks to tags, so for WAV our reader is the check),
 * keep the tags it saw before, and every labeled file must decode fully to the same samples.
 * Run with `npm run test:interop`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FFMPEG,
  FFPROBE,
  decodedMd5,
  expectAnnexELabel,
  expectLabelFields,
  expectTagsKept,
  ffmpegFromLavfi,
  ffprobeFormatTags,
  interopToolsPresent,
  labelThroughApi,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent('audio.interop.test.ts', FFPROBE, FFMPEG);
const ws = useInteropWorkspace('sg-audio-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** A 2 s stereo tone with a title and an artist, encoded by ffmpeg. */
function buildAudio(name: string, codecArgs: string[]): Buffer {
  return ffmpegFromLavfi(
    join(dir, name),
    ['sine=frequency=440:duration=2:sample_rate=44100'],
    ['-ac', '2', '-metadata', 'title=生成的音频', '-metadata', 'artist=test-generator', ...codecArgs],
  );
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
    const { file, produceId } = await labelThroughApi(t, input, { format });
    const out = join(dir, `labeled.${format}`);
    writeFileSync(out, file);
    expectLabelFields(file, t.tenant.providerCode, produceId);

    const before = ffprobeFormatTags(join(dir, name));
    const after = ffprobeFormatTags(out);
    if (probeShowsAigc) {
      const tag = Object.entries(after).find(([k]) => k.toUpperCase() === 'AIGC')?.[1];
      expectAnnexELabel(tag, { Label: '1', ProduceID: produceId });
    }
    expectTagsKept(before, after, `${format}: tag`);

    expect(decodedMd5(out)).toBe(decodedMd5(join(dir, name)));
  });
});
