/**
 * WebP RIFF walker: WebP Container Specification (Google; RFC 9649 §2).
 *
 * 'RIFF', File Size (uint32 LE: the bytes after this field), 'WEBP', then a list of chunks:
 * FourCC, Chunk Size (uint32 LE, payload only), payload, and one padding byte when the size is
 * odd (RFC 9649 §2.3 "RIFF File Format"). File Size bounds the chunk list; bytes after it are a
 * trailer, kept as they are (§2.4: readers MAY ignore data after the RIFF chunk).
 *
 * Layouts (§2.5-§2.7): simple lossy ('VP8 ' only), simple lossless ('VP8L' only), or extended:
 * 'VP8X' first, then ICCP?, ANIM?, image data (ALPH? + VP8/VP8L, or ANMF frames), EXIF?, XMP ',
 * unknown chunks. Deliberate leniency: a simple file may carry further non-image chunks after
 * its bitstream (libwebp decodes such files and ignores them); metadata and unknown chunks may
 * appear in any order (§2.7: "Metadata and unknown chunks MAY appear out of order").
 */
import { latin1Decode } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { type BitstreamInfo, vp8Info, vp8lInfo } from './bitstream.js';

/** §2.4: File Size is at most 2^32 - 10. */
export const MAX_RIFF_SIZE = 0xfffffff6;
/** §2.7: the VP8X payload is 10 bytes (flags, 3 reserved, canvas width-1, height-1). */
export const VP8X_PAYLOAD_SIZE = 10;
/** §2.7 (ANMF): the payload starts with a 16-byte frame header before the frame's chunks. */
const ANMF_HEADER_SIZE = 16;

/** VP8X flag bits (§2.7: Rsv|I|L|E|X|A|R, MSB first). */
export const VP8X_FLAG = { icc: 0x20, alpha: 0x10, exif: 0x08, xmp: 0x04, animation: 0x02 } as const;

export interface WebpChunk {
  /** Four characters, e.g. 'VP8X', 'XMP '. */
  readonly fourcc: string;
  /** Offset of the FourCC. */
  readonly start: number;
  readonly dataStart: number;
  /** dataStart + Chunk Size. */
  readonly dataEnd: number;
  /** One past the padding byte (if any): where the next chunk starts. */
  readonly end: number;
}

export interface WebpImage {
  readonly chunk: WebpChunk;
  readonly info: BitstreamInfo;
}

interface LayoutBase {
  /** Top-level chunks, in file order (ANMF sub-chunks are checked, not listed). */
  readonly chunks: readonly WebpChunk[];
  /** 8 + File Size: bytes from here on are a trailer, kept as they are. */
  readonly riffEnd: number;
}

/** Simple format (§2.5, §2.6): the first chunk is the image bitstream. */
export interface SimpleWebpLayout extends LayoutBase {
  readonly extended: false;
  readonly image: WebpImage;
}

/** Extended format (§2.7): the first chunk is VP8X. */
export interface ExtendedWebpLayout extends LayoutBase {
  readonly extended: true;
  readonly vp8x: WebpChunk;
  /** The still image's bitstream, when the file has one (animations have ANMF frames instead). */
  readonly image: WebpImage | undefined;
}

export type WebpLayout = SimpleWebpLayout | ExtendedWebpLayout;

const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];
const IMAGE = new Set(['VP8 ', 'VP8L']);
/** Chunks that only the extended format may carry (they need VP8X flags or canvas). */
export const EXTENDED_ONLY: ReadonlySet<string> = new Set(['VP8X', 'ALPH', 'ANIM', 'ANMF']);

