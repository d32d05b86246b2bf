/**
 * Where the AIGC value lives in a parsed moov: the one `mdta` key named AIGC (QTFF "Metadata
 * key atom") in a `meta` of `moov/udta` (where ffmpeg's `-movflags use_metadata_tags` writes it)
 * or of `moov` (QuickTime's movie-level metadata), and its `ilst` item. More than one AIGC key,
 * more than one `mdta` meta in one container, more than one item or `data` atom for the key, or
 * an iTunes freeform AIGC item beside it is `format.duplicate_metadata`: a second label is how
 * forged ones hide, and readers disagree on which one wins.
 */
import { type FormatError, formatError } from '../errors.js';
import type { BoxHeader } from '../isobmff/boxes.js';
import { type IlstItem, type KeyEntry, type KeysBox, type MdtaIlst, type MetaBox, MDTA } from './meta.js';
import type { Moov } from './moov.js';

/** An `mdta` meta with its keys and ilst, and the boxes that enclose it (moov, then udta if any). */
export interface MdtaMeta {
  readonly meta: MetaBox;
  readonly keys: KeysBox;
  readonly ilst: MdtaIlst;
  readonly ancestors: readonly BoxHeader[];
}

export interface AigcSlot extends MdtaMeta {
  /** 1-based key index. */
  readonly index: number;
  readonly key: KeyEntry;
  /** The ilst item for the key (at most one), or undefined when the key has no value. */
  readonly item: IlstItem | undefined;
}

function duplicate(message: string, details?: Record<string, unknown>): FormatError {
  return formatError(
    'format.duplicate_metadata',
    `${message} Remove the extra label before labelling.`,
    details,
  );
}

function mdtaMetas(metas: readonly MetaBox[], ancestors: readonly BoxHeader[]): MdtaMeta[] {
  const found: MdtaMeta[] = [];
  for (const meta of metas) {
    if (meta.freeformAigc)
      throw duplicate('An iTunes freeform item named AIGC is present.', { offset: meta.box.start });
    if (meta.handler !== MDTA || meta.keys === undefined || meta.ilst === undefined) continue;
    found.push({ meta, keys: meta.keys, ilst: meta.ilst, ancestors });
  }
  if (found.length > 1) {
    throw duplicate("More than one 'mdta' meta box in one container.", { offset: found[1]!.meta.box.start });
  }
  return found;
}

/** The `mdta` meta of `moov/udta` (where a new key goes), or undefined. */
export function udtaMdtaMeta(moov: Moov): MdtaMeta | undefined {
  return moov.udta === undefined ? undefined : mdtaMetas(moov.udta.metas, [moov.box, moov.udta.box])[0];
}

/** The `mdta` meta of `moov` itself (QuickTime movie-level metadata, as iPhones write), or undefined. */
export function moovMdtaMeta(moov: Moov): MdtaMeta | undefined {
  return mdtaMetas(moov.metas, [moov.box])[0];
}

/**
 * The `mdta` meta a new AIGC key joins: the file's one key table (`moov/udta` or QuickTime's
 * movie-level meta, as iPhones write), or, when it has both, the first in file order. A new meta
 * is made only when the file has neither: ffmpeg (5.1) names the items of every `ilst` with the
 * first `keys` table it read, so a second table would misname the other meta's values, and a key
 * added to a later table would show under another key's name.
 */
export function targetMdtaMeta(moov: Moov): MdtaMeta | undefined {
  const candidates = [udtaMdtaMeta(moov), moovMdtaMeta(moov)].filter((m) => m !== undefined);
  return candidates.sort((a, b) => a.meta.box.start - b.meta.box.start)[0];
}

/** The AIGC key and item, or undefined when there is none; throws format.duplicate_metadata. */
export function findAigcSlot(moov: Moov): AigcSlot | undefined {
  const metas: MdtaMeta[] = [];
  const inMoov = moovMdtaMeta(moov);
  if (inMoov !== undefined) metas.push(inMoov);
  const inUdta = udtaMdtaMeta(moov);
  if (inUdta !== undefined) metas.push(inUdta);
  const slots: AigcSlot[] = [];
  for (const m of metas) {
    m.keys.entries.forEach((key, i) => {
      if (!key.isAigc) return;
      const index = i + 1;
      const items = m.ilst.items.filter((it) => it.index === index);
      if (items.length > 1)
        throw duplicate('Two ilst items hold the AIGC key.', { offset: items[1]!.box.start });
      const item = items[0];
      if (item !== undefined && item.data.length > 1) {
        throw duplicate('The AIGC item holds more than one value.', { offset: item.box.start });
      }
      slots.push({ ...m, index, key, item });
    });
  }
  if (slots.length > 1) throw duplicate('More than one AIGC key.', { offset: slots[1]!.key.start });
  return slots[0];
}
