/**
 * Interop for the other image formats: WebP, GIF and TIFF files (with EXIF/ICC/XMP where the
 * format has them) are labeled through the HTTP API; exiftool must show exactly one
 * `[XMP-TC260] Aigc` with our label and every tag it saw before, unchanged.
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bearer } from './testing/build.js';
import { GB45438_KEYS, requireInteropTool, useInteropWorkspace } from './testing/interop.js';

const XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">生成的图片</rdf:li></rdf:Alt></dc:title><xmp:CreatorTool>test-generator 1.0</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** Tags that describe the file on disk rather than its content. */
const FILE_TAGS = new Set([
  'SourceFile',
  'System:FileName',
  'System:Directory',
  'System:FileSize',
  'System:FileModifyDate',
  'System:FileAccessDate',
  'System:FileInodeChangeDate',
  'System:FilePermissions',
]);

const base = () =>
  sharp({ create: { width: 48, height: 32, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 1 } } });
const inputs: [string, () => Promise<Buffer>][] = [
  [
    'webp (lossy, EXIF + XMP + ICC)',
    () =>
      base()
        .webp({ quality: 80 })
        .withExif({ IFD0: { Artist: 'gen' } })
        .withXmp(XMP)
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
        .withXmp(XMP)
        .toBuffer(),
  ],
];

const enabled =
  requireInteropTool('exiftool', ['-ver'], 'libimage-exiftool-perl', 'images.interop.test.ts') !== undefined;
const ws = useInteropWorkspace('sg-images-interop-', enabled, 10 * 1024 * 1024);
const dir = ws.dir;

function tags(path: string): Record<string, unknown> {
  const [all] = JSON.parse(
    execFileSync('exiftool', ['-j', '-G1', '-a', '-struct', path], { encoding: 'utf8' }),
  ) as [Record<string, unknown>];
  return Object.fromEntries(Object.entries(all).filter(([k]) => !FILE_TAGS.has(k)));
}

describe.runIf(enabled)('exiftool reads the label in WebP, GIF and TIFF', () => {
  it.each(inputs)('%s', async (name, build) => {
    const input = await build();
    const t = ws.app();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: input,
    });
    expect(res.statusCode, res.body).toBe(201);
    const stem = name.replace(/\W+/g, '_');
    writeFileSync(join(dir, `${stem}.in`), input);
    writeFileSync(join(dir, `${stem}.out`), res.rawPayload);
    const before = tags(join(dir, `${stem}.in`));
    const after = tags(join(dir, `${stem}.out`));

    const human = execFileSync('exiftool', ['-G1', '-a', join(dir, `${stem}.out`)], { encoding: 'utf8' });
    expect(human.match(/^\[XMP-TC260\]\s+Aigc\s+: /gm)).toHaveLength(1);
    const label = JSON.parse(after['XMP-TC260:Aigc'] as string) as Record<string, string>;
    expect(Object.keys(label)).toEqual(GB45438_KEYS);
    expect(label).toMatchObject({
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: res.headers['synthguard-produce-id'],
    });
    // Every tag exiftool saw before reads the same, except what a label must change: the WebP
    // container flags (XMP now present) and the GIF version (XMP needs GIF89a).
    const changedByDesign = new Set(['RIFF:WebP_Flags', 'GIF:GIFVersion', 'File:FileType']);
    for (const [k, v] of Object.entries(before)) {
      if (changedByDesign.has(k)) continue;
      expect(after[k], `${name}: ${k}`).toEqual(v);
    }
  });
});
