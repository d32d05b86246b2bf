/**
 * Standard XMP in HEIF / AVIF (ISO/IEC 23008-12:2022 Annex A.2; ExifTool and libheif practice):
 * an item of the file-level `meta` box, `infe` item_type `mime` with content_type
 * `application/rdf+xml`, its bytes located by `iloc`, and a `cdsc` reference to the primary
 * item. A file whose only XMP is a box (`uuid` / `moov/udta/XMP_`) keeps it there.
 *
 * Writes are edits on the original bytes (see `edit.ts`, which fixes sizes and offsets):
 *  - replace: the item's bytes are replaced where they are (the first extent; further extents
 *    are deleted) and its iloc entry is rewritten with one extent;
 *  - add: a new item (next free item_ID) gets an `infe` at the end of `iinf`, an entry at the
 *    end of `iloc` and a `cdsc` reference at the end of `iref` (an `iref` is created at the end
 *    of `meta` when absent); its bytes go at the end of the last top-level `mdat`
 *    (construction_method 0), or, with no `mdat`, at the end of `idat` (construction_method 1);
 *  - remove: the item's `infe`, iloc entry, references and bytes are deleted (an `iref` left
 *    empty is dropped).
 * Removing an added packet therefore gives back the original bytes (unless the file held an
 * empty `iref` before). An empty packet is an item without extents: extent_length 0 would mean
 * "all of the data" (ISO/IEC 14496-12 §8.11.3.3).
 */
import { formatError } from '../errors.js';
import type { BoxHeader } from '../isobmff/boxes.js';
import { payloadStart } from '../isobmff/boxes.js';
import { encodeUint, fitsUint } from './bytes.js';
import { type XmpLocation, findXmp, xmpBytes } from './carrier.js';
import { type Edit, EditPlan } from './edit.js';
import { type Iinf, encodeXmpInfe } from './iinf.js';
import { type Iloc, encodeIlocEntry } from './iloc.js';
import { encodeIref, encodeReference } from './iref.js';
import { type HeifLayout, walkHeif, xmpBoxPayload } from './layout.js';
import type { MetaLayout } from './meta.js';

export function readHeifXmp(file: Uint8Array): Uint8Array | undefined {
  const layout = walkHeif(file);
  const loc = findXmp(file, layout);
  return loc && xmpBytes(file, loc);
}

/** Where item bytes go: construction method, insertion offset, enclosing boxes. */
interface Target {
  readonly method: 0 | 1;
  readonly at: number;
  readonly owners: readonly BoxHeader[];
}

/** The boxes enclosing an XMP item's extent; it must lie in a top-level mdat or in idat. */
function ownersOf(
  layout: HeifLayout,
  meta: MetaLayout,
  method: number,
  start: number,
  end: number,
): BoxHeader[] {
  if (method === 1) return [meta.box, meta.idat!];
  const mdat = layout.top.find((b) => b.type === 'mdat' && payloadStart(b) <= start && end <= b.end);
  if (mdat === undefined) {
    throw formatError(
      'format.unsupported',
      'The XMP item data lies outside any mdat box; the file cannot be relabeled.',
      {
        start,
      },
    );
  }
  return [mdat];
}

function defaultTarget(layout: HeifLayout, meta: MetaLayout): Target {
  const mdats = layout.top.filter((b) => b.type === 'mdat');
  const last = mdats[mdats.length - 1];
  if (last !== undefined) return { method: 0, at: last.end, owners: [last] };
  if (meta.idat !== undefined && meta.iloc !== undefined && meta.iloc.version > 0) {
    return { method: 1, at: meta.idat.end, owners: [meta.box, meta.idat] };
  }
  throw formatError(
    'format.unsupported',
    'The HEIF file has neither an mdat box nor an idat box to hold XMP.',
  );
}

/** A meta box with its item tables. */
type ItemMeta = MetaLayout & { readonly iinf: Iinf; readonly iloc: Iloc };

