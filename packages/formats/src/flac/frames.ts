/**
 * FLAC frame headers and the frame scan (RFC 9639 §9.1, §9.3).
 *
 * A frame has no length field: it runs until its CRC-16 footer. The scan finds each frame's end
 * as the first point where the running CRC-16 of the frame is 0 (the footer cancels it) and a
 * valid frame header (sync 0xFFF8/0xFFF9, CRC-8 checked) or the end of the audio follows, the
 * way FLAC demuxers resynchronise. Linear time: one CRC step per byte.
 */
import { type FormatError, formatError } from '../errors.js';
import { CRC16_TABLE, crc8 } from './crc.js';

export interface FlacFrameHeader {
  /** 0: fixed block size (sync 0xFFF8), 1: variable (0xFFF9). */
  readonly blockingStrategy: 0 | 1;
  readonly blockSize: number;
  /** Header length in bytes, CRC-8 included. */
  readonly length: number;
}

export interface FlacFrames {
  readonly count: number;
  /** Sum of the frames' block sizes (inter-channel samples). */
  readonly samples: number;
  /** One past the last frame's CRC-16. */
  readonly end: number;
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `FLAC ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `FLAC audio is structurally invalid: ${what}.`, { offset });
}

/** RFC 9639 §9.1.5: the coded frame/sample number, UTF-8-like, 1 to 7 bytes. Its byte length or -1. */
function codedNumberLength(b: Uint8Array, at: number, end: number): number {
  const first = b[at]!;
  let len: number;
  if (first < 0x80) len = 1;
  else if (first < 0xc0) return -1;
  else if (first < 0xe0) len = 2;
  else if (first < 0xf0) len = 3;
  else if (first < 0xf8) len = 4;
  else if (first < 0xfc) len = 5;
  else if (first < 0xfe) len = 6;
  else if (first === 0xfe) len = 7;
  else return -1;
  if (at + len > end) return -2;
  for (let k = 1; k < len; k++) if ((b[at + k]! & 0xc0) !== 0x80) return -1;
  return len;
}

/**
 * Parses the frame header at `at`. Returns undefined when the bytes are not a valid header
 * (sync, reserved values, CRC-8); throws format.truncated when `end` cuts a header short.
 */
export function parseFrameHeader(b: Uint8Array, at: number, end: number): FlacFrameHeader | undefined {
  if (at + 4 > end) {
    if (at < end && b[at] === 0xff && (at + 1 >= end || (b[at + 1]! & 0xfe) === 0xf8)) {
      throw truncated('a frame header', at);
    }
    return undefined;
  }
  if (b[at] !== 0xff || (b[at + 1]! & 0xfe) !== 0xf8) return undefined;
  const strategy = (b[at + 1]! & 1) as 0 | 1;
  const bsCode = b[at + 2]! >> 4;
  const srCode = b[at + 2]! & 0x0f;
  const chCode = b[at + 3]! >> 4;
  const depthCode = (b[at + 3]! >> 1) & 7;
  // §9.1.1-9.1.4: reserved block size 0, invalid sample rate 15, channels 11-15, depth 3, reserved bit.
  if (bsCode === 0 || srCode === 15 || chCode > 10 || depthCode === 3 || (b[at + 3]! & 1) !== 0)
    return undefined;
  let p = at + 4;
  if (p >= end) throw truncated('a frame header', at);
  const numLen = codedNumberLength(b, p, end);
  if (numLen === -2) throw truncated('a frame header', at);
  if (numLen < 0 || (strategy === 0 && numLen > 6)) return undefined;
  p += numLen;
  let blockSize: number;
  if (bsCode === 1) blockSize = 192;
  else if (bsCode <= 5) blockSize = 144 << bsCode;
  else if (bsCode === 6 || bsCode === 7) {
    const bytes = bsCode - 5;
    if (p + bytes > end) throw truncated('a frame header', at);
    blockSize = (bytes === 1 ? b[p]! : (b[p]! << 8) | b[p + 1]!) + 1;
    p += bytes;
  } else blockSize = 1 << bsCode;
  if (srCode >= 12) p += srCode === 12 ? 1 : 2;
  if (p + 1 > end) throw truncated('a frame header', at);
  if (crc8(b, at, p) !== b[p]) return undefined;
  return { blockingStrategy: strategy, blockSize, length: p + 1 - at };
}

/** A header at `at` that the end of the data cuts short is no header (inside the scan). */
function headerOrUndefined(b: Uint8Array, at: number, end: number): FlacFrameHeader | undefined {
  try {
    return parseFrameHeader(b, at, end);
  } catch {
    return undefined;
  }
}

/**
 * Scans the frames from `start`. The last frame must end at `end`, or at `altEnd` (the start of
 * an ID3v1 tag some taggers append) when given. Throws FormatError.
 */
export function scanFlacFrames(b: Uint8Array, start: number, end: number, altEnd = -1): FlacFrames {
  if (start >= end) throw truncated('the audio (no frame after the metadata)', start);
  let header = parseFrameHeader(b, start, end);
  if (header === undefined) throw corrupt('no frame header (sync 0xFFF8/0xFFF9) after the metadata', start);
  const strategy = header.blockingStrategy;
  let count = 1;
  let samples = header.blockSize;
  let frameStart = start;
  for (;;) {
    let crc = 0;
    let p = frameStart;
    // Header, at least one subframe byte, and the 2-byte footer.
    const minEnd = frameStart + header.length + 3;
    let next: FlacFrameHeader | undefined;
    // A valid next header where the CRC did not match: the frame is damaged rather than cut.
    let mismatch = false;
    for (;;) {
      if (p >= end) {
        if (mismatch) throw corrupt('a frame fails its CRC-16 check', frameStart);
        throw truncated('a frame (no CRC-16 footer matches)', frameStart);
      }
      crc = ((crc << 8) & 0xff00) ^ CRC16_TABLE[(crc >>> 8) ^ b[p]!]!;
      p++;
      if (p < minEnd) continue;
      if (crc === 0 && (p === end || p === altEnd)) return { count, samples, end: p };
      if (b[p] !== 0xff || p + 4 > end || (b[p + 1]! & 0xfe) !== 0xf8) continue;
      next = headerOrUndefined(b, p, end);
      if (next?.blockingStrategy !== strategy) continue;
      if (crc === 0) break;
      mismatch = true;
    }
    count++;
    samples += next.blockSize;
    frameStart = p;
    header = next;
  }
}
