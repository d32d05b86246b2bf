import { asciiBytes, concatBytes } from '@synthguard/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBox, payloadStart } from '../isobmff/boxes.js';
import { buildXmpPacket } from '../testing/conformance.js';
import {
  type HeifItem,
  type HeifOptions,
  XMP_MIME,
  buildHeif,
  heicIprp,
  opaqueCoded,
  topLevelPayload,
  topLevelTypes,
} from '../testing/heif-builder.js';
import { type Av1Material, buildAv1Material, buildHeifFixtures } from '../testing/heif-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { heifHandler } from './handler.js';
import { walkHeif } from './layout.js';
import { encodeUint } from './bytes.js';
import { extentRanges } from './meta.js';
import { readHeifXmp, writeHeifXmp } from './xmp.js';

const packet = buildXmpPacket();
const other = buildXmpPacket('another producer, longer than the first one');
let av1: Av1Material;
beforeAll(async () => {
  av1 = await buildAv1Material();
});

const v0 = { version: 0, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0 } as const;
const v1 = { version: 1, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0 } as const;
const xmpItem = (id: number, extra: Partial<HeifItem> = {}): HeifItem => ({
  id,
  type: 'mime',
  contentType: XMP_MIME,
  data: packet,
  ...extra,
});
function heic(items: HeifItem[], extra: Partial<HeifOptions> = {}): Uint8Array {
  return buildHeif({
    major: 'heic',
    compatible: ['mif1'],
    primary: 1,
    iprp: heicIprp([1]),
    items,
    iloc: v0,
    ...extra,
  });
}
const image = (extra: Partial<HeifItem> = {}): HeifItem => ({
  id: 1,
  type: 'hvc1',
  data: opaqueCoded(1, 64),
  ...extra,
});

function item(file: Uint8Array, id: number) {
  const meta = walkHeif(file).meta!;
  const entry = meta.iloc!.entries.find((e) => e.itemId === id)!;
  return { meta, entry, ranges: extentRanges(entry, file.length, meta.idat)! };
}

describe('HEIF XMP item: insertion', () => {
  it('adds item max+1 (infe mime, iloc entry, cdsc to the primary) with its bytes ending the last mdat', () => {
    const file = heic([image(), { id: 7, type: 'Exif', data: asciiBytes('exif') }], { iloc: v1 });
    const out = writeHeifXmp(file, packet);
    const { meta, entry, ranges } = item(out, 8);
    const infe = meta.iinf!.items.find((i) => i.itemId === 8)!;
    expect([infe.itemType, infe.contentType]).toEqual(['mime', XMP_MIME]);
    expect(entry.constructionMethod).toBe(0);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]!.end).toBe(out.length); // the mdat is the last box
    expect(meta.iref!.refs.map((r) => [r.box.type, r.fromId, r.to.map((t) => t.id)])).toEqual([
      ['cdsc', 8, [1]],
    ]);
    expect(topLevelTypes(out)).toEqual(topLevelTypes(file));
    expect(readHeifXmp(out)).toEqual(packet);
  });

  it('appends to an existing iref and leaves it in place when the label is removed', () => {
    const file = heic([
      image(),
      { id: 2, type: 'hvc1', data: opaqueCoded(2, 9), refs: [{ type: 'thmb', to: 1 }] },
    ]);
    const out = writeHeifXmp(file, packet);
    expect(walkHeif(out).meta!.iref!.refs.map((r) => r.box.type)).toEqual(['thmb', 'cdsc']);
    expect(writeHeifXmp(out, undefined)).toEqual(file);
  });

  it('puts the bytes at the end of idat (construction_method 1) when there is no mdat', () => {
    const file = heic([image({ store: 'idat' })], { iloc: v1 });
    expect(topLevelTypes(file)).toEqual(['ftyp', 'meta']);
    const out = writeHeifXmp(file, packet);
    const { meta, entry, ranges } = item(out, 2);
    expect(entry.constructionMethod).toBe(1);
    expect(ranges[0]!.end).toBe(meta.idat!.end);
    expect(readHeifXmp(out)).toEqual(packet);
  });

  it('refuses a file with neither mdat nor idat (format.unsupported)', () => {
    const file = heic([image({ data: new Uint8Array(0) })]);
    expect(topLevelTypes(file)).toEqual(['ftyp', 'meta']);
    expect(catchFormatError(() => writeHeifXmp(file, packet))?.code).toBe('format.unsupported');
  });

  it('refuses an iloc without length fields (format.metadata_too_large)', () => {
    const file = heic([image()], { iloc: { ...v0, lengthSize: 0 } });
    heifHandler.validate(file);
    expect(catchFormatError(() => writeHeifXmp(file, packet))?.code).toBe('format.metadata_too_large');
  });

  it('moves the data after a growing meta: 64-bit extent offsets, base offsets and 64-bit mdat size', () => {
    const file = heic([image(), image({ id: 2, data: opaqueCoded(5, 33), split: true })], {
      iloc: { version: 2, offsetSize: 8, lengthSize: 8, baseOffsetSize: 8, useBase: true },
      mdatLarge: true,
    });
    const out = writeHeifXmp(file, packet);
    for (const id of [1, 2]) {
      const a = item(file, id).ranges.map((r) => file.slice(r.start, r.end));
      const b = item(out, id).ranges.map((r) => out.slice(r.start, r.end));
      expect(b).toEqual(a);
    }
    expect(writeHeifXmp(out, undefined)).toEqual(file);
  });
});

