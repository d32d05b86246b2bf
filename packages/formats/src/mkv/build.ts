/**
 * Builders for the elements a label write adds (RFC 9559 \Segment\Tags and \Segment\SeekHead), each with
 * the shortest size VINTs, the way ffmpeg writes its own tags:
 *
 *   Tags { Tag { Targets {}, SimpleTag { TagName "AIGC", TagString value } } }
 *
 * An empty Targets applies the Tag to the whole Segment (TargetTypeValue defaults to 50); no
 * TagLanguage ("und" by default) and no TagDefault (1 by default) are written.
 */
import { asciiBytes, concatBytes, utf8Encode } from '@synthguard/core';
import { formatError } from '../errors.js';
import { ID_SEEK_ID, ID_SIMPLE_TAG, ID_TAG, ID_TAG_NAME, ID_TAG_STRING, ID_TAGS, ID_TARGETS } from './ids.js';
import { AIGC_TAG_NAME } from './tags.js';
import { encodeId, encodeSize, minimalSizeLength } from './vint.js';

/** A TagString larger than this is refused: labels are a few hundred bytes. */
export const MAX_VALUE_BYTES = 1 << 20;

/** An element with the shortest size VINT. */
export function buildElement(id: number, ...data: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(data);
  return concatBytes([encodeId(id), encodeSize(body.length, minimalSizeLength(body.length)), body]);
}

/** The label value as TagString data (UTF-8), size-checked. */
export function tagStringData(value: string): Uint8Array {
  const data = utf8Encode(value);
  if (data.length > MAX_VALUE_BYTES) {
    throw formatError(
      'format.metadata_too_large',
      'The AIGC value is too large for a Matroska tag; shorten it.',
      {
        size: data.length,
        limit: MAX_VALUE_BYTES,
      },
    );
  }
  return data;
}

export function buildAigcSimpleTag(value: string): Uint8Array {
  return buildElement(
    ID_SIMPLE_TAG,
    buildElement(ID_TAG_NAME, asciiBytes(AIGC_TAG_NAME)),
    buildElement(ID_TAG_STRING, tagStringData(value)),
  );
}

export function buildAigcTag(value: string): Uint8Array {
  return buildElement(ID_TAG, buildElement(ID_TARGETS), buildAigcSimpleTag(value));
}

export function buildAigcTags(value: string): Uint8Array {
  return buildElement(ID_TAGS, buildAigcTag(value));
}

/** The SeekID element naming the Tags element (its ID bytes, RFC 9559 \Segment\SeekHead\Seek\SeekID). */
export const TAGS_SEEK_ID: Uint8Array = buildElement(ID_SEEK_ID, encodeId(ID_TAGS));