export function readU32LE(b: Uint8Array, at: number): number {
  if (at < 0 || at + 4 > b.length) throw new RangeError('readU32LE out of bounds');
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function writeU32LE(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `WebP ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `WebP is structurally invalid: ${what}.`, { offset, ...details });
}

/** 'RIFF' ???? 'WEBP'. Never throws, never reads out of bounds. */
export function hasWebpSignature(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  for (let i = 0; i < 4; i++) if (head[i] !== RIFF[i] || head[8 + i] !== WEBP[i]) return false;
  return true;
}

/** RIFF FourCCs are four printable ASCII characters (RFC 9649 §2.2 "FourCC"). */
function isFourcc(file: Uint8Array, at: number): boolean {
  for (let k = 0; k < 4; k++) {
    const b = file[at + k]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

/**
 * Chunks tiling [from, to) exactly: every header and padded payload inside the range.
 * `to` is within the file (checked by the caller), so running past it is corruption.
 */
function walkChunks(file: Uint8Array, from: number, to: number, where: string): WebpChunk[] {
  const chunks: WebpChunk[] = [];
  let at = from;
  while (at < to) {
    if (at + 8 > to) throw corrupt(`a chunk header crosses the end of ${where}`, at);
    if (!isFourcc(file, at)) throw corrupt('a chunk FourCC is not four printable ASCII characters', at);
    const fourcc = latin1Decode(file.subarray(at, at + 4));
    const size = readU32LE(file, at + 4);
    const dataStart = at + 8;
    const dataEnd = dataStart + size;
    const end = dataEnd + (size & 1);
    if (end > to) {
      throw corrupt(`the ${fourcc} chunk (with its padding) runs past the end of ${where}`, at, { size });
    }
    chunks.push({ fourcc, start: at, dataStart, dataEnd, end });
    at = end;
  }
  return chunks;
}

function imageOf(file: Uint8Array, chunk: WebpChunk): WebpImage {
  const info = chunk.fourcc === 'VP8L' ? vp8lInfo(file, chunk) : vp8Info(file, chunk);
  return { chunk, info };
}

/** Walks the whole container. Throws FormatError on truncated or invalid input. */
export function walkWebp(file: Uint8Array): WebpLayout {
  const n = file.length;
  for (let i = 0; i < 12; i++) {
    if (i >= n) throw truncated('the RIFF header', i);
    if (i < 4 && file[i] !== RIFF[i]) throw corrupt('the file does not start with RIFF', i);
    if (i >= 8 && file[i] !== WEBP[i - 8]) throw corrupt('the RIFF form type is not WEBP', i);
  }
  const size = readU32LE(file, 4);
  if (size > MAX_RIFF_SIZE) throw corrupt('RIFF File Size above 2^32-10', 4, { size });
  if (size < 4 + 8) throw corrupt('RIFF File Size leaves no room for a chunk', 4, { size });
  const riffEnd = 8 + size;
  if (riffEnd > n) {
    throw formatError(
      'format.truncated',
      'WebP is shorter than its RIFF File Size; supply the complete file.',
      {
        offset: n,
        expected: riffEnd,
      },
    );
  }
  const chunks = walkChunks(file, 12, riffEnd, 'the RIFF chunk');
  const first = chunks[0]!;
  let image: WebpImage | undefined;
  let frames = 0;
  for (const [i, c] of chunks.entries()) {
    if (c.fourcc === 'VP8X') {
      if (i !== 0) throw corrupt('VP8X is not the first chunk', c.start);
      if (c.dataEnd - c.dataStart !== VP8X_PAYLOAD_SIZE) {
        throw corrupt('VP8X payload is not 10 bytes', c.start, { size: c.dataEnd - c.dataStart });
      }
    } else if (IMAGE.has(c.fourcc)) {
      if (image !== undefined) throw corrupt('a second image bitstream chunk', c.start);
      image = imageOf(file, c);
    } else if (c.fourcc === 'ANMF') {
      // §2.7 (ANMF): frame header, then the frame's own chunks (ALPH?, VP8/VP8L, unknown).
      if (c.dataEnd - c.dataStart < ANMF_HEADER_SIZE)
        throw corrupt('ANMF is shorter than its header', c.start);
      walkChunks(file, c.dataStart + ANMF_HEADER_SIZE, c.dataEnd, 'an ANMF chunk');
      frames++;
    }
  }
  if (first.fourcc === 'VP8X') {
    if (image === undefined && frames === 0) throw corrupt('no image data (VP8, VP8L or ANMF)', riffEnd);
    return { extended: true, chunks, riffEnd, vp8x: first, image };
  }
  if (!IMAGE.has(first.fourcc) || image === undefined) {
    throw corrupt('the first chunk is neither VP8X nor an image bitstream (VP8, VP8L)', first.start, {
      chunk: first.fourcc,
    });
  }
  const stray = chunks.find((c) => EXTENDED_ONLY.has(c.fourcc));
  if (stray !== undefined) {
    throw corrupt(`a simple-format file carries ${stray.fourcc}, which needs VP8X`, stray.start);
  }
  return { extended: false, chunks, riffEnd, image };
}

/** A complete chunk: FourCC, size, payload and (for an odd size) a zero padding byte. */
export function buildWebpChunk(fourcc: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length + (payload.length & 1));
  for (let k = 0; k < 4; k++) out[k] = fourcc.charCodeAt(k);
  writeU32LE(out, 4, payload.length);
  out.set(payload, 8);
  return out;
}
