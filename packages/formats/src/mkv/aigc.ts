/**
 * The AIGC field of a Matroska/WebM file: a segment-level SimpleTag `AIGC` (TC260 practice guide
 * for GB 45438-2025, "MKV/WebM: SimpleTag AIGC"; where it counts: see tags.ts).
 *
 * Placement, and why. Writes shift the bytes after the edit and rewrite every Segment Position
 * (SeekHead, Cues, Cluster Position; pieces.ts) instead of absorbing size changes in a Void
 * element. Absorbing would make labeling many-to-one (a file with a Void of n bytes and one
 * without it but shifted by n can label to the same bytes), so removing a label could not give
 * back the original file; shifting is exactly undone by the removal, and ffmpeg's files keep
 * their reserved Void after the SeekHead, not next to Tags, so it would rarely apply anyway.
 *
 * - Replace: the AIGC SimpleTag's TagString is rewritten in place, its TagName spelled `AIGC`
 *   (its other children kept); a SimpleTag without a single TagString is rebuilt.
 * - Insert, in this order of preference: as the last SimpleTag of the first segment-level Tag
 *   that already has one (where ffmpeg keeps its global tags); as a new Tag (empty Targets) at
 *   the end of the first Tags element; or as a new Tags element before the first Cluster (so
 *   readers that stop at the first Cluster find it), indexed by a new Seek entry at the end of
 *   the first SeekHead.
 * - Remove: the SimpleTag goes, then its Tag if no SimpleTag is left, then its Tags element (and
 *   the Seek entries pointing at it) if no Tag is left: the exact inverse of the insertion, so
 *   write(write(f, v), undefined) is f for a file without the field.
 * - Sizes of the enclosing Tag, Tags and Segment follow; their VINTs keep their width when the
 *   new size fits (an unknown-size Segment stays unknown). CRC-32 elements of every rebuilt
 *   master are recomputed.
 */
import { asciiBytes, bytesEqual } from '@synthguard/core';
import { formatError } from '../errors.js';
import { TAGS_SEEK_ID, buildAigcSimpleTag, buildAigcTag, buildAigcTags, tagStringData } from './build.js';
import type { EbmlElement } from './element.js';
import {
  ID_CLUSTER,
  ID_CRC32,
  ID_CUE_CODEC_STATE,
  ID_CUES,
  ID_SEEK,
  ID_SEEK_HEAD,
  ID_SEEK_ID,
  ID_SEEK_POSITION,
  ID_SIMPLE_TAG,
  ID_TAG,
  ID_TAG_NAME,
  ID_TAGS,
  POSITION_IDS,
} from './ids.js';
import { type Piece, type PositionMap, type TopPiece, pieceLength, settle, writePiece } from './pieces.js';
import {
  AIGC_TAG_NAME,
  type AigcSlot,
  findAigcSlot,
  isPlainSegmentTag,
  readSlotValue,
  tagStringOf,
} from './tags.js';
import { encodeId, readElementSize, readUint } from './vint.js';
import { type MatroskaLayout, type TopLevelElement, walkMatroska } from './walk.js';

export function readMkvAigc(file: Uint8Array): string | undefined {
  const layout = walkMatroska(file);
  const slot = findAigcSlot(file, layout);
  return slot === undefined ? undefined : readSlotValue(file, slot);
}

/** What the rebuild does to the element starting at an offset. */
type Action = { readonly drop: true } | { readonly replace: Piece } | { readonly append: Piece };

const TAGS_ID = encodeId(ID_TAGS);
const AIGC_NAME = asciiBytes(AIGC_TAG_NAME);

const bytes = (b: Uint8Array): Piece => ({ kind: 'bytes', bytes: b });
const copy = (file: Uint8Array, el: EbmlElement): Piece => bytes(file.subarray(el.start, el.end));

/**
 * An element rebuilt from `children`, keeping its ID bytes and size width; for a master (`crc`),
 * a CRC-32 first child is recomputed.
 */
function master(file: Uint8Array, el: EbmlElement, children: readonly Piece[], crc = true): Piece {
  let crcAt: number | undefined;
  if (crc && el.dataStart < el.end && file[el.dataStart] === ID_CRC32) {
    // Verified by the walker: a 4-byte CRC-32 first child; its value follows its size VINT.
    crcAt = 1 + readElementSize(file, el.dataStart + 1, el.end).length;
  }
  return {
    kind: 'master',
    id: file.subarray(el.start, el.sizeAt),
    size:
      el.size === undefined
        ? { unknown: file.subarray(el.sizeAt, el.dataStart) }
        : { oldLength: el.dataStart - el.sizeAt, oldSize: el.size },
    ...(crcAt === undefined ? {} : { crcAt }),
    children,
  };
}

