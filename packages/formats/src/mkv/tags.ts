/**
 * Where the AIGC label lives in Matroska tags (RFC 9559 \Segment\Tags, and its "Tagging" section): a `SimpleTag`
 * whose `TagName` is `AIGC` (compared ASCII case-insensitively: ffmpeg's metadata keys are) and
 * whose `TagString` is the value, directly inside a `Tag` that applies to the whole Segment:
 * `Targets` without a non-zero TagTrackUID / TagEditionUID / TagChapterUID / TagAttachmentUID,
 * and TargetTypeValue absent or 50 (\Segment\Tags\Tag\Targets\TargetTypeValue, the default). That is what
 * `ffmpeg -metadata AIGC=…` writes and ffprobe shows as the format tag `AIGC`.
 *
 * Every such SimpleTag in every Tags element counts: a second one is how a forged label would
 * hide, so callers reject it (`format.duplicate_metadata`). AIGC tags at other levels (a track,
 * a chapter, a nested SimpleTag) are ordinary metadata and are kept.
 */
import { asciiBytes, utf8Decode } from '@synthguard/core';
import { formatError } from '../errors.js';
import type { EbmlElement } from './element.js';
import {
  ID_SIMPLE_TAG,
  ID_TAG,
  ID_TAG_ATTACHMENT_UID,
  ID_TAG_BINARY,
  ID_TAG_CHAPTER_UID,
  ID_TAG_EDITION_UID,
  ID_TAG_NAME,
  ID_TAG_STRING,
  ID_TAG_TRACK_UID,
  ID_TAGS,
  ID_TARGET_TYPE,
  ID_TARGET_TYPE_VALUE,
  ID_TARGETS,
} from './ids.js';
import { corrupt, readUint } from './vint.js';
import type { MatroskaLayout } from './walk.js';

export const AIGC_TAG_NAME = 'AIGC';
/** TargetTypeValue 50 (MOVIE / ALBUM / EPISODE...), the default. */
export const SEGMENT_TARGET_TYPE_VALUE = 50;

const UID_IDS = new Set([ID_TAG_TRACK_UID, ID_TAG_EDITION_UID, ID_TAG_CHAPTER_UID, ID_TAG_ATTACHMENT_UID]);

/** One AIGC SimpleTag and the elements around it. */
export interface AigcSlot {
  /** Index of the Tags element among the Segment's children. */
  readonly tagsIndex: number;
  readonly tag: EbmlElement;
  readonly simpleTag: EbmlElement;
}

/** The data of a String element without its 0x00 padding (RFC 8794 §7.4-§7.5). */
function stringData(file: Uint8Array, el: EbmlElement): Uint8Array {
  let end = el.end;
  while (end > el.dataStart && file[end - 1] === 0) end--;
  return file.subarray(el.dataStart, end);
}

const children = (el: EbmlElement, id: number): EbmlElement[] =>
  (el.children ?? []).filter((c) => c.id === id);

function targetsOf(tag: EbmlElement): EbmlElement | undefined {
  const targets = children(tag, ID_TARGETS);
  if (targets.length > 1) throw corrupt('a Tag with more than one Targets element', tag.start);
  return targets[0];
}

/** Applies to the whole Segment: no non-zero UID, TargetTypeValue absent or 50. */
export function isSegmentTag(file: Uint8Array, tag: EbmlElement): boolean {
  const targets = targetsOf(tag);
  if (targets === undefined) return true;
  for (const c of targets.children ?? []) {
    if (UID_IDS.has(c.id) && file.subarray(c.dataStart, c.end).some((b) => b !== 0)) return false;
    if (c.id === ID_TARGET_TYPE_VALUE && readUint(file, c.dataStart, c.end) !== SEGMENT_TARGET_TYPE_VALUE) {
      return false;
    }
  }
  return true;
}

/** A segment Tag we may add our SimpleTag to: no TargetType name, and at least one SimpleTag. */
export function isPlainSegmentTag(file: Uint8Array, tag: EbmlElement): boolean {
  const targets = targetsOf(tag);
  return (
    isSegmentTag(file, tag) &&
    (targets === undefined || children(targets, ID_TARGET_TYPE).length === 0) &&
    children(tag, ID_SIMPLE_TAG).length > 0
  );
}

const AIGC_BYTES = asciiBytes(AIGC_TAG_NAME);

export function isAigcSimpleTag(file: Uint8Array, simpleTag: EbmlElement): boolean {
  const names = children(simpleTag, ID_TAG_NAME);
  if (names.length > 1) throw corrupt('a SimpleTag with more than one TagName', simpleTag.start);
  const name = names[0];
  if (name === undefined) return false;
  const bytes = stringData(file, name);
  // ASCII case-insensitive: 'a'-'z' fold onto 'A'-'Z'.
  return (
    bytes.length === AIGC_BYTES.length &&
    bytes.every((b, i) => (b >= 0x61 && b <= 0x7a ? b - 32 : b) === AIGC_BYTES[i])
  );
}

/** Every segment-level AIGC SimpleTag in the file, in file order. */
export function findAigcSlots(file: Uint8Array, layout: MatroskaLayout): AigcSlot[] {
  const slots: AigcSlot[] = [];
  layout.children.forEach((tags, tagsIndex) => {
    if (tags.id !== ID_TAGS) return;
    for (const tag of children(tags, ID_TAG)) {
      if (!isSegmentTag(file, tag)) continue;
      for (const simpleTag of children(tag, ID_SIMPLE_TAG)) {
        if (isAigcSimpleTag(file, simpleTag)) slots.push({ tagsIndex, tag, simpleTag });
      }
    }
  });
  return slots;
}

/** The one slot, or undefined; two or more is format.duplicate_metadata. */
export function findAigcSlot(file: Uint8Array, layout: MatroskaLayout): AigcSlot | undefined {
  const slots = findAigcSlots(file, layout);
  if (slots.length > 1) {
    throw formatError(
      'format.duplicate_metadata',
      'Matroska file holds more than one segment-level AIGC SimpleTag; remove the extra one before labelling.',
      { first: slots[0]!.simpleTag.start, second: slots[1]!.simpleTag.start },
    );
  }
  return slots[0];
}

/** The TagString child when the SimpleTag has exactly one and no TagBinary, else undefined. */
export function tagStringOf(simpleTag: EbmlElement): EbmlElement | undefined {
  const strings = children(simpleTag, ID_TAG_STRING);
  return strings.length === 1 && children(simpleTag, ID_TAG_BINARY).length === 0 ? strings[0] : undefined;
}

/** The label text: the TagString as UTF-8, without 0x00 padding. Throws format.corrupt. */
export function readSlotValue(file: Uint8Array, slot: AigcSlot): string {
  const s = tagStringOf(slot.simpleTag);
  if (s === undefined) {
    throw corrupt(
      'the AIGC SimpleTag has no single TagString (binary or missing value)',
      slot.simpleTag.start,
    );
  }
  try {
    return utf8Decode(stringData(file, s));
  } catch (err) {
    throw formatError(
      'format.corrupt',
      'The AIGC TagString is not valid UTF-8.',
      { offset: s.dataStart },
      err,
    );
  }
}