describe('HEIF XMP item: identifiers', () => {
  it('takes an item_ID above every item, reference and entity group ID', () => {
    const grpl = encodeBox(
      'grpl',
      encodeBox(
        'altr',
        concatBytes([new Uint8Array(4), encodeUint(40, 4), encodeUint(1, 4), encodeUint(1, 4)]),
      ),
    );
    const file = heic(
      [image(), { id: 2, type: 'hvc1', data: opaqueCoded(2, 9), refs: [{ type: 'thmb', to: 1 }] }],
      {
        metaExtra: [grpl],
      },
    );
    expect(walkHeif(file).meta!.entityIds).toEqual([40, 1]);
    const ids = walkHeif(writeHeifXmp(file, packet)).meta!.iinf!.items.map((i) => i.itemId);
    expect(ids).toEqual([1, 2, 41]);
  });
});

describe('HEIF XMP item: replacement and removal', () => {
  it('relabeling rewrites only the tail: the image data does not move', () => {
    const file = heic([image()]);
    const once = writeHeifXmp(file, packet);
    const twice = writeHeifXmp(once, other);
    expect(item(twice, 1).ranges).toEqual(item(once, 1).ranges);
    expect(twice.length - once.length).toBe(other.length - packet.length);
  });

  it('replaces a two-extent item with one extent in place of the first', () => {
    const file = heic([image(), xmpItem(2, { split: true })]);
    expect(item(file, 2).ranges).toHaveLength(2);
    const out = writeHeifXmp(file, other);
    expect(item(out, 2).ranges).toHaveLength(1);
    // In place: right after the image bytes, as the first extent was (the iloc entry shrank).
    expect(item(file, 2).ranges[0]!.start).toBe(item(file, 1).ranges[0]!.end);
    expect(item(out, 2).ranges[0]!.start).toBe(item(out, 1).ranges[0]!.end);
    expect(readHeifXmp(out)).toEqual(other);
  });

  it('stores an empty packet as an item without extents, and can fill it again', () => {
    const file = heic([image(), xmpItem(2)]);
    const empty = writeHeifXmp(file, new Uint8Array(0));
    expect(item(empty, 2).entry.extents).toHaveLength(0);
    expect(readHeifXmp(empty)).toEqual(new Uint8Array(0));
    expect(readHeifXmp(writeHeifXmp(empty, packet))).toEqual(packet);
  });

  it('replaces and removes XMP held in a top-level uuid box', () => {
    const file = heic([image()], { major: 'msf1', uuidXmp: packet, samples: [opaqueCoded(3, 20)] });
    const out = writeHeifXmp(file, other);
    expect(readHeifXmp(out)).toEqual(other);
    expect(topLevelTypes(out)).toEqual(topLevelTypes(file));
    const removed = writeHeifXmp(file, undefined);
    expect(topLevelTypes(removed)).not.toContain('uuid');
    expect(readHeifXmp(removed)).toBeUndefined();
  });

  it('keeps references from other items to the primary when the XMP item goes', () => {
    const file = heic([
      image(),
      { id: 2, type: 'Exif', data: asciiBytes('e'), refs: [{ type: 'cdsc', to: 1 }] },
      xmpItem(3, { refs: [{ type: 'cdsc', to: 1 }] }),
    ]);
    const removed = writeHeifXmp(file, undefined);
    expect(walkHeif(removed).meta!.iref!.refs.map((r) => r.fromId)).toEqual([2]);
    expect(walkHeif(removed).meta!.iinf!.items.map((i) => i.itemId)).toEqual([1, 2]);
  });
});

