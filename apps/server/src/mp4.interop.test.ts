/**
 * Interop for video: an H.264/AAC MP4 written by ffmpeg with `-movflags faststart` (moov before
 * mdat, so labeling must move every chunk offset) and a QuickTime MOV (moov after mdat), each
 * with a title, and the MOV again with iPhone-style movie-level keys (`moov/meta`), are labeled
 * through the HTTP API. ffprobe must show the `AIGC` tag and keep the tags it saw before,
 * exiftool must show `Keys:AIGC` and keep its other tags, and ffmpeg must decode every frame and
 * audio packet to the same framemd5 as before. A fragmented MP4 (moof after the moov) is refused.
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXIFTOOL,
  FFMPEG,
  FFPROBE,
  expectAnnexELabel,
  expectLabelFields,
  expectTagsKept,
  ffmpegFromLavfi,
  ffprobeFormatTags,
  frameMd5,
  interopToolsPresent,
  labelThroughApi,
  postLabel,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent('mp4.interop.test.ts', FFPROBE, FFMPEG, EXIFTOOL);
const ws = useInteropWorkspace('sg-mp4-interop-', enabled, 20 * 1024 * 1024);
const dir = ws.dir;

/** A 2 s 160x120 test pattern (H.264) with a tone (AAC) and a title, muxed by ffmpeg. */
function buildVideo(name: string, muxArgs: string[]): Buffer {
  return ffmpegFromLavfi(
    join(dir, name),
    ['testsrc=duration=2:size=160x120:rate=15', 'sine=frequency=440:duration=2:sample_rate=44100'],
    ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-metadata', 'title=生成的视频', ...muxArgs],
  );
}

/**
 * exiftool's view of the metadata as `[Group] Tag: value` lines (a multiset: `-a` repeats tag
 * names, e.g. one HandlerType per hdlr). File system tags are left out.
 */
function exifLines(path: string): string[] {
  return execFileSync('exiftool', ['-G1', '-a', '-s', '-ee0', path], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('[System]'))
    .map((l) => l.replace(/^(\[[^\]]*\])\s+(\S+)\s*:\s/, '$1 $2: '));
}

/** The lines of `before` that `after` lacks (multiset difference). */
function missingLines(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const l of after) left.set(l, (left.get(l) ?? 0) + 1);
  return before.filter((l) => {
    const n = left.get(l) ?? 0;
    left.set(l, n - 1);
    return n <= 0;
  });
}

/** exiftool's `MediaDataOffset` (where mdat's payload starts): layout, not metadata. */
const MEDIA_DATA_OFFSET = '[QuickTime] MediaDataOffset: ';

function mediaDataOffset(lines: readonly string[]): number {
  const line = lines.find((l) => l.startsWith(MEDIA_DATA_OFFSET));
  expect(line).toBeDefined();
  return Number(line!.slice(MEDIA_DATA_OFFSET.length));
}

/** Top-level boxes (32-bit sizes; ffmpeg's small test files need no more). */
function topLevelBoxes(file: Buffer): { type: string; size: number }[] {
  const out: { type: string; size: number }[] = [];
  for (let at = 0; at + 8 <= file.length;) {
    const size = file.readUInt32BE(at);
    out.push({ type: file.toString('latin1', at + 4, at + 8), size });
    if (size < 8) break;
    at += size;
  }
  return out;
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const payload = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/**
 * The movie-level metadata an iPhone writes (QTFF: `moov/meta` as a plain atom, hdlr `mdta`,
 * keys, ilst), appended to a movie whose moov is the last box: a file that already has a key table.
 */
function withAppleMeta(file: Buffer): Buffer {
  const key = Buffer.from('com.apple.quicktime.make', 'latin1');
  const keyEntry = Buffer.concat([Buffer.from([0, 0, 0, 8 + key.length]), Buffer.from('mdta'), key]);
  const meta = box(
    'meta',
    box('hdlr', Buffer.alloc(8), Buffer.from('mdta'), Buffer.alloc(13)),
    box('keys', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), keyEntry),
    box('ilst', box('\0\0\0\x01', box('data', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from('Apple')))),
  );
  let at = 0;
  while (file.readUInt32BE(at) + at < file.length) at += file.readUInt32BE(at);
  expect(file.toString('latin1', at + 4, at + 8)).toBe('moov');
  const out = Buffer.concat([file, meta]);
  out.writeUInt32BE(out.length - at, at);
  return out;
}

