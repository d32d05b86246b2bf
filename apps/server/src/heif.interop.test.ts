/**
 * Interop for HEIF / AVIF: real AVIF stills and an AVIF sequence written by ffmpeg (libaom-av1)
 * and by sharp (libheif), some carrying EXIF / XMP that exiftool added (as items in a still, as
 * a uuid box in a sequence), are labeled through the HTTP API. exiftool must show exactly one
 * `[XMP-TC260] Aigc` with our label and every tag it saw before; ffmpeg must decode every frame
 * to the same pixels (framemd5), and libheif (sharp) too for stills.
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  EXIFTOOL,
  FFMPEG,
  TITLE_XMP,
  exiftoolListing,
  exiftoolTags,
  expectAnnexELabel,
  expectTagsKept,
  ffmpegFromLavfi,
  frameMd5,
  interopToolsPresent,
  labelThroughApi,
  listedTimes,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent('heif.interop.test.ts', EXIFTOOL, FFMPEG);
const ws = useInteropWorkspace('sg-heif-interop-', enabled, 10 * 1024 * 1024);
const dir = ws.dir;

/** The mdat that a new XMP item grows: where it starts and its size are layout, not metadata. */
const MDAT_TAGS: ReadonlySet<string> = new Set(['QuickTime:MediaDataSize', 'QuickTime:MediaDataOffset']);

/** ffmpeg's per-frame MD5s of the first video stream, header lines left out. */
function videoFrameMd5s(path: string): string[] {
  return frameMd5(path, { map: '0:v:0' })
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function ffmpegAvif(name: string, frames: number): string {
  const path = join(dir, name);
  ffmpegFromLavfi(
    path,
    ['testsrc=size=64x48:rate=10'],
    ['-frames:v', String(frames), '-c:v', 'libaom-av1', '-cpu-used', '8'],
  );
  return path;
}

const u = (value: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  for (let k = size - 1, v = value; k >= 0; k--, v = Math.floor(v / 256)) b[k] = v % 256;
  return b;
};
const box = (type: string, ...payload: Buffer[]): Buffer => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u(8 + body.length, 4), Buffer.from(type, 'latin1'), body]);
};
const fullBox = (type: string, ...payload: Buffer[]): Buffer => box(type, Buffer.alloc(4), ...payload);

/**
 * A HEIC still from a real x265 bitstream (ffmpeg 5.1 cannot mux HEIC): one `hvc1` item whose
 * `hvcC` (ISO/IEC 14496-15 §8.3.3) carries the VPS/SPS/PPS, the slices length-prefixed in mdat.
 */
function x265Heic(name: string): string {
  const es = execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1'],
    ...['-c:v', 'libx265', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', '-f', 'hevc', '-'],
  ]);
  const starts: number[] = [];
  for (let k = 0; k + 2 < es.length; k++) {
    if (es[k] === 0 && es[k + 1] === 0 && es[k + 2] === 1) starts.push((k += 2) + 1);
  }
  const nals = starts.map((s, i) => {
    let end = i + 1 < starts.length ? starts[i + 1]! - 3 : es.length;
    while (end > s && es[end - 1] === 0) end--;
    return es.subarray(s, end);
  });
  const type = (n: Buffer) => (n[0]! >> 1) & 0x3f;
  // profile_tier_level: SPS bytes 3..14 with emulation-prevention bytes removed.
  const sps = nals.find((n) => type(n) === 33)!;
  const rbsp = [...sps].filter((b, k) => !(k >= 2 && b === 3 && sps[k - 1] === 0 && sps[k - 2] === 0));
  const arrays = [32, 33, 34].map((t) => {
    const ns = nals.filter((n) => type(n) === t);
    return Buffer.concat([
      Buffer.of(0x80 | t),
      u(ns.length, 2),
      ...ns.map((n) => Buffer.concat([u(n.length, 2), n])),
    ]);
  });
  const hvcC = box(
    'hvcC',
    Buffer.of(1),
    Buffer.from(rbsp.slice(3, 15)),
    Buffer.of(0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 3),
    ...arrays,
  );
  const data = Buffer.concat(nals.filter((n) => type(n) < 32).map((n) => Buffer.concat([u(n.length, 4), n])));
  const iprp = box(
    'iprp',
    box('ipco', hvcC, fullBox('ispe', u(64, 4), u(48, 4))),
    fullBox('ipma', u(1, 4), u(1, 2), Buffer.of(2, 0x81, 0x02)),
  );
  const ftyp = box('ftyp', Buffer.from('heic'), u(0, 4), Buffer.from('mif1heic'));
  const meta = (offset: number) =>
    fullBox(
      'meta',
      fullBox('hdlr', u(0, 4), Buffer.from('pict'), Buffer.alloc(13)),
      fullBox('pitm', u(1, 2)),
      // iloc before iinf, as libheif and ffmpeg write: ExifTool 12.57 sometimes writes a broken
      // iloc when it adds an iref to a meta whose iinf comes first.
      fullBox(
        'iloc',
        Buffer.of(0x44, 0),
        u(1, 2),
        u(1, 2),
        u(0, 2),
        u(1, 2),
        u(offset, 4),
        u(data.length, 4),
      ),
      fullBox('iinf', u(1, 2), box('infe', Buffer.of(2, 0, 0, 0), u(1, 2), u(0, 2), Buffer.from('hvc1\0'))),
      iprp,
    );
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([ftyp, meta(ftyp.length + meta(0).length + 8), box('mdat', data)]));
  return path;
}

