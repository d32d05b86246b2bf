/**
 * Test-only probes for the HEIF handler. `decode` is the essence: sharp's pixels where libheif
 * decodes the file, plus the data of every non-XMP item and the first bytes of every track
 * chunk, read through the offsets a write must keep right. `heifSkeleton` is every byte of the
 * file except the XMP (its `infe`, iloc entry, references, box header and, unless kept, data),
 * with the fields a write legitimately changes blanked: box sizes, item and reference counts,
 * iloc offsets and chunk offsets. It backs `preserved` and the suite's `normalize`.
 */
import { concatBytes } from '@synthguard/core';
import sharp from 'sharp';
import { findXmp } from '../heif/carrier.js';
import { isXmpItem } from '../heif/iinf.js';
import { walkHeif } from '../heif/layout.js';
import { extentRanges } from '../heif/meta.js';
import type { ConformanceOptions } from './conformance.js';
import { preservedMetadata } from './images.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

async function sharpPixels(file: Uint8Array): Promise<unknown> {
  try {
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    return { info, pixels: hex(data) };
  } catch {
    return 'not decodable by sharp';
  }
}

/** Item data and chunk heads, by item ID, through the file's own offsets. */
export function heifEssence(file: Uint8Array): unknown {
  const layout = walkHeif(file);
  const meta = layout.meta;
  const items: Record<string, string> = {};
  for (const info of meta?.iinf?.items ?? []) {
    if (isXmpItem(info)) continue;
    const entry = meta!.iloc?.entries.find((e) => e.itemId === info.itemId);
    const ranges = entry && extentRanges(entry, file.length, meta!.idat);
    items[`${info.itemType}#${info.itemId}`] = (ranges ?? [])
      .map((r) => hex(file.subarray(r.start, r.end)))
      .join('+');
  }
  const chunks = layout.chunkOffsets.map((c) => hex(file.subarray(c.value, c.value + 16)));
  return { items, chunks };
}

export async function decodeHeif(file: Uint8Array): Promise<unknown> {
  return { sharp: await sharpPixels(file), essence: heifEssence(file) };
}

export function heifSkeleton(file: Uint8Array, keepXmpData: boolean): Uint8Array {
  const layout = walkHeif(file);
  const loc = findXmp(file, layout);
  const cuts: [number, number][] = [];
  const blanks: [number, number][] = [];
  for (const b of layout.boxes) {
    blanks.push([b.start, b.start + 4]);
    if (b.large) blanks.push([b.start + 8, b.start + 16]);
  }
  const meta = layout.meta;
  if (meta?.iinf) blanks.push([meta.iinf.countAt, meta.iinf.countAt + meta.iinf.countSize]);
  const iloc = meta?.iloc;
  if (iloc) {
    blanks.push([iloc.countAt, iloc.countAt + iloc.countSize]);
    for (const e of iloc.entries) {
      blanks.push([e.baseOffsetAt, e.baseOffsetAt + iloc.baseOffsetSize]);
      for (const x of e.extents) blanks.push([x.offsetAt, x.offsetAt + iloc.offsetSize]);
    }
  }
  for (const c of layout.chunkOffsets) blanks.push([c.at, c.at + c.size]);
  for (const r of meta?.iref?.refs ?? []) blanks.push([r.countAt, r.countAt + 2]);
  if (loc?.kind === 'box') {
    cuts.push([loc.xmp.box.start, loc.xmp.box.start + loc.xmp.box.headerSize]);
    if (!keepXmpData) cuts.push([loc.xmp.box.start + loc.xmp.box.headerSize, loc.xmp.box.end]);
  }
  if (loc?.kind === 'item') {
    const id = loc.info.itemId;
    cuts.push([loc.info.box.start, loc.info.box.end], [loc.entry.start, loc.entry.end]);
    if (!keepXmpData) for (const r of loc.ranges) cuts.push([r.start, r.end]);
    const iref = meta?.iref;
    if (iref) {
      const gone = iref.refs.filter(
        (r) => r.fromId === id || (r.to.length > 0 && r.to.every((t) => t.id === id)),
      );
      if (gone.length === iref.refs.length) cuts.push([iref.box.start, iref.box.end]);
      else {
        for (const r of gone) cuts.push([r.box.start, r.box.end]);
        for (const r of iref.refs) {
          if (gone.includes(r)) continue;
          for (const t of r.to) if (t.id === id) cuts.push([t.at, t.at + iref.idSize]);
        }
      }
    }
  }
  const out = file.slice();
  for (const [s, e] of blanks) out.fill(0, s, e);
  cuts.sort((a, b) => a[0] - b[0]);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [s, e] of cuts) {
    if (s > at) parts.push(out.subarray(at, s));
    at = Math.max(at, e);
  }
  parts.push(out.subarray(at));
  return concatBytes(parts);
}

/** For the suite's slot test: the skeleton with the XMP data in place. Never throws. */
export function normalizeHeif(file: Uint8Array): Uint8Array {
  try {
    return heifSkeleton(file, true);
  } catch {
    return file;
  }
}

export const heifProbes: Pick<ConformanceOptions, 'decode' | 'preserved' | 'normalize'> = {
  decode: decodeHeif,
  preserved: async (file) => {
    let image: unknown;
    try {
      image = await preservedMetadata(file);
    } catch {
      image = 'not decodable by sharp';
    }
    return { image, skeleton: hex(heifSkeleton(file, false)) };
  },
  normalize: normalizeHeif,
};
