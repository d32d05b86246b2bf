/**
 * The AIGC field of an MP3 file: an ID3v2 TXXX frame whose description is 'AIGC' (TC260
 * practice guide for GB 45438-2025 implicit labels in audio). Descriptions compare
 * case-insensitively (tools expose TXXX descriptions as case-insensitive tag keys), so 'aigc'
 * counts as a second field too.
 *
 * Writing (the tag holding the field, else the first tag; a new ID3v2.4 tag when there is none):
 * - replace in place: when the frame is the tag's last and the padding can take the size
 *   change, the padding does (tag size and audio offset unchanged); otherwise the tag resizes;
 * - insert: into the padding when it can hold the frame (after the last frame); otherwise as
 *   the tag's first frame, the tag growing. A frame followed by padding gives its bytes back to
 *   the padding on removal; any other frame's removal shrinks the tag; a tag left without frames
 *   is removed. So write-then-remove gives back the original bytes (except when the padding was
 *   exactly the frame's size, or a frameless tag had some padding: the tag then stays resized).
 * - tags with unsynchronisation, an extended header, or version 2.2 are read but not written
 *   (format.unsupported): rewriting them would re-encode bytes outside the field.
 */
import { concatBytes } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { splice } from '../splice.js';
import {
  ID3_HEADER_SIZE,
  type Id3Frame,
  type Id3Tag,
  MAX_SYNCSAFE,
  TAG_EXTENDED,
  TAG_FOOTER,
  TAG_UNSYNC,
  resynchronise,
  writeSyncsafe,
} from './id3v2.js';
import { walkMp3 } from './stream.js';
import { type TxxxText, buildTxxxData, parseTxxx } from './txxx.js';

export const AIGC_DESCRIPTION = 'AIGC';

interface Found {
  readonly tag: Id3Tag;
  readonly frame: Id3Frame;
  readonly text: TxxxText;
}

function unsupported(what: string, offset: number): FormatError {
  return formatError('format.unsupported', `MP3 ${what}; re-save the tag as plain ID3v2.3 or 2.4 first.`, {
    offset,
  });
}

/** TXXX data after the frame-format extras (2.3 §3.3.1; 2.4 structure §4.1.2), restored if unsynchronised. */
function txxxData(tag: Id3Tag, frame: Id3Frame): Uint8Array {
  const bytes = tag.frameBytes!;
  const format = frame.flags & 0xff;
  let skip: number;
  let unsync = false;
  if (tag.version === 3) {
    if (format & 0xc0) throw unsupported('has a compressed or encrypted TXXX frame', tag.start);
    skip = format & 0x20 ? 1 : 0;
  } else {
    if (format & 0x0c) throw unsupported('has a compressed or encrypted TXXX frame', tag.start);
    skip = (format & 0x40 ? 1 : 0) + (format & 0x01 ? 4 : 0);
    unsync = (format & 0x02) !== 0 || (tag.flags & TAG_UNSYNC) !== 0;
  }
  if (frame.dataStart + skip > frame.end) {
    throw formatError('format.corrupt', 'ID3v2 tag is malformed: a frame shorter than its flags announce.', {
      offset: tag.start,
    });
  }
  const data = bytes.subarray(frame.dataStart + skip, frame.end);
  return unsync ? resynchronise(data) : data;
}

function findAigc(tags: readonly Id3Tag[]): Found | undefined {
  let found: Found | undefined;
  for (const tag of tags) {
    if (tag.version === 2) throw unsupported('has an ID3v2.2 tag', tag.start);
    for (const frame of tag.frames) {
      if (frame.id !== 'TXXX') continue;
      const text = parseTxxx(txxxData(tag, frame), tag.start);
      if (text?.description?.toUpperCase() !== AIGC_DESCRIPTION) continue;
      if (found !== undefined) {
        throw formatError(
          'format.duplicate_metadata',
          'MP3 holds more than one TXXX:AIGC frame; remove the extra one before labelling.',
          { tag: tag.start },
        );
      }
      found = { tag, frame, text };
    }
  }
  return found;
}