/** exiftool adds XMP (and EXIF where the format takes it) the way photo tools do. */
function withExiftoolMetadata(path: string): string {
  execFileSync('exiftool', [
    '-q',
    '-overwrite_original',
    '-XMP-dc:Title=生成的图片',
    '-Artist=test-generator',
    path,
  ]);
  return path;
}

interface Decoders {
  /** libheif (sharp) decodes it (AV1 stills), or parses it only (HEVC: no decoder here). */
  readonly sharp: boolean | 'header';
  /** ffmpeg 5.1 decodes it (not libheif's AVIFs: it misreads their iloc base_offset). */
  readonly ffmpeg: boolean;
}
const both: Decoders = { sharp: true, ffmpeg: true };
const ffmpegOnly: Decoders = { sharp: false, ffmpeg: true };
const headerOnly: Decoders = { sharp: 'header', ffmpeg: false };

const inputs: [string, () => Promise<Uint8Array>, Decoders][] = [
  [
    'avif still (ffmpeg libaom-av1, no metadata)',
    () => Promise.resolve(readFileSync(ffmpegAvif('a.avif', 1))),
    both,
  ],
  [
    'avif still (ffmpeg) + EXIF and XMP items added by exiftool',
    () => Promise.resolve(readFileSync(withExiftoolMetadata(ffmpegAvif('b.avif', 1)))),
    both,
  ],
  [
    'avif still (sharp / libheif, EXIF + XMP + ICC)',
    async () =>
      sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 90 } } })
        .avif({ quality: 60, effort: 0 })
        .withExif({ IFD0: { Artist: 'gen' } })
        .withXmp(TITLE_XMP)
        .withIccProfile('p3')
        .toBuffer(),
    { sharp: true, ffmpeg: false },
  ],
  ['heic still (x265 bitstream)', () => Promise.resolve(readFileSync(x265Heic('e.heic'))), headerOnly],
  [
    'heic still (x265) + EXIF and XMP items added by exiftool',
    () => Promise.resolve(readFileSync(withExiftoolMetadata(x265Heic('f.heic')))),
    headerOnly,
  ],
  [
    'avis sequence, 3 frames (ffmpeg)',
    () => Promise.resolve(readFileSync(ffmpegAvif('c.avif', 3))),
    ffmpegOnly,
  ],
  [
    'avis sequence (ffmpeg) + XMP uuid box added by exiftool',
    () => Promise.resolve(readFileSync(withExiftoolMetadata(ffmpegAvif('d.avif', 3)))),
    ffmpegOnly,
  ],
];

describe.runIf(enabled)('exiftool, ffmpeg and libheif read labeled HEIF / AVIF', () => {
  it.each(inputs)('%s', async (name, build, decoders) => {
    const input = await build();
    const t = ws.app();
    const { file, produceId } = await labelThroughApi(t, input, { format: 'heif' });
    const stem = name.replace(/\W+/g, '_');
    const inPath = join(dir, `${stem}.in.avif`);
    const outPath = join(dir, `${stem}.out.avif`);
    writeFileSync(inPath, input);
    writeFileSync(outPath, file);

    expect(listedTimes(exiftoolListing(outPath), 'XMP-TC260', 'Aigc')).toBe(1);
    const before = exiftoolTags(inPath, MDAT_TAGS);
    const after = exiftoolTags(outPath, MDAT_TAGS);
    expectAnnexELabel(after['XMP-TC260:Aigc'], {
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: produceId,
    });
    expectTagsKept(before, after, name);

    if (decoders.ffmpeg) expect(videoFrameMd5s(outPath)).toEqual(videoFrameMd5s(inPath));
    if (decoders.sharp === true) {
      const pixels = async (p: string) => (await sharp(p).raw().toBuffer()).toString('hex');
      expect(await pixels(outPath)).toBe(await pixels(inPath));
    }
    if (decoders.sharp !== false) {
      // libheif finds the label through the item's cdsc reference to the primary image.
      const [m0, m1] = await Promise.all([sharp(inPath).metadata(), sharp(outPath).metadata()]);
      expect([m1.width, m1.height, m1.exif]).toEqual([m0.width, m0.height, m0.exif]);
      expect(m1.xmp?.toString('utf8')).toContain('TC260');
    }
  });
});
