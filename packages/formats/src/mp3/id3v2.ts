/**
 * ID3v2 tag walker (id3.org: ID3v2.3.0 §3; ID3v2.4.0 structure §3-§4, frames §4).
 *
 *   'ID3', major version, revision, flags, 4-byte syncsafe size (of what follows the header,
 *   footer excluded), [extended header], frames, [padding (zeros) | footer '3DI' (2.4)].
 *
 * Frames: 4-character id (A-Z 0-9), size (2.3: u32; 2.4: syncsafe), 2 flag bytes, data. A zero
 * byte where a frame id should be starts the padding. With unsynchronisation in 2.3 the whole
 * tag after the header is unsynchronised (sizes count the restored bytes); in 2.4 each frame is.
 * ID3v2.2 tags (3-character frame ids) are walked over but not parsed.
 */
import { type FormatError, formatError } from '../errors.js';

export const ID3_HEADER_SIZE = 10;
/** 2^28 - 1: the largest syncsafe size. */
export const MAX_SYNCSAFE = 0x0fffffff;
/** At most this many ID3v2 tags in a row at the start of a file. */
export const MAX_LEADING_TAGS = 8;

export const TAG_UNSYNC = 0x80;
export const TAG_EXTENDED = 0x40;
export const TAG_FOOTER = 0x10;

export interface Id3Frame {
  readonly id: string;
  /** Offset of the 10-byte frame header (in `Id3Tag.frameBytes`). */
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
  /** The two flag bytes (status << 8 | format). */
  readonly flags: number;
}