export function readMp3Aigc(file: Uint8Array): string | undefined {
  return findAigc(walkMp3(file).tags)?.text.value();
}

function buildFrame(version: 3 | 4, value: string): Uint8Array {
  const data = buildTxxxData(version, AIGC_DESCRIPTION, value);
  if (data.length > MAX_SYNCSAFE - ID3_HEADER_SIZE) {
    throw formatError('format.metadata_too_large', 'The AIGC value does not fit an ID3v2 tag; shorten it.', {
      size: data.length,
      limit: MAX_SYNCSAFE - ID3_HEADER_SIZE,
    });
  }
  const header = Uint8Array.of(0x54, 0x58, 0x58, 0x58, 0, 0, 0, 0, 0, 0); // 'TXXX', size, flags 0
  if (version === 4) writeSyncsafe(header, 4, data.length);
  else new DataView(header.buffer).setUint32(4, data.length);
  return concatBytes([header, data]);
}

/** `file` with [start, end) of the tag replaced and the tag's size (header and footer) updated. */
function resizeTag(file: Uint8Array, tag: Id3Tag, start: number, end: number, bytes: Uint8Array): Uint8Array {
  const size = tag.bodyEnd - tag.start - ID3_HEADER_SIZE + bytes.length - (end - start);
  if (size > MAX_SYNCSAFE) {
    throw formatError('format.metadata_too_large', 'The AIGC value does not fit an ID3v2 tag; shorten it.', {
      size,
      limit: MAX_SYNCSAFE,
    });
  }
  const out = splice(file, start, end, bytes);
  writeSyncsafe(out, tag.start + 6, size);
  if (tag.flags & TAG_FOOTER) writeSyncsafe(out, tag.start + ID3_HEADER_SIZE + size + 6, size);
  return out;
}

function newTag(frame: Uint8Array): Uint8Array {
  const header = Uint8Array.of(0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0); // 'ID3' 2.4.0, no flags
  writeSyncsafe(header, 6, frame.length);
  return concatBytes([header, frame]);
}

export function writeMp3Aigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const { tags } = walkMp3(file);
  const found = findAigc(tags);
  if (found === undefined && value === undefined) return file.slice();
  const tag = found?.tag ?? tags[0];
  if (tag === undefined) return concatBytes([newTag(buildFrame(4, value!)), file]);
  if (tag.version === 2) throw unsupported('has an ID3v2.2 tag', tag.start);
  if (tag.flags & TAG_UNSYNC) throw unsupported('tag uses unsynchronisation', tag.start);
  if (tag.flags & TAG_EXTENDED) throw unsupported('tag has an extended header', tag.start);
  const frame = value === undefined ? new Uint8Array(0) : buildFrame(tag.version, value);
  // A 2.4 tag with a footer has no padding (2.4 structure §3.4); padding that is not all zeros
  // (junk a tagger left) is not used either, so it can never be read as frames.
  const canPad =
    (tag.flags & TAG_FOOTER) === 0 && file.subarray(tag.paddingStart, tag.framesEnd).every((b) => b === 0);
  const padding = canPad ? tag.framesEnd - tag.paddingStart : 0;
  if (found === undefined) {
    if (canPad && padding >= frame.length)
      return splice(file, tag.paddingStart, tag.paddingStart + frame.length, frame);
    return resizeTag(file, tag, tag.framesStart, tag.framesStart, frame);
  }
  const f = found.frame;
  if (value === undefined && tag.frames.length === 1)
    return splice(file, tag.start, tag.end, new Uint8Array(0));
  const delta = frame.length - (f.end - f.start);
  // The frame ends at (non-empty) padding: the padding takes the size change when it can.
  if (canPad && padding > 0 && f.end === tag.paddingStart && delta <= padding) {
    return splice(file, f.start, tag.framesEnd, concatBytes([frame, new Uint8Array(padding - delta)]));
  }
  return resizeTag(file, tag, f.start, f.end, frame);
}
