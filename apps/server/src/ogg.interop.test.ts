/**
 * Interop for Ogg: Ogg Vorbis (libvorbis) and Ogg Opus (libopus) written by ffmpeg (Debian
 * ffmpeg 5), with a title and an artist, are labeled through the HTTP API. ffprobe must show the
 * `AIGC` comment (Ogg comments land on the stream, so format and stream tags are both checked),
 * keep the tags it saw before, and the labeled file must decode to the same samples. Removing
 * the label again must give back ffmpeg's exact bytes: our header pagination is FFmpeg's, also
 * when a long comment spreads the headers over several pages.
 * Run with `npm run test:interop`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual } from '@synthguard/core';
import { handlerById } from '@synthguard/formats';
import { describe, expect, it } from 'vitest';
import {
  FFMPEG,
  FFPROBE,
  decodedMd5,
  expectAnnexELabel,
  expectLabelFields,
  expectTagsKept,
  ffmpegFromLavfi,
  ffprobeTags,
  interopToolsPresent,
  labelThroughApi,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent('ogg.interop.test.ts', FFPROBE, FFMPEG);
const ws = useInteropWorkspace('sg-ogg-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** A 2 s stereo tone with a title and an artist (and an optional long comment), encoded by ffmpeg. */
function buildOgg(name: string, codecArgs: string[], extra: string[] = []): Buffer {
  return ffmpegFromLavfi(
    join(dir, name),
    ['sine=frequency=440:duration=2:sample_rate=48000'],
    [
      '-ac',
      '2',
      '-metadata',
      'title=生成的音频',
      '-metadata',
      'artist=test-generator',
      ...extra,
      ...codecArgs,
    ],
  );
}

/** Format and stream tags, keys upper-cased (Ogg comment keys are case-insensitive). */
function probeTags(path: string): { format: Record<string, string>; stream: Record<string, string> } {
  const { format, streams } = ffprobeTags(path);
  const upper = (tags: Record<string, string>) =>
    Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.toUpperCase(), v]));
  expect(streams).toHaveLength(1);
  return { format: upper(format), stream: upper(streams[0]!) };
}

/** Body sizes of the file's pages (RFC 3533 §6: 27-byte header, segment table, body). */
function pageBodies(file: Uint8Array): number[] {
  const sizes: number[] = [];
  for (let at = 0; at + 27 <= file.length;) {
    const segments = file[at + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += file[at + 27 + i]!;
    sizes.push(body);
    at += 27 + segments + body;
  }
  return sizes;
}

const longComment = ['-metadata', `comment=${'long comment '.repeat(6000)}`];
const cases: [string, string, string[], string[]][] = [
  ['vorbis', 'in.ogg', ['-c:a', 'libvorbis', '-q:a', '3'], []],
  ['opus', 'in.opus', ['-c:a', 'libopus', '-b:a', '64k'], []],
  ['vorbis, 72 kB comment (headers over several pages)', 'long.ogg', ['-c:a', 'libvorbis'], longComment],
  ['opus, 72 kB comment (headers over several pages)', 'long.opus', ['-c:a', 'libopus'], longComment],
];

describe.runIf(enabled)('ffmpeg reads and decodes labeled Ogg Vorbis and Opus', () => {
  it.each(cases)('%s', async (_name, file, codec, extra) => {
    const input = buildOgg(file, codec, extra);
    const t = ws.app();
    const { file: labeled, produceId } = await labelThroughApi(t, input, { format: 'ogg' });
    const out = join(dir, `labeled-${file}`);
    writeFileSync(out, labeled);
    expectLabelFields(labeled, t.tenant.providerCode, produceId);

    const before = probeTags(join(dir, file));
    const after = probeTags(out);
    const tag = after.stream.AIGC ?? after.format.AIGC;
    expectAnnexELabel(tag, { Label: '1', ProduceID: produceId });
    expect(before.stream.TITLE ?? before.format.TITLE).toBe('生成的音频');
    for (const where of ['format', 'stream'] as const)
      expectTagsKept(before[where], after[where], `${where} tag`);

    expect(decodedMd5(out)).toBe(decodedMd5(join(dir, file)));

    const removed = handlerById('ogg')!.aigc!.writeAigc(new Uint8Array(labeled), undefined);
    expect(bytesEqual(removed, new Uint8Array(input))).toBe(true);
  });

  it('renumbers the audio pages when the label needs one more header page', async () => {
    // OpusTags filling 255 segments but for ~100 bytes: the label pushes it onto a second page.
    const opus = ['-c:a', 'libopus'];
    const probe = pageBodies(buildOgg('probe.opus', opus, ['-metadata', 'comment=x']))[1]!;
    const pad = 255 * 255 - 100 - probe + 1;
    const input = buildOgg('full.opus', opus, ['-metadata', `comment=${'x'.repeat(pad)}`]);
    expect(pageBodies(input)[1]).toBe(255 * 255 - 100);
    const { file: labeled } = await labelThroughApi(ws.app(), input);
    const out = join(dir, 'labeled-full.opus');
    writeFileSync(out, labeled);
    expect(pageBodies(labeled).length).toBe(pageBodies(input).length + 1);
    expect(probeTags(out).stream.AIGC).toBeDefined();
    expect(decodedMd5(out)).toBe(decodedMd5(join(dir, 'full.opus')));
    const removed = handlerById('ogg')!.aigc!.writeAigc(new Uint8Array(labeled), undefined);
    expect(bytesEqual(removed, new Uint8Array(input))).toBe(true);
  });
});