// [name, input file, mux arguments, moov before mdat, rewrite of ffmpeg's output]
const cases: [string, string, string[], boolean, (f: Buffer) => Buffer][] = [
  ['mp4 (faststart: moov before mdat)', 'in.mp4', ['-movflags', 'faststart'], true, (f) => f],
  ['mov (QuickTime, moov after mdat)', 'in.mov', ['-f', 'mov'], false, (f) => f],
  ['mov with iPhone-style movie-level keys', 'apple.mov', ['-f', 'mov'], false, withAppleMeta],
];

describe.runIf(enabled)('ffprobe, exiftool and ffmpeg read labeled MP4/MOV', () => {
  it.each(cases)('%s', async (_label, name, muxArgs, moovFirst, rewrite) => {
    const input = rewrite(buildVideo(name, muxArgs));
    writeFileSync(join(dir, name), input);
    const t = ws.app();
    const { file, produceId } = await labelThroughApi(t, input, { format: 'mp4' });
    const inPath = join(dir, name);
    const out = join(dir, `labeled-${name}`);
    writeFileSync(out, file);
    expectLabelFields(file, t.tenant.providerCode, produceId);

    // ffprobe: the AIGC tag (GB 45438 Annex E keys, in order) and every tag it saw before.
    const before = ffprobeFormatTags(inPath);
    expect(before.title).toBe('生成的视频');
    if (rewrite === withAppleMeta) expect(before['com.apple.quicktime.make']).toBe('Apple');
    const after = ffprobeFormatTags(out);
    const tag = after.AIGC;
    expectAnnexELabel(tag, { Label: '1', ProduceID: produceId });
    expectTagsKept(before, after, 'tag');

    // exiftool: Keys:AIGC with the same value; every tag it saw before, unchanged; the media
    // data moved by exactly what was inserted before it: the moov's growth when the moov comes
    // first, plus the C2PA manifest box (a top-level uuid box right after ftyp).
    const exBefore = exifLines(inPath);
    const exAfter = exifLines(out);
    expect(exAfter.filter((l) => l.startsWith('[Keys] AIGC:'))).toEqual([`[Keys] AIGC: ${tag!}`]);
    const growth = file.length - input.length;
    expect(growth).toBeGreaterThan(0);
    const c2pa = topLevelBoxes(file).find((b) => b.type === 'uuid');
    expect(c2pa, 'the C2PA manifest box').toBeDefined();
    const moovGrowth = growth - c2pa!.size;
    expect(mediaDataOffset(exAfter)).toBe(
      mediaDataOffset(exBefore) + c2pa!.size + (moovFirst ? moovGrowth : 0),
    );
    const layout = (l: string) => !l.startsWith(MEDIA_DATA_OFFSET);
    expect(missingLines(exBefore.filter(layout), exAfter.filter(layout))).toEqual([]);

    // Every frame and audio packet decodes identically (chunk offsets were moved right).
    expect(frameMd5(out)).toBe(frameMd5(inPath));
  });

  it('refuses a fragmented MP4 whose fragments the label would move (415 format.unsupported)', async () => {
    const input = buildVideo('frag.mp4', ['-movflags', 'frag_keyframe+empty_moov']);
    const res = await postLabel(ws.app(), input);
    expect(res.statusCode, res.body).toBe(415);
    expect((JSON.parse(res.body) as { code: string }).code).toBe('format.unsupported');
  });
});
