/**
 * One Ogg page (RFC 3533 §6): read and check its header, build a new one, renumber one.
 *
 *   0 'OggS' | 4 version (0) | 5 header type (0x01 continued, 0x02 BOS, 0x04 EOS) |
 *   6 granule position (i64le) | 14 serial (u32le) | 18 page sequence (u32le) | 22 CRC (u32le) |
 *   26 page_segments | 27 segment table (page_segments lacing values) | body (their sum).
 *
 * A packet is the concatenation of lacing values up to and including the first one below 255
 * (§5 "lacing"); a page whose last lacing value is 255 leaves its packet to the next page.
 */
import { asciiBytes, startsWithAt } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { CRC_OFFSET, pageCrc } from './crc.js';

export const CAPTURE_PATTERN = asciiBytes('OggS');
export const PAGE_HEADER_SIZE = 27;
export const MAX_SEGMENTS = 255;
export const FLAG_CONTINUED = 0x01;
export const FLAG_BOS = 0x02;
export const FLAG_EOS = 0x04;
/** RFC 3533 §6: granule position -1, "no packet finishes on this page". */
export const NO_GRANULE = -1n;
const SEQUENCE_OFFSET = 18;

export interface OggPage {
  readonly start: number;
  /** Offset of the first segment table byte (start + 27). */
  readonly lacingStart: number;
  /** Offset of the body (after the segment table). */
  readonly bodyStart: number;
  /** One past the body. */
  readonly end: number;
  readonly flags: number;
  readonly granule: bigint;
  readonly serial: number;
  readonly sequence: number;
  /** Number of lacing values (page_segments). */
  readonly segments: number;
}

function readU32LE(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

function writeU32LE(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}

function truncated(offset: number): FormatError {
  return formatError('format.truncated', 'Ogg ends inside a page; supply the complete file.', { offset });
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `Ogg page is invalid: ${what}.`, { offset });
}

/** True when `b` holds the capture pattern at `at` (bounds-checked). */
export function hasCapturePattern(b: Uint8Array, at: number): boolean {
  return at + 4 <= b.length && startsWithAt(b, CAPTURE_PATTERN, at);
}

/**
 * Reads and checks the page at `at`: capture pattern, version 0, no reserved flag bits, the
 * segment table and body within the file, and the CRC. Throws FormatError.
 */
export function readPage(b: Uint8Array, at: number): OggPage {
  if (at + 4 > b.length) {
    // A tail that could still become 'OggS' is a cut page.
    if (startsWithAt(CAPTURE_PATTERN, b.subarray(at))) throw truncated(at);
    throw corrupt('no capture pattern "OggS"', at);
  }
  if (!startsWithAt(b, CAPTURE_PATTERN, at)) throw corrupt('no capture pattern "OggS"', at);
  if (at + PAGE_HEADER_SIZE > b.length) throw truncated(at);
  if (b[at + 4] !== 0) throw corrupt('stream structure version is not 0', at);
  const flags = b[at + 5]!;
  if ((flags & ~(FLAG_CONTINUED | FLAG_BOS | FLAG_EOS)) !== 0)
    throw corrupt('reserved header type bits set', at);
  const segments = b[at + 26]!;
  const lacingStart = at + PAGE_HEADER_SIZE;
  const bodyStart = lacingStart + segments;
  if (bodyStart > b.length) throw truncated(at);
  let bodyLength = 0;
  for (let i = lacingStart; i < bodyStart; i++) bodyLength += b[i]!;
  const end = bodyStart + bodyLength;
  if (end > b.length) throw truncated(at);
  if (pageCrc(b, at, end) !== readU32LE(b, at + CRC_OFFSET)) throw corrupt('CRC mismatch', at);
  const view = new DataView(b.buffer, b.byteOffset + at);
  return {
    start: at,
    lacingStart,
    bodyStart,
    end,
    flags,
    granule: view.getBigInt64(6, true),
    serial: readU32LE(b, at + 14),
    sequence: readU32LE(b, at + SEQUENCE_OFFSET),
    segments,
  };
}

export interface PageFields {
  readonly flags: number;
  readonly granule: bigint;
  readonly serial: number;
  readonly sequence: number;
  /** At most 255 lacing values; their sum is the body length. */
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
}

/** A complete page with its CRC. Throws RangeError on a programming error (bad lacing). */
export function buildPage(p: PageFields): Uint8Array {
  const sum = p.lacing.reduce((a, v) => a + v, 0);
  if (p.lacing.length > MAX_SEGMENTS || sum !== p.body.length) throw new RangeError('buildPage: bad lacing');
  const out = new Uint8Array(PAGE_HEADER_SIZE + p.lacing.length + p.body.length);
  out.set(CAPTURE_PATTERN, 0);
  out[5] = p.flags;
  new DataView(out.buffer).setBigInt64(6, p.granule, true);
  writeU32LE(out, 14, p.serial);
  writeU32LE(out, SEQUENCE_OFFSET, p.sequence);
  out[26] = p.lacing.length;
  out.set(p.lacing, PAGE_HEADER_SIZE);
  out.set(p.body, PAGE_HEADER_SIZE + p.lacing.length);
  writeU32LE(out, CRC_OFFSET, pageCrc(out, 0, out.length));
  return out;
}

/** Sets the sequence number of the page at `b[start, end)` in place and recomputes its CRC. */
export function renumberPage(b: Uint8Array, start: number, end: number, sequence: number): void {
  writeU32LE(b, start + SEQUENCE_OFFSET, sequence);
  writeU32LE(b, start + CRC_OFFSET, pageCrc(b, start, end));
}