/** A Segment Position rewritten to the new layout (RFC 9559, "Segment Position"). */
function position(file: Uint8Array, el: EbmlElement, fixed: boolean): Piece {
  const old = readUint(file, el.dataStart, el.end);
  return {
    kind: 'position',
    id: file.subarray(el.start, el.sizeAt),
    old: { value: old, length: el.end - el.dataStart, sizeLength: el.dataStart - el.sizeAt },
    fixed,
    // \Segment\Cues\CuePoint\CueTrackPositions\CueCodecState: 0 means "the codec state of the TrackEntry", not a position.
    value: (m: PositionMap) => (old === 0 && el.id === ID_CUE_CODEC_STATE ? 0 : m.map(old)),
  };
}

/** A parsed master rebuilt: actions applied, Segment Positions rewritten, other leaves copied. */
function rebuild(file: Uint8Array, el: EbmlElement, actions: ReadonlyMap<number, Action>): Piece {
  const positions = POSITION_IDS.get(el.id);
  const kids: Piece[] = [];
  for (const c of el.children ?? []) {
    const a = actions.get(c.start);
    if (a !== undefined && 'drop' in a) continue;
    if (a !== undefined && 'replace' in a) kids.push(a.replace);
    else if (positions?.has(c.id) === true) kids.push(position(file, c, false));
    else if (c.children !== undefined) kids.push(rebuild(file, c, actions));
    else kids.push(copy(file, c));
  }
  const a = actions.get(el.start);
  if (a !== undefined && 'append' in a) kids.push(a.append);
  return master(file, el, kids);
}

/** A Cluster: copied, or with its Position rewritten in place (fixed width: blocks must not move). */
function clusterPiece(file: Uint8Array, el: TopLevelElement): Piece {
  const p = el.clusterPosition;
  if (p === undefined) return copy(file, el);
  return master(file, el, [
    bytes(file.subarray(el.dataStart, p.start)),
    position(file, p, true),
    bytes(file.subarray(p.end, el.end)),
  ]);
}

const childrenOf = (el: EbmlElement, id: number): EbmlElement[] =>
  (el.children ?? []).filter((c) => c.id === id);

interface Plan {
  readonly actions: Map<number, Action>;
  /** A new Tags element and the index of the child it goes before. */
  readonly newTags?: { readonly before: number; readonly bytes: Uint8Array };
  /** Top-level Tags elements the write removes. */
  readonly dropTop: Set<number>;
}

function planRemove(file: Uint8Array, layout: MatroskaLayout, slot: AigcSlot): Plan {
  const actions = new Map<number, Action>();
  const dropTop = new Set<number>();
  const tags = layout.children[slot.tagsIndex]!;
  if (childrenOf(slot.tag, ID_SIMPLE_TAG).length > 1) actions.set(slot.simpleTag.start, { drop: true });
  else if (childrenOf(tags, ID_TAG).length > 1) actions.set(slot.tag.start, { drop: true });
  else {
    dropTop.add(slot.tagsIndex);
    // The Seek entries that index the removed Tags element go with it.
    const at = tags.start - layout.segment.dataStart;
    for (const head of layout.children) {
      if (head.id !== ID_SEEK_HEAD) continue;
      for (const seek of childrenOf(head, ID_SEEK)) {
        const id = childrenOf(seek, ID_SEEK_ID)[0];
        const pos = childrenOf(seek, ID_SEEK_POSITION)[0];
        if (id === undefined || pos === undefined) continue;
        const idData = file.subarray(id.dataStart, id.end);
        if (
          idData.length === TAGS_ID.length &&
          idData.every((b, i) => b === TAGS_ID[i]) &&
          readUint(file, pos.dataStart, pos.end) === at
        ) {
          actions.set(seek.start, { drop: true });
        }
      }
    }
  }
  return { actions, dropTop };
}

function planReplace(file: Uint8Array, slot: AigcSlot, value: string): Plan {
  const s = tagStringOf(slot.simpleTag);
  if (s === undefined) {
    return {
      actions: new Map([[slot.simpleTag.start, { replace: bytes(buildAigcSimpleTag(value)) }]]),
      dropTop: new Set(),
    };
  }
  const actions = new Map<number, Action>([
    [s.start, { replace: master(file, s, [bytes(tagStringData(value))], false) }],
  ]);
  // The name as the guide spells it ('aigc' or 'Aigc' would show under that key in ffprobe).
  const name = childrenOf(slot.simpleTag, ID_TAG_NAME)[0]!;
  if (!bytesEqual(file.subarray(name.dataStart, name.end), AIGC_NAME)) {
    actions.set(name.start, { replace: master(file, name, [bytes(AIGC_NAME)], false) });
  }
  return { actions, dropTop: new Set() };
}

