/**
 * GIF block walker (GIF89a specification, CompuServe 1990; GIF87a for the older header).
 *
 * Header 'GIF87a' | 'GIF89a' (§17), Logical Screen Descriptor (§18, 7 bytes) and the Global
 * Color Table when its flag is set (§19), then blocks until the Trailer 0x3B (§27):
 * - Extension (0x21, §23-§26): label byte, then data sub-blocks (§15: a size byte 1-255 and
 *   that many bytes, ended by a zero-size Block Terminator, §16). Every extension is walked
 *   as sub-blocks whatever its label, as decoders skip unknown ones (and as GIF87a demanded).
 * - Image (0x2C, §20-§22): 9-byte descriptor, Local Color Table when flagged, LZW minimum
 *   code size, then image data sub-blocks.
 * Bytes after the Trailer are kept as they are. Any other introducer is format.corrupt.
 * Linear time: each byte is looked at once.
 */
import { latin1Decode } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';

export type GifVersion = '87a' | '89a';

export interface GifBlock {
  readonly kind: 'extension' | 'image';
  /** Offset of the introducer (0x21 / 0x2C). */
  readonly start: number;
  /** One past the Block Terminator. */
  readonly end: number;
  /** Extension label (0xF9 graphic control, 0xFE comment, 0x01 plain text, 0xFF application). */
  readonly label?: number;
  /**
   * Application Extension (§26): Application Identifier + Authentication Code (11 bytes, as
   * Latin-1 text), when its first sub-block has the standard size 11.
   */
  readonly application?: string;
}

export interface GifLayout {
  readonly version: GifVersion;
  readonly blocks: readonly GifBlock[];
  /** Offset of the Trailer byte 0x3B. */
  readonly trailerAt: number;
  /** trailerAt + 1: bytes from here on are kept as they are. */
  readonly end: number;
}

const SIGNATURE = [0x47, 0x49, 0x46, 0x38]; // 'GIF8'
/** Offset of the Logical Screen Descriptor's packed fields byte, and where blocks may start. */
export const LSD_PACKED = 10;
const HEADER_END = 13;

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `GIF ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `GIF is structurally invalid: ${what}.`, { offset, ...details });
}

/** 'GIF87a' or 'GIF89a'. Never throws, never reads out of bounds. */
export function hasGifSignature(head: Uint8Array): boolean {
  if (head.length < 6) return false;
  for (let i = 0; i < 4; i++) if (head[i] !== SIGNATURE[i]) return false;
  return (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61;
}

/** Size in bytes of the color table announced by a packed-fields byte (low 3 bits; §18, §20). */
function colorTableSize(packed: number): number {
  return 3 << ((packed & 0x07) + 1);
}

/** Skips data sub-blocks from `at` (a size byte); returns one past the Block Terminator. */
function skipSubBlocks(file: Uint8Array, at: number, what: string): number {
  const n = file.length;
  let p = at;
  for (;;) {
    if (p >= n) throw truncated(`the data sub-blocks of ${what}`, at);
    const size = file[p]!;
    if (size === 0) return p + 1;
    p += 1 + size;
  }
}

/** Walks the whole data stream. Throws FormatError on truncated or invalid input. */
export function walkGif(file: Uint8Array): GifLayout {
  const n = file.length;
  for (let i = 0; i < 6; i++) {
    if (i >= n) throw truncated('the header', i);
    const ok =
      i < 4 ? file[i] === SIGNATURE[i] : i === 4 ? file[i] === 0x37 || file[i] === 0x39 : file[i] === 0x61;
    if (!ok) throw corrupt('the header is neither GIF87a nor GIF89a', i);
  }
  const version: GifVersion = file[4] === 0x37 ? '87a' : '89a';
  if (n < HEADER_END) throw truncated('the logical screen descriptor', 6);
  const packed = file[LSD_PACKED]!;
  let at = HEADER_END + ((packed & 0x80) !== 0 ? colorTableSize(packed) : 0);
  if (at > n) throw truncated('the global color table', HEADER_END);

  const blocks: GifBlock[] = [];
  for (;;) {
    if (at >= n) throw truncated('the block list (no trailer)', at);
    const introducer = file[at]!;
    if (introducer === 0x3b) return { version, blocks, trailerAt: at, end: at + 1 };
    if (introducer === 0x21) {
      if (at + 2 > n) throw truncated('an extension label', at);
      const label = file[at + 1]!;
      const end = skipSubBlocks(file, at + 2, `extension 0x${label.toString(16)}`);
      const application =
        label === 0xff && file[at + 2] === 11 ? latin1Decode(file.subarray(at + 3, at + 14)) : undefined;
      blocks.push({
        kind: 'extension',
        start: at,
        end,
        label,
        ...(application === undefined ? {} : { application }),
      });
      at = end;
    } else if (introducer === 0x2c) {
      if (at + 10 > n) throw truncated('an image descriptor', at);
      const imagePacked = file[at + 9]!;
      const data = at + 10 + ((imagePacked & 0x80) !== 0 ? colorTableSize(imagePacked) : 0);
      // The LZW minimum code size byte, then the image data sub-blocks.
      if (data + 1 > n) throw truncated('a local color table', at);
      const end = skipSubBlocks(file, data + 1, 'image data');
      blocks.push({ kind: 'image', start: at, end });
      at = end;
    } else {
      throw corrupt('unknown block introducer', at, { introducer });
    }
  }
}
