/**
 * The file-level `meta` box of a HEIF file, ISO/IEC 23008-12:2022 §6.2 and ISO/IEC 14496-12
 * §8.11.1: a FullBox whose `hdlr` names the `pict` handler, holding the primary item (`pitm`),
 * the items (`iinf`), their locations (`iloc`), references (`iref`), properties (`iprp`) and
 * item data stored inside the box (`idat`). Every item's extents are checked to lie inside the
 * file or the `idat` they point into.
 */
import { formatError } from '../errors.js';
import { type BoxHeader, payloadStart, readNestedChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { Cursor } from './cursor.js';
import { type Iinf, parseIinf } from './iinf.js';
import { type Iloc, type IlocEntry, MAX_ITEMS, parseIloc } from './iloc.js';
import { type Iref, parseIref } from './iref.js';

/** At most this many boxes directly inside `meta`. */
const MAX_META_CHILDREN = 1000;

export interface MetaLayout {
  readonly box: BoxHeader;
  readonly children: readonly BoxHeader[];
  readonly primaryId: number | undefined;
  readonly iinf: Iinf | undefined;
  readonly iloc: Iloc | undefined;
  readonly iref: Iref | undefined;
  readonly idat: BoxHeader | undefined;
  /** group_id and entity_IDs of `grpl` entity groups (§6.8): they share the item_ID space. */
  readonly entityIds: readonly number[];
}

/** The file range of one extent: `[start, end)`; for construction_method 1, inside `idat`. */
export interface ExtentRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Absolute file ranges of an entry's extents (construction_method 0 or 1, this file), or
 * undefined for data held elsewhere (construction_method 2, or another file via `dref`).
 * Throws when an extent runs outside the file or the `idat`.
 */
export function extentRanges(
  entry: IlocEntry,
  fileSize: number,
  idat: BoxHeader | undefined,
): ExtentRange[] | undefined {
  if (entry.dataReferenceIndex !== 0 || entry.constructionMethod === 2) return undefined;
  let lo = 0;
  let hi = fileSize;
  if (entry.constructionMethod === 1) {
    if (idat === undefined) {
      throw formatError('format.corrupt', 'An item is stored in idat, but meta has no idat box.', {
        item: entry.itemId,
      });
    }
    lo = payloadStart(idat);
    hi = idat.end;
  }
  return entry.extents.map((e) => {
    const start = lo + entry.baseOffset + e.offset;
    // extent_length 0: the rest of the referenced data (ISO/IEC 14496-12 §8.11.3.3).
    const end = e.length === 0 ? hi : start + e.length;
    if (start > hi || end > hi) {
      throw formatError(
        entry.constructionMethod === 1 ? 'format.corrupt' : 'format.truncated',
        entry.constructionMethod === 1
          ? 'An item extent runs past the end of idat.'
          : 'An item extent runs past the end of the file.',
        { item: entry.itemId, start, end, limit: hi },
      );
    }
    return { start, end };
  });
}

function single(children: readonly BoxHeader[], type: string): BoxHeader | undefined {
  const found = children.filter((b) => b.type === type);
  if (found.length > 1) {
    throw formatError('format.corrupt', `meta holds more than one '${type}' box.`, {
      offset: found[1]!.start,
    });
  }
  return found[0];
}

/** EntityToGroupBox (ISO/IEC 14496-12 §8.18.3): group_id, num_entities_in_group, entity_ids. */
function parseGroups(file: Uint8Array, grpl: BoxHeader): number[] {
  const ids: number[] = [];
  for (const g of readNestedChildren(bytesSource(file), payloadStart(grpl), grpl.end, MAX_ITEMS)) {
    const c = new Cursor(file, payloadStart(g), g.end, 'grpl');
    c.fullBoxVersion();
    ids.push(c.uint(4));
    const count = c.uint(4);
    if (count * 4 > c.remaining) {
      throw formatError('format.corrupt', 'An entity group lists more entities than it holds.', {
        offset: g.start,
      });
    }
    for (let i = 0; i < count; i++) ids.push(c.uint(4));
    if (ids.length > MAX_ITEMS) {
      throw formatError('format.corrupt', `grpl lists more than ${String(MAX_ITEMS)} entities.`);
    }
  }
  return ids;
}

export function parseMeta(file: Uint8Array, box: BoxHeader): MetaLayout {
  const c = new Cursor(file, payloadStart(box), box.end, 'meta');
  c.fullBoxVersion();
  const children = readNestedChildren(bytesSource(file), c.at, box.end, MAX_META_CHILDREN);
  const hdlr = single(children, 'hdlr');
  if (hdlr === undefined) throw formatError('format.corrupt', 'The meta box has no hdlr box.');
  const h = new Cursor(file, payloadStart(hdlr), hdlr.end, 'hdlr');
  h.fullBoxVersion();
  h.skip(4); // pre_defined
  const handler = h.fourcc();
  if (handler !== 'pict') {
    throw formatError('format.unsupported', "The file-level meta box is not a HEIF 'pict' meta box.", {
      offset: hdlr.start,
    });
  }
  const pitmBox = single(children, 'pitm');
  let primaryId: number | undefined;
  if (pitmBox !== undefined) {
    const p = new Cursor(file, payloadStart(pitmBox), pitmBox.end, 'pitm');
    primaryId = p.uint(p.fullBoxVersion() === 0 ? 2 : 4);
  }
  const iinfBox = single(children, 'iinf');
  const ilocBox = single(children, 'iloc');
  const irefBox = single(children, 'iref');
  const idat = single(children, 'idat');
  const iinf = iinfBox && parseIinf(file, iinfBox);
  const iloc = ilocBox && parseIloc(file, ilocBox);
  const iref = irefBox && parseIref(file, irefBox);
  for (const entry of iloc?.entries ?? []) extentRanges(entry, file.length, idat);
  const grpl = single(children, 'grpl');
  const entityIds = grpl === undefined ? [] : parseGroups(file, grpl);
  return { box, children, primaryId, iinf, iloc, iref, idat, entityIds };
}