function planInsert(file: Uint8Array, layout: MatroskaLayout, value: string): Plan {
  const tagsList = layout.children.filter((c) => c.id === ID_TAGS);
  for (const tags of tagsList) {
    const tag = childrenOf(tags, ID_TAG).find((t) => isPlainSegmentTag(file, t));
    if (tag !== undefined) {
      return {
        actions: new Map([[tag.start, { append: bytes(buildAigcSimpleTag(value)) }]]),
        dropTop: new Set(),
      };
    }
  }
  const tags = tagsList.find((t) => childrenOf(t, ID_TAG).length > 0);
  if (tags !== undefined) {
    return { actions: new Map([[tags.start, { append: bytes(buildAigcTag(value)) }]]), dropTop: new Set() };
  }
  const firstCluster = layout.children.findIndex((c) => c.id === ID_CLUSTER);
  return {
    actions: new Map(),
    newTags: {
      before: firstCluster < 0 ? layout.children.length : firstCluster,
      bytes: buildAigcTags(value),
    },
    dropTop: new Set(),
  };
}

/** The Segment's children in the new file. */
function topPieces(file: Uint8Array, layout: MatroskaLayout, plan: Plan): TopPiece[] {
  const base = layout.segment.dataStart;
  const tops: TopPiece[] = [];
  const newTags = plan.newTags;
  let seekAdded = false;
  layout.children.forEach((el, i) => {
    if (newTags?.before === i) tops.push({ oldStart: undefined, piece: bytes(newTags.bytes) });
    let piece: Piece | null;
    if (plan.dropTop.has(i)) piece = null;
    else if (el.id === ID_SEEK_HEAD) {
      const actions = new Map(plan.actions);
      if (newTags !== undefined && !seekAdded) {
        seekAdded = true;
        // Every old child keeps one entry in `tops` (null when dropped), so the new Tags
        // element, pushed before old child `before`, has index `before`.
        const index = newTags.before;
        const seek: Piece = {
          kind: 'master',
          id: encodeId(ID_SEEK),
          size: 'new',
          children: [
            bytes(TAGS_SEEK_ID),
            {
              kind: 'position',
              id: encodeId(ID_SEEK_POSITION),
              old: 'new',
              fixed: false,
              value: (m) => m.at(index),
            },
          ],
        };
        actions.set(el.start, { append: seek });
      }
      piece = rebuild(file, el, actions);
    } else if (el.id === ID_CUES) piece = rebuild(file, el, plan.actions);
    else if (el.id === ID_TAGS && hasAction(el, plan.actions)) piece = rebuild(file, el, plan.actions);
    else if (el.id === ID_CLUSTER) piece = clusterPiece(file, el);
    else piece = copy(file, el);
    tops.push({ oldStart: el.start - base, piece });
  });
  if (newTags !== undefined && newTags.before === layout.children.length) {
    tops.push({ oldStart: undefined, piece: bytes(newTags.bytes) });
  }
  return tops;
}

function hasAction(el: EbmlElement, actions: ReadonlyMap<number, Action>): boolean {
  if (actions.has(el.start)) return true;
  return (el.children ?? []).some((c) => hasAction(c, actions));
}

function assemble(file: Uint8Array, layout: MatroskaLayout, tops: readonly TopPiece[]): Uint8Array {
  const seg = layout.segment;
  const map = settle(tops, seg.end - seg.dataStart);
  const segment = master(
    file,
    seg,
    tops.flatMap((t) => (t.piece === null ? [] : [t.piece])),
  );
  const out = new Uint8Array(seg.start + pieceLength(segment, map));
  out.set(file.subarray(0, seg.start));
  const end = writePiece(segment, map, out, seg.start);
  if (end !== out.length) throw formatError('format.corrupt', 'Matroska layout mismatch after the edit.');
  return out;
}

export function writeMkvAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const layout = walkMatroska(file);
  const slot = findAigcSlot(file, layout);
  let plan: Plan;
  if (value === undefined) {
    if (slot === undefined) return file.slice();
    plan = planRemove(file, layout, slot);
  } else plan = slot === undefined ? planInsert(file, layout, value) : planReplace(file, slot, value);
  return assemble(file, layout, topPieces(file, layout, plan));
}
