/**
 * The edits that set or remove the AIGC value inside a parsed moov (placement rules in aigc.ts):
 * each names the boxes whose payload holds it, so planBoxEdits can fix their sizes.
 */
import { encodeBox } from '../isobmff/boxes.js';
import type { BoxEdit } from '../isobmff/edits.js';
import { buildItem, buildKey, buildMeta, u32Bytes } from './encode.js';
import type { Moov } from './moov.js';
import { type AigcSlot, targetMdtaMeta } from './slot.js';

const EMPTY = new Uint8Array(0);

/** Edits that make the AIGC value `value`: replace the item, join a key table, or add a meta. */
export function setValue(moov: Moov, slot: AigcSlot | undefined, value: string): BoxEdit[] {
  if (slot !== undefined) {
    const enclosing = [...slot.ancestors, slot.meta.box, slot.ilst.box];
    const bytes = buildItem(slot.index, value);
    const at = slot.item?.box ?? { start: slot.ilst.box.end, end: slot.ilst.box.end };
    return [{ start: at.start, end: at.end, bytes, enclosing }];
  }
  const target = targetMdtaMeta(moov);
  if (target !== undefined) {
    const { keys, ilst } = target;
    const inMeta = [...target.ancestors, target.meta.box];
    const count = keys.entries.length;
    return [
      { start: keys.countAt, end: keys.countAt + 4, bytes: u32Bytes(count + 1), enclosing: [] },
      { start: keys.box.end, end: keys.box.end, bytes: buildKey(), enclosing: [...inMeta, keys.box] },
      {
        start: ilst.box.end,
        end: ilst.box.end,
        bytes: buildItem(count + 1, value),
        enclosing: [...inMeta, ilst.box],
      },
    ];
  }
  const meta = buildMeta(value);
  if (moov.udta !== undefined) {
    const at = moov.udta.contentEnd;
    return [{ start: at, end: at, bytes: meta, enclosing: [moov.box, moov.udta.box] }];
  }
  return [{ start: moov.box.end, end: moov.box.end, bytes: encodeBox('udta', meta), enclosing: [moov.box] }];
}

/** Edits that remove the AIGC key and item (renumbering later items), or the meta / udta left empty. */
export function removeValue(moov: Moov, slot: AigcSlot): BoxEdit[] {
  const { meta, keys, ilst } = slot;
  const othersLeft =
    keys.entries.length > 1 ||
    ilst.items.some((it) => it.index !== slot.index) ||
    meta.children.some((c) => c.type !== 'hdlr' && c.type !== 'keys' && c.type !== 'ilst');
  if (!othersLeft) {
    // The meta held only the AIGC key: it goes, and so does a udta that held only the meta.
    const udta = moov.udta;
    if (udta?.children.length === 1 && udta.children[0] === meta.box && udta.contentEnd === udta.box.end) {
      return [{ start: udta.box.start, end: udta.box.end, bytes: EMPTY, enclosing: [moov.box] }];
    }
    return [{ start: meta.box.start, end: meta.box.end, bytes: EMPTY, enclosing: slot.ancestors }];
  }
  const inMeta = [...slot.ancestors, meta.box];
  const edits: BoxEdit[] = [
    { start: keys.countAt, end: keys.countAt + 4, bytes: u32Bytes(keys.entries.length - 1), enclosing: [] },
    { start: slot.key.start, end: slot.key.end, bytes: EMPTY, enclosing: [...inMeta, keys.box] },
  ];
  for (const it of ilst.items) {
    if (it.index === slot.index) {
      edits.push({ start: it.box.start, end: it.box.end, bytes: EMPTY, enclosing: [...inMeta, ilst.box] });
    } else if (it.index > slot.index) {
      // The item's box type is its key index (QTFF "Metadata item list atom").
      edits.push({
        start: it.box.start + 4,
        end: it.box.start + 8,
        bytes: u32Bytes(it.index - 1),
        enclosing: [],
      });
    }
  }
  return edits;
}