function requireItemBoxes(meta: MetaLayout | undefined): ItemMeta {
  if (meta === undefined) {
    throw formatError('format.unsupported', 'The HEIF sequence has no meta box to hold an XMP item.');
  }
  const iinf = meta.iinf;
  const iloc = meta.iloc;
  if (iinf === undefined || iloc === undefined) {
    throw formatError('format.corrupt', 'The HEIF meta box has no iinf or iloc box.');
  }
  return { ...meta, iinf, iloc };
}

/** The iloc entry for the XMP item, built once the data's final position is known. */
function entryEdit(
  plan: EditPlan,
  meta: ItemMeta,
  itemId: number,
  target: Target,
  data: Edit,
  length: number,
  replace?: { start: number; end: number },
): Edit {
  const { iloc, idat } = meta;
  const encode = (offset: number) => encodeIlocEntry(iloc, itemId, target.method, offset, length);
  return plan.add({
    at: replace?.start ?? iloc.box.end,
    del: replace === undefined ? 0 : replace.end - replace.start,
    owners: [meta.box, iloc.box],
    insert: {
      length: encode(0).length,
      build: () => {
        const at = plan.newPosition(data);
        return encode(target.method === 1 ? at - (plan.mapPos(idat!.start) + idat!.headerSize) : at);
      },
    },
  });
}

function addItem(layout: HeifLayout, plan: EditPlan, packet: Uint8Array): void {
  const meta = requireItemBoxes(layout.meta);
  const { iinf, iloc, iref } = meta;
  let maxId = meta.primaryId ?? 0;
  for (const i of iinf.items) maxId = Math.max(maxId, i.itemId);
  for (const e of iloc.entries) maxId = Math.max(maxId, e.itemId);
  for (const r of iref?.refs ?? [])
    for (const id of [r.fromId, ...r.to.map((t) => t.id)]) maxId = Math.max(maxId, id);
  for (const id of meta.entityIds) maxId = Math.max(maxId, id);
  const itemId = maxId + 1;
  if (!fitsUint(iinf.count + 1, iinf.countSize) || !fitsUint(iloc.count + 1, iloc.countSize)) {
    throw formatError(
      'format.metadata_too_large',
      'The HEIF item tables are full; the file cannot be labeled.',
    );
  }
  if (!fitsUint(itemId, iloc.countSize)) {
    throw formatError('format.metadata_too_large', 'No free item_ID fits the iloc box.', { itemId });
  }
  plan.add({ at: iinf.box.end, del: 0, insert: encodeXmpInfe(itemId), owners: [meta.box, iinf.box] });
  plan.patch(iinf.countAt, encodeUint(iinf.count + 1, iinf.countSize));
  const target = defaultTarget(layout, meta);
  const data = plan.add({ at: target.at, del: 0, insert: packet, owners: target.owners });
  entryEdit(plan, meta, itemId, target, data, packet.length);
  plan.patch(iloc.countAt, encodeUint(iloc.count + 1, iloc.countSize));
  // cdsc: the XMP describes the primary image (ISO/IEC 23008-12 §6.4.5).
  const primary = meta.primaryId;
  if (primary === undefined) return;
  if (iref === undefined) {
    const idSize = itemId > 0xffff || primary > 0xffff ? 4 : 2;
    plan.add({
      at: meta.box.end,
      del: 0,
      insert: encodeIref(idSize, encodeReference('cdsc', itemId, primary, idSize)),
      owners: [meta.box],
    });
  } else if (fitsUint(itemId, iref.idSize) && fitsUint(primary, iref.idSize)) {
    const ref = encodeReference('cdsc', itemId, primary, iref.idSize);
    plan.add({ at: iref.box.end, del: 0, insert: ref, owners: [meta.box, iref.box] });
  }
}