describe('HEIF XMP: refusals', () => {
  it('two XMP items, or an item and a uuid box, are format.duplicate_metadata on read and write', () => {
    const twoItems = heic([image(), xmpItem(2), xmpItem(3)]);
    const itemAndUuid = heic([image(), xmpItem(2)], { uuidXmp: other });
    for (const file of [twoItems, itemAndUuid]) {
      for (const op of [() => readHeifXmp(file), () => writeHeifXmp(file, packet)]) {
        expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
      }
    }
  });

  it('a content-encoded XMP item is format.unsupported', () => {
    const file = heic([image(), xmpItem(2, { contentType: `${XMP_MIME}\0deflate` })]);
    expect(catchFormatError(() => readHeifXmp(file))?.code).toBe('format.unsupported');
  });

  it('XMP data overlapping another item is format.corrupt on write', () => {
    const file = heic([image(), xmpItem(2)]);
    const { entry } = item(file, 2);
    const forged = file.slice();
    forged.set(
      forged.subarray(item(file, 1).entry.extents[0]!.offsetAt, item(file, 1).entry.extents[0]!.offsetAt + 4),
      entry.extents[0]!.offsetAt,
    );
    expect(catchFormatError(() => writeHeifXmp(forged, packet))?.code).toBe('format.corrupt');
  });

  it('sequences with sample auxiliary offsets (saio) are read but not written', () => {
    const seq = heic([image()], { major: 'msf1', samples: [opaqueCoded(3, 20)] });
    const at = Buffer.from(seq).indexOf('stsz');
    const file = seq.slice();
    file.set(asciiBytes('saio'), at);
    expect(readHeifXmp(file)).toBeUndefined();
    expect(catchFormatError(() => writeHeifXmp(file, packet))?.code).toBe('format.unsupported');
  });

  it('a sequence without meta reads no XMP and cannot take an item (format.unsupported)', () => {
    const seq = heic([image()], { major: 'msf1', samples: [opaqueCoded(3, 20)] });
    const noMeta = seq.slice();
    noMeta.set(asciiBytes('free'), walkHeif(seq).meta!.box.start + 4);
    expect(readHeifXmp(noMeta)).toBeUndefined();
    expect(catchFormatError(() => writeHeifXmp(noMeta, packet))?.code).toBe('format.unsupported');
  });

  it('fragmented files (moof) are read but not written', () => {
    const file = concatBytes([heic([image()]), encodeBox('moof', new Uint8Array(8))]);
    expect(readHeifXmp(file)).toBeUndefined();
    expect(catchFormatError(() => writeHeifXmp(file, packet))?.code).toBe('format.unsupported');
  });
});

describe('libheif (sharp) reads what this handler writes', () => {
  it('finds the new packet through the cdsc reference in every fixture it can parse', async () => {
    let parsed = 0;
    for (const f of await buildHeifFixtures()) {
      const out = writeHeifXmp(f.bytes, packet);
      let xmp: Buffer | undefined;
      try {
        xmp = (await sharp(out).metadata()).xmp;
      } catch {
        continue; // sequences: libheif reads the still part only in avif/heic brands
      }
      parsed++;
      expect(xmp && new Uint8Array(xmp), f.name).toEqual(packet);
    }
    expect(parsed).toBeGreaterThanOrEqual(8);
  });

  it('decodes a hand-built AVIF labeled in idat to the same pixels as sharp’s original', async () => {
    const file = buildHeif({
      major: 'avif',
      compatible: ['avif', 'mif1'],
      primary: 1,
      iprp: av1.iprp,
      items: [{ id: 1, type: 'av01', data: av1.coded, store: 'idat' }],
      iloc: v1,
    });
    const out = writeHeifXmp(file, packet);
    expect(item(out, 2).entry.constructionMethod).toBe(1);
    const pixels = async (b: Uint8Array) => (await sharp(b).raw().toBuffer()).toString('hex');
    expect(await pixels(out)).toBe(await pixels(av1.file));
    expect(payloadStart(walkHeif(out).meta!.idat!)).toBeGreaterThan(0);
    expect(topLevelPayload(out, 'meta').length).toBeGreaterThan(topLevelPayload(file, 'meta').length);
  });
});
