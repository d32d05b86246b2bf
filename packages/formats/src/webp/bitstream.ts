/**
 * The few header bits of a WebP image bitstream that the container needs: canvas size and
 * whether a lossless image uses alpha. Needed to build a VP8X chunk for a simple file
 * (RFC 9649 §2.5/§2.6: the bitstream's size "is assumed to be the width and height of the
 * canvas"). The same checks as libwebp's VP8GetInfo / VP8LGetInfo; nothing is decoded.
 */
import { formatError } from '../errors.js';

export interface BitstreamInfo {
  readonly width: number;
  readonly height: number;
  /** VP8L alpha_is_used hint; always false for VP8 (its alpha lives in an ALPH chunk). */
  readonly alpha: boolean;
}

interface ChunkRange {
  readonly fourcc: string;
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

function bad(what: string, c: ChunkRange): never {
  throw formatError('format.corrupt', `WebP ${c.fourcc.trim()} bitstream header is invalid: ${what}.`, {
    chunk: c.fourcc,
    offset: c.start,
  });
}

/** RFC 6386 §9.1 (uncompressed data chunk of a key frame) and §19.1. */
export function vp8Info(file: Uint8Array, c: ChunkRange): BitstreamInfo {
  const at = c.dataStart;
  const size = c.dataEnd - at;
  if (size < 10) bad('shorter than a key frame header', c);
  const tag = file[at]! | (file[at + 1]! << 8) | (file[at + 2]! << 16);
  if ((tag & 1) !== 0) bad('not a key frame', c);
  if (((tag >> 1) & 7) > 3) bad('unknown profile', c);
  if (((tag >> 4) & 1) === 0) bad('frame is not shown', c);
  if (tag >>> 5 >= size) bad('first partition larger than the chunk', c);
  if (file[at + 3] !== 0x9d || file[at + 4] !== 0x01 || file[at + 5] !== 0x2a) bad('missing start code', c);
  const width = (file[at + 6]! | (file[at + 7]! << 8)) & 0x3fff;
  const height = (file[at + 8]! | (file[at + 9]! << 8)) & 0x3fff;
  if (width === 0 || height === 0) bad('zero width or height', c);
  return { width, height, alpha: false };
}

/** RFC 9649 §3 (WebP lossless bitstream), "RIFF Header": signature 0x2f, 14+14+1+3 bits. */
export function vp8lInfo(file: Uint8Array, c: ChunkRange): BitstreamInfo {
  const at = c.dataStart;
  if (c.dataEnd - at < 5) bad('shorter than its 5-byte header', c);
  if (file[at] !== 0x2f) bad('missing signature 0x2f', c);
  const bits = (file[at + 1]! | (file[at + 2]! << 8) | (file[at + 3]! << 16) | (file[at + 4]! << 24)) >>> 0;
  if (bits >>> 29 !== 0) bad('version is not 0', c);
  return {
    width: (bits & 0x3fff) + 1,
    height: ((bits >>> 14) & 0x3fff) + 1,
    alpha: ((bits >>> 28) & 1) === 1,
  };
}