function removeReferences(plan: EditPlan, meta: MetaLayout, itemId: number): void {
  const iref = meta.iref;
  if (iref === undefined) return;
  // A reference from the item goes; so does one whose every target is the item.
  const keep = new Set(
    iref.refs.filter((r) => r.fromId !== itemId && !(r.to.length > 0 && r.to.every((t) => t.id === itemId))),
  );
  if (keep.size === 0) {
    plan.add({
      at: iref.box.start,
      del: iref.box.end - iref.box.start,
      insert: new Uint8Array(0),
      owners: [meta.box],
    });
    return;
  }
  for (const r of iref.refs) {
    const owners = [meta.box, iref.box];
    if (!keep.has(r)) {
      plan.add({ at: r.box.start, del: r.box.end - r.box.start, insert: new Uint8Array(0), owners });
      continue;
    }
    const gone = r.to.filter((t) => t.id === itemId);
    if (gone.length === 0) continue;
    for (const t of gone) {
      plan.add({ at: t.at, del: iref.idSize, insert: new Uint8Array(0), owners: [...owners, r.box] });
    }
    plan.patch(r.countAt, encodeUint(r.to.length - gone.length, 2));
  }
}

function writeItem(
  layout: HeifLayout,
  plan: EditPlan,
  loc: Extract<XmpLocation, { kind: 'item' }>,
  packet: Uint8Array | undefined,
): void {
  const meta = requireItemBoxes(layout.meta);
  const { entry, ranges } = loc;
  const method = entry.constructionMethod;
  const owners = ranges.map((r) => ownersOf(layout, meta, method, r.start, r.end));
  plan.skipEntry(entry);
  const first = ranges[0];
  let data: Edit | undefined;
  ranges.forEach((r, k) => {
    const edit = plan.add({
      at: r.start,
      del: r.end - r.start,
      insert: k === 0 && packet !== undefined ? packet : new Uint8Array(0),
      owners: owners[k]!,
    });
    if (k === 0) data = edit;
  });
  if (packet === undefined) {
    plan.add({
      at: loc.info.box.start,
      del: loc.info.box.end - loc.info.box.start,
      insert: new Uint8Array(0),
      owners: [meta.box, meta.iinf.box],
    });
    plan.patch(meta.iinf.countAt, encodeUint(meta.iinf.count - 1, meta.iinf.countSize));
    plan.add({
      at: entry.start,
      del: entry.end - entry.start,
      insert: new Uint8Array(0),
      owners: [meta.box, meta.iloc.box],
    });
    plan.patch(meta.iloc.countAt, encodeUint(meta.iloc.count - 1, meta.iloc.countSize));
    removeReferences(plan, meta, entry.itemId);
    return;
  }
  const target: Target =
    first === undefined
      ? defaultTarget(layout, meta)
      : { method: method === 1 ? 1 : 0, at: first.start, owners: owners[0]! };
  data ??= plan.add({ at: target.at, del: 0, insert: packet, owners: target.owners });
  entryEdit(plan, meta, entry.itemId, target, data, packet.length, entry);
}

function writeBox(
  plan: EditPlan,
  loc: Extract<XmpLocation, { kind: 'box' }>,
  packet: Uint8Array | undefined,
): void {
  const { box, ancestors } = loc.xmp;
  if (packet === undefined) {
    plan.add({ at: box.start, del: box.end - box.start, insert: new Uint8Array(0), owners: ancestors });
    return;
  }
  const { start, end } = xmpBoxPayload(loc.xmp);
  plan.add({ at: start, del: end - start, insert: packet, owners: [...ancestors, box] });
}

export function writeHeifXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const layout = walkHeif(file);
  const loc = findXmp(file, layout);
  const plan = new EditPlan(file, layout);
  if (loc?.kind === 'box') writeBox(plan, loc, packet);
  else if (loc?.kind === 'item') writeItem(layout, plan, loc, packet);
  else if (packet !== undefined) addItem(layout, plan, packet);
  return plan.finish();
}
