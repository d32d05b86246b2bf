/**
 * The Vorbis comment structure (Vorbis I specification §5.2.1; RFC 9639 §8.6 for FLAC's
 * VORBIS_COMMENT block; RFC 7845 §5.2 for OpusTags), shared by FLAC and Ogg:
 *
 *   u32le vendor_length, vendor_string (UTF-8), u32le count, count x (u32le length, 'KEY=value').
 *
 * Keys are ASCII 0x20-0x7D except '=' and compare case-insensitively; values are UTF-8.
 * Whatever follows the last comment (the Vorbis framing bit, Opus padding) is kept as it is.
 *
 * The TC260 guide places the implicit label in the comment `AIGC=<value>`. A second AIGC comment
 * is `format.duplicate_metadata`: forged labels hide in second copies that some readers prefer.
 */
import { asciiBytes, concatBytes, utf8Decode, utf8Encode } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { splice } from '../splice.js';

export interface VorbisCommentEntry {
  /** Offset (in the structure) of the entry's length field. */
  readonly start: number;
  /** Offset of the 'KEY=value' text. */
  readonly textStart: number;
  /** One past the text. */
  readonly end: number;
  /** The key as written (ASCII), or undefined when the entry has no '=' or an invalid key. */
  readonly key: string | undefined;
}

export interface VorbisCommentLayout {
  readonly vendorStart: number;
  readonly vendorEnd: number;
  /** Offset of the u32le comment count. */
  readonly countAt: number;
  readonly entries: readonly VorbisCommentEntry[];
  /** One past the last entry: the framing bit / padding (if any) follow. */
  readonly end: number;
}

/**
 * More comments than any tagger writes. A block (an Ogg comment packet is as large as the file)
 * could otherwise announce millions of 4-byte entries, each parsed into an object.
 */
export const MAX_VORBIS_COMMENTS = 65_536;

function readU32LE(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

function writeU32LE(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}

function u32le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32LE(out, 0, value);
  return out;
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `Vorbis comment block is malformed: ${what}.`, { offset });
}

function tooMany(): FormatError {
  return formatError(
    'format.metadata_too_large',
    `A Vorbis comment block may hold at most ${String(MAX_VORBIS_COMMENTS)} comments here; remove some before labelling.`,
    { limit: MAX_VORBIS_COMMENTS },
  );
}

/** The key of 'KEY=value' text at [at, end), or undefined (no '=', or a byte outside 0x20-0x7D). */
function keyOf(b: Uint8Array, at: number, end: number): string | undefined {
  let key = '';
  for (let i = at; i < end; i++) {
    const c = b[i]!;
    if (c === 0x3d) return key;
    if (c < 0x20 || c > 0x7d) return undefined;
    key += String.fromCharCode(c);
  }
  return undefined;
}

/**
 * Parses the structure held in `bytes[start, end)` (a FLAC block's data, or a packet after its
 * header). Every length is checked against `end`. Offsets are absolute in `bytes`.
 */
export function parseVorbisComment(bytes: Uint8Array, start = 0, end = bytes.length): VorbisCommentLayout {
  if (start + 4 > end) throw corrupt('no vendor length', start);
  const vendorStart = start + 4;
  const vendorEnd = vendorStart + readU32LE(bytes, start);
  if (vendorEnd + 4 > end) throw corrupt('vendor string runs past the block', start);
  const count = readU32LE(bytes, vendorEnd);
  // Each entry takes at least its 4-byte length: a larger count cannot fit (and is not looped over).
  if (count > (end - vendorEnd - 4) / 4)
    throw corrupt('comment count larger than the block can hold', vendorEnd);
  if (count > MAX_VORBIS_COMMENTS) throw tooMany();
  const entries: VorbisCommentEntry[] = [];
  let at = vendorEnd + 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) throw corrupt('comment list runs past the block', at);
    const textStart = at + 4;
    const textEnd = textStart + readU32LE(bytes, at);
    if (textEnd > end) throw corrupt('comment runs past the block', at);
    entries.push({ start: at, textStart, end: textEnd, key: keyOf(bytes, textStart, textEnd) });
    at = textEnd;
  }
  return { vendorStart, vendorEnd, countAt: vendorEnd, entries, end: at };
}

function sameKey(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toUpperCase() === b.toUpperCase();
}

/** The one entry whose key is `key` (case-insensitive); a second is format.duplicate_metadata. */
export function findVorbisEntry(layout: VorbisCommentLayout, key: string): VorbisCommentEntry | undefined {
  let found: VorbisCommentEntry | undefined;
  for (const e of layout.entries) {
    if (!sameKey(e.key, key)) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        `The Vorbis comments hold more than one ${key} entry; remove the extra one before labelling.`,
        { first: found.start, second: e.start },
      );
    }
    found = e;
  }
  return found;
}

/** The value of `key` in the structure at `bytes[start, end)`, or undefined. */
export function readVorbisField(
  bytes: Uint8Array,
  key: string,
  start = 0,
  end = bytes.length,
): string | undefined {
  const entry = findVorbisEntry(parseVorbisComment(bytes, start, end), key);
  if (entry === undefined) return undefined;
  try {
    return utf8Decode(bytes.subarray(entry.textStart + entry.key!.length + 1, entry.end));
  } catch (cause) {
    throw formatError(
      'format.corrupt',
      `Vorbis comment ${key} is not valid UTF-8.`,
      { offset: entry.start },
      cause,
    );
  }
}

/** A complete entry: u32le length and 'KEY=value' (key ASCII, value UTF-8). */
export function buildVorbisEntry(key: string, value: string): Uint8Array {
  const text = concatBytes([asciiBytes(`${key}=`), utf8Encode(value)]);
  return concatBytes([u32le(text.length), text]);
}

/** A complete structure (no framing bit): vendor, count, entries. */
export function buildVorbisComment(vendor: string, entries: readonly Uint8Array[]): Uint8Array {
  const v = utf8Encode(vendor);
  return concatBytes([u32le(v.length), v, u32le(entries.length), ...entries]);
}

/**
 * The structure at `body` (the whole array) with `key` set to `value`: the existing entry is
 * replaced in place, else a new one is appended after the last entry; `undefined` removes it.
 * Every other byte (vendor, other entries, framing bit) is kept. Returns a new array.
 */
export function writeVorbisField(body: Uint8Array, key: string, value: string | undefined): Uint8Array {
  const layout = parseVorbisComment(body);
  const existing = findVorbisEntry(layout, key);
  const entry = value === undefined ? new Uint8Array(0) : buildVorbisEntry(key, value);
  if (existing === undefined && value === undefined) return body.slice();
  if (existing === undefined && layout.entries.length >= MAX_VORBIS_COMMENTS) throw tooMany();
  const count = layout.entries.length + (existing === undefined ? 1 : value === undefined ? -1 : 0);
  const out =
    existing === undefined
      ? splice(body, layout.end, layout.end, entry)
      : splice(body, existing.start, existing.end, entry);
  writeU32LE(out, layout.countAt, count);
  return out;
}

/** The vendor string as written (lossy for invalid UTF-8): shown in test probes. */
export function vorbisVendor(bytes: Uint8Array, layout: VorbisCommentLayout): string {
  return new TextDecoder().decode(bytes.subarray(layout.vendorStart, layout.vendorEnd));
}
