/**
 * Test-only HEIF / AVIF fixtures for the conformance suite, laid out by `buildHeif`
 * (`heif-builder.ts`). Real AV1 data and properties come from sharp (libheif), so most
 * hand-built AVIFs decode; HEIC items hold opaque bytes (there is no HEVC encoder here) and are
 * checked by their item data.
 */
import { utf8Decode } from '@synthguard/core';
import { walkHeif } from '../heif/layout.js';
import { extentRanges } from '../heif/meta.js';
import { writeHeifXmp } from '../heif/xmp.js';
import type { ConformanceFixture } from './conformance.js';
import { buildXmpPacket } from './conformance.js';
import { type HeifItem, XMP_MIME, buildHeif, exifItem, heicIprp, opaqueCoded } from './heif-builder.js';
import { buildGradientImage } from './images.js';

/** One AV1 image from sharp: its coded bytes and its `iprp` (av1C, ispe, pixi for item 1). */
export interface Av1Material {
  readonly file: Uint8Array;
  readonly coded: Uint8Array;
  readonly iprp: Uint8Array;
}

export async function buildAv1Material(width = 24, height = 16): Promise<Av1Material> {
  const file = new Uint8Array(
    await buildGradientImage(width, height).avif({ quality: 60, effort: 0 }).toBuffer(),
  );
  const layout = walkHeif(file);
  const meta = layout.meta!;
  const entry = meta.iloc!.entries.find((e) => e.itemId === meta.primaryId)!;
  const [range] = extentRanges(entry, file.length, meta.idat)!;
  const iprp = meta.children.find((b) => b.type === 'iprp')!;
  // sharp numbers the image item 1; the fixtures keep that id so the ipma still applies.
  if (meta.primaryId !== 1) throw new Error('fixture: sharp primary item is not 1');
  return { file, coded: file.slice(range!.start, range!.end), iprp: file.slice(iprp.start, iprp.end) };
}

export async function buildHeifFixtures(): Promise<ConformanceFixture[]> {
  const av1 = await buildAv1Material();
  const sharpXmp = buildXmpPacket('sharp');
  const withMeta = new Uint8Array(
    await buildGradientImage(20, 12)
      .avif({ quality: 50, effort: 0 })
      .withExif({ IFD0: { Artist: 'generator' } })
      .withXmp(utf8Decode(sharpXmp))
      .toBuffer(),
  );
  const handXmp = buildXmpPacket('hand-built');
  const image = (extra: Partial<HeifItem> = {}): HeifItem => ({
    id: 1,
    type: 'av01',
    data: av1.coded,
    ...extra,
  });
  const xmpItem = (id: number, extra: Partial<HeifItem> = {}): HeifItem => ({
    id,
    type: 'mime',
    contentType: XMP_MIME,
    data: handXmp,
    refs: [{ type: 'cdsc', to: 1 }],
    ...extra,
  });
  const avif = { major: 'avif', compatible: ['avif', 'mif1', 'miaf'], primary: 1, iprp: av1.iprp };
  const heic = { major: 'heic', compatible: ['mif1', 'heic'], primary: 1, iprp: heicIprp([1]) };
  const v0 = { version: 0, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0 } as const;

  const plainAvif = buildHeif({
    ...avif,
    items: [image()],
    iloc: { version: 1, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0 },
  });
  return [
    { name: 'AVIF (sharp, libheif layout, no metadata)', bytes: av1.file, xmp: undefined },
    { name: 'AVIF with Exif + XMP items (sharp)', bytes: withMeta, xmp: sharpXmp },
    { name: 'AVIF, iloc v1, meta before mdat', bytes: plainAvif, xmp: undefined },
    {
      name: 'AVIF, mdat before meta, iloc v2 with 8-byte fields, Exif + XMP in idat',
      bytes: buildHeif({
        ...avif,
        mdatFirst: true,
        items: [
          image(),
          { id: 2, type: 'Exif', data: exifItem(), store: 'idat', refs: [{ type: 'cdsc', to: 1 }] },
          xmpItem(3, { store: 'idat' }),
        ],
        iloc: { version: 2, offsetSize: 8, lengthSize: 8, baseOffsetSize: 8, useBase: true },
      }),
      xmp: handXmp,
    },
    {
      name: 'AVIF, iloc v0, 64-bit mdat size',
      bytes: buildHeif({ ...avif, items: [image()], mdatLarge: true, iloc: v0 }),
      xmp: undefined,
    },
    {
      name: 'AVIF, iloc v0, base_offset, size-0 mdat last',
      bytes: buildHeif({
        ...avif,
        items: [image()],
        mdatToEnd: true,
        iloc: { ...v0, baseOffsetSize: 4, useBase: true },
      }),
      xmp: undefined,
    },
    {
      name: 'HEIC, two coded items (thumbnail), iloc v0, XMP split over two extents',
      bytes: buildHeif({
        ...heic,
        iprp: heicIprp([1, 2]),
        items: [
          { id: 1, type: 'hvc1', data: opaqueCoded(1, 300) },
          { id: 2, type: 'hvc1', data: opaqueCoded(2, 90), refs: [{ type: 'thmb', to: 1 }] },
          xmpItem(3, { split: true }),
        ],
        iloc: v0,
      }),
      xmp: handXmp,
    },
    {
      name: 'HEIC (mif1), all data in idat, no mdat, iinf v1',
      bytes: buildHeif({
        ...heic,
        major: 'mif1',
        iinfVersion: 1,
        items: [{ id: 1, type: 'hvc1', data: opaqueCoded(3, 120), store: 'idat' }],
        iloc: { version: 1, offsetSize: 4, lengthSize: 4, baseOffsetSize: 4 },
      }),
      xmp: undefined,
    },
    {
      name: 'AVIF sequence (avis): meta, moov with stco, mdat',
      bytes: buildHeif({
        ...avif,
        major: 'avis',
        compatible: ['avis', 'avif', 'msf1', 'mif1'],
        items: [image()],
        samples: [opaqueCoded(4, 64), opaqueCoded(5, 48)],
        iloc: v0,
      }),
      xmp: undefined,
    },
    {
      name: 'HEIC sequence (msf1) with XMP in a top-level uuid box',
      bytes: buildHeif({
        ...heic,
        major: 'msf1',
        items: [{ id: 1, type: 'hvc1', data: opaqueCoded(6, 80) }],
        samples: [opaqueCoded(7, 40)],
        uuidXmp: handXmp,
        iloc: v0,
      }),
      xmp: handXmp,
    },
    {
      name: 'labeled before by this handler',
      bytes: writeHeifXmp(plainAvif, buildXmpPacket('an earlier synthguard label')),
      xmp: buildXmpPacket('an earlier synthguard label'),
    },
  ];
}
