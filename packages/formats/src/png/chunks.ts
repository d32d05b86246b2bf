/**
 * PNG chunk walker (PNG spec 3rd ed. §5: datastream structure).
 *
 * Signature, then chunks of: 4-byte length (<= 2^31-1), 4-byte type, data, CRC-32 over
 * type + data. IHDR comes first, IEND last; bytes after IEND are a trailer kept as-is.
 * Every CRC is verified.
 */
import { latin1Decode, readU32BE, writeU32BE } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { crc32 } from './crc.js';

export const PNG_SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** PNG spec §5.3: a chunk length is at most 2^31 - 1. */
export const MAX_CHUNK_LENGTH = 0x7fffffff;

export interface PngChunk {
  /** Four ASCII letters, e.g. 'IHDR'. */
  readonly type: string;
  /** Offset of the length field. */
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  /** Offset one past the CRC. */
  readonly end: number;
}

export interface PngLayout {
  readonly chunks: readonly PngChunk[];
  /** Offset one past IEND's CRC: bytes from here on are a trailer, kept as they are. */
  readonly imageEnd: number;
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `PNG ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `PNG is structurally invalid: ${what}.`, { offset, ...details });
}

/** §5.4: chunk type bytes are restricted to A-Z and a-z. */
function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

export function hasPngSignature(head: Uint8Array): boolean {
  if (head.length < PNG_SIGNATURE.length) return false;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (head[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

/** Walks every chunk and verifies every CRC. Throws FormatError on truncated or invalid input. */
export function walkPng(file: Uint8Array): PngLayout {
  const n = file.length;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (i >= n) throw truncated('the signature', i);
    if (file[i] !== PNG_SIGNATURE[i]) throw corrupt('bad signature', i);
  }
  const chunks: PngChunk[] = [];
  let at = PNG_SIGNATURE.length;
  let sawData = false;
  for (;;) {
    if (at + 8 > n) throw truncated('a chunk header (no IEND)', at);
    const length = readU32BE(file, at);
    if (length > MAX_CHUNK_LENGTH) throw corrupt('chunk length above 2^31-1', at, { length });
    for (let k = 4; k < 8; k++) {
      if (!isLetter(file[at + k]!)) throw corrupt('chunk type is not four ASCII letters', at);
    }
    const type = latin1Decode(file.subarray(at + 4, at + 8));
    const dataStart = at + 8;
    const dataEnd = dataStart + length;
    const end = dataEnd + 4;
    if (end > n) throw truncated(`the ${type} chunk`, at);
    const expected = readU32BE(file, dataEnd);
    if (crc32(file, at + 4, dataEnd) !== expected) {
      throw formatError(
        'format.png_bad_crc',
        `PNG chunk ${type} fails its CRC check; the file was damaged in transit or edited badly. Supply an intact file.`,
        { chunk: type, offset: at },
      );
    }
    const chunk: PngChunk = { type, start: at, dataStart, dataEnd, end };
    if (chunks.length === 0) {
      if (type !== 'IHDR' || length !== 13) throw corrupt('the first chunk is not a 13-byte IHDR', at);
    } else if (type === 'IHDR') {
      throw corrupt('a second IHDR chunk', at);
    }
    chunks.push(chunk);
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') {
      if (length !== 0) throw corrupt('IEND carries data', at, { length });
      if (!sawData) throw corrupt('no IDAT chunk before IEND', at);
      return { chunks, imageEnd: end };
    }
    at = end;
  }
}

/** A complete chunk (length, type, data, CRC). `type` must be four ASCII letters. */
export function buildChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeU32BE(out, 0, data.length);
  for (let k = 0; k < 4; k++) out[4 + k] = type.charCodeAt(k);
  out.set(data, 8);
  writeU32BE(out, 8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}
