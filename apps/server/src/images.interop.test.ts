/**
 * Interop for the other image formats: WebP, GIF and TIFF files (with EXIF/ICC/XMP where the
 * format has them) are labeled through the HTTP API; exiftool must show exactly one
 * `[XMP-TC260] Aigc` with our label and every tag it saw before, unchanged.
 * Run with `npm run test:interop`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  EXIFTOOL,
  TITLE_XMP,
  exiftoolListing,
  exiftoolTags,
  expectAnnexELabel,
  expectTagsKept,
  interopToolsPresent,
  labelThroughApi,
  listedTimes,
  useInteropWorkspace,
} from './testing/interop.js';

const base = () =>
  sharp({ create: { width: 48, height: 32, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 1 } } });
const inputs: [string, () => Promise<Buffer>][] = [
  [
    'webp (lossy, EXIF + XMP + ICC)',
    () =>
      base()
        .webp({ quality: 80 })
        .withExif({ IFD0: { Artist: 'gen' } })
        .withXmp(TITLE_XMP)
        .withIccProfile('p3')
        .toBuffer(),
  ],
  ['webp (lossless, no metadata)', () => base().webp({ lossless: true }).toBuffer()],
  ['gif', () => base().gif().toBuffer()],
  [
    'tiff (LZW, EXIF + XMP)',
    () =>
      base()
        .tiff({ compression: 'lzw' })
        .withExif({ IFD0: { Artist: 'gen' } })
        .withXmp(TITLE_XMP)
        .toBuffer(),
  ],
];

const enabled = interopToolsPresent('images.interop.test.ts', EXIFTOOL);
const ws = useInteropWorkspace('sg-images-interop-', enabled, 10 * 1024 * 1024);
const dir = ws.dir;

describe.runIf(enabled)('exiftool reads the label in WebP, GIF and TIFF', () => {
  it.each(inputs)('%s', async (name, build) => {
    const input = await build();
    const t = ws.app();
    const { file, produceId } = await labelThroughApi(t, input);
    const stem = name.replace(/\W+/g, '_');
    writeFileSync(join(dir, `${stem}.in`), input);
    writeFileSync(join(dir, `${stem}.out`), file);
    const before = exiftoolTags(join(dir, `${stem}.in`));
    const after = exiftoolTags(join(dir, `${stem}.out`));

    expect(listedTimes(exiftoolListing(join(dir, `${stem}.out`)), 'XMP-TC260', 'Aigc')).toBe(1);
    expectAnnexELabel(after['XMP-TC260:Aigc'], {
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: produceId,
    });
    // Every tag exiftool saw before reads the same, except what a label must change: the WebP
    // container flags (XMP now present) and the GIF version (XMP needs GIF89a).
    const changedByDesign = new Set(['RIFF:WebP_Flags', 'GIF:GIFVersion', 'File:FileType']);
    expectTagsKept(before, after, name, changedByDesign);
  });
});