export interface Id3Tag {
  readonly version: 2 | 3 | 4;
  readonly flags: number;
  /** Offset of 'ID3' in the file. */
  readonly start: number;
  /** One past the size-covered body (where the footer starts, if any). */
  readonly bodyEnd: number;
  /** One past the tag, footer included. */
  readonly end: number;
  /**
   * The bytes the frame offsets refer to: the file itself, or the restored body of a 2.3 tag
   * with unsynchronisation. Undefined for 2.2.
   */
  readonly frameBytes: Uint8Array | undefined;
  /** Where frames start and where padding starts, in `frameBytes`. */
  readonly framesStart: number;
  readonly paddingStart: number;
  /** Where frames region ends in `frameBytes` (the tag body end). */
  readonly framesEnd: number;
  readonly frames: readonly Id3Frame[];
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `MP3 ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `ID3v2 tag is malformed: ${what}.`, { offset });
}

/** A 28-bit syncsafe integer (four 7-bit bytes), or -1 when a byte has its high bit set. */
export function readSyncsafe(b: Uint8Array, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = b[at + k]!;
    if (c & 0x80) return -1;
    v = (v << 7) | c;
  }
  return v;
}

export function writeSyncsafe(b: Uint8Array, at: number, value: number): void {
  for (let k = 0; k < 4; k++) b[at + k] = (value >>> (7 * (3 - k))) & 0x7f;
}

export function isId3At(b: Uint8Array, at: number): boolean {
  return b[at] === 0x49 && b[at + 1] === 0x44 && b[at + 2] === 0x33; // 'ID3'
}

/** ID3v2 unsynchronisation reversed: every 0x00 following a 0xFF is dropped (§6.1 / 2.4 structure §6.1). */
export function resynchronise(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0 && i > 0 && b[i - 1] === 0xff) continue;
    out[n++] = c;
  }
  return out.subarray(0, n);
}

function isFrameIdChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

const KNOWN_FLAGS: Record<2 | 3 | 4, number> = { 2: 0xc0, 3: 0xe0, 4: 0xf0 };

/** Parses the tag at `at` ('ID3' already seen). Throws FormatError. */
export function parseId3Tag(file: Uint8Array, at: number): Id3Tag {
  const n = file.length;
  if (at + ID3_HEADER_SIZE > n) throw truncated('an ID3v2 header', at);
  const major = file[at + 3]!;
  if (major !== 2 && major !== 3 && major !== 4) throw corrupt(`unknown major version 2.${major}`, at);
  const version = major;
  if (file[at + 4] === 0xff) throw corrupt('revision 0xFF', at);
  const flags = file[at + 5]!;
  if (flags & ~KNOWN_FLAGS[version] & 0xff) throw corrupt('undefined header flags set', at);
  const size = readSyncsafe(file, at + 6);
  if (size < 0) throw corrupt('size is not syncsafe', at);
  const bodyStart = at + ID3_HEADER_SIZE;
  const bodyEnd = bodyStart + size;
  const footer = version === 4 && (flags & TAG_FOOTER) !== 0;
  const end = bodyEnd + (footer ? ID3_HEADER_SIZE : 0);
  if (end > n) throw truncated('an ID3v2 tag', at);
  if (footer) {
    const ok =
      file[bodyEnd] === 0x33 &&
      file[bodyEnd + 1] === 0x44 &&
      file[bodyEnd + 2] === 0x49 &&
      [3, 4, 5, 6, 7, 8, 9].every((k) => file[bodyEnd + k] === file[at + k]);
    if (!ok) throw corrupt('footer does not repeat the header', bodyEnd);
  }
  if (version === 2) {
    return {
      version,
      flags,
      start: at,
      bodyEnd,
      end,
      frameBytes: undefined,
      framesStart: 0,
      paddingStart: 0,
      framesEnd: 0,
      frames: [],
    };
  }
  // 2.3 with unsynchronisation: the restored body is what the frame sizes describe.
  const unsync23 = version === 3 && (flags & TAG_UNSYNC) !== 0;
  const bytes = unsync23 ? resynchronise(file.subarray(bodyStart, bodyEnd)) : file;
  const base = unsync23 ? 0 : bodyStart;
  const limit = unsync23 ? bytes.length : bodyEnd;
  let p = base;
  if (flags & TAG_EXTENDED) {
    if (p + 6 > limit) throw corrupt('extended header runs past the tag', at);
    // 2.3: size excludes its own 4 bytes; 2.4: syncsafe, includes them.
    const ext =
      version === 3
        ? ((bytes[p]! << 24) >>> 0) + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) + 4
        : readSyncsafe(bytes, p);
    if (ext < 6 || p + ext > limit) throw corrupt('extended header size out of range', at);
    p += ext;
  }
  const framesStart = p;
  const frames: Id3Frame[] = [];
  while (p < limit && bytes[p] !== 0) {
    const offset = unsync23 ? bodyStart : p;
    if (p + ID3_HEADER_SIZE > limit) throw corrupt('a frame header runs past the tag', offset);
    for (let k = 0; k < 4; k++)
      if (!isFrameIdChar(bytes[p + k]!)) throw corrupt('frame id is not four of A-Z 0-9', offset);
    const size =
      version === 3
        ? ((bytes[p + 4]! << 24) >>> 0) + ((bytes[p + 5]! << 16) | (bytes[p + 6]! << 8) | bytes[p + 7]!)
        : readSyncsafe(bytes, p + 4);
    if (size < 0) throw corrupt('frame size is not syncsafe', offset);
    const dataStart = p + ID3_HEADER_SIZE;
    const frameEnd = dataStart + size;
    if (frameEnd > limit) throw corrupt('a frame runs past the tag', offset);
    const id = String.fromCharCode(bytes[p]!, bytes[p + 1]!, bytes[p + 2]!, bytes[p + 3]!);
    frames.push({ id, start: p, dataStart, end: frameEnd, flags: (bytes[p + 8]! << 8) | bytes[p + 9]! });
    p = frameEnd;
  }
  return {
    version,
    flags,
    start: at,
    bodyEnd,
    end,
    frameBytes: bytes,
    framesStart,
    paddingStart: p,
    framesEnd: limit,
    frames,
  };
}

/** The ID3v2 tags in a row at the start of the file, and where the audio starts. */
export function walkLeadingId3(file: Uint8Array): { tags: Id3Tag[]; end: number } {
  const tags: Id3Tag[] = [];
  let at = 0;
  while (isId3At(file, at)) {
    if (tags.length === MAX_LEADING_TAGS)
      throw corrupt(`more than ${MAX_LEADING_TAGS} ID3v2 tags in a row`, at);
    const tag = parseId3Tag(file, at);
    tags.push(tag);
    at = tag.end;
  }
  return { tags, end: at };
}
