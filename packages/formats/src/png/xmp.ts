/**
 * Standard XMP in PNG: XMP Specification Part 3 (2016) §1.1.5.
 *
 * The packet is the text of an iTXt chunk (PNG spec 3rd ed. §11.3.3.4) with the keyword
 * `XML:com.adobe.xmp`. Layout of iTXt data: keyword, NUL, compression flag, compression method,
 * language tag, NUL, translated keyword, NUL, text (zlib-compressed when the flag is 1).
 *
 * Deliberate widening: libvips (and so sharp) writes the same keyword in a zTXt chunk, and
 * ExifTool reads the keyword from tEXt, zTXt and iTXt alike. We therefore treat a tEXt or zTXt
 * chunk with that keyword as an XMP carrier too: it is read, counted for duplicates, and
 * replaced in place by an uncompressed iTXt on write. Otherwise a file could carry two packets
 * that different readers disagree on.
 */
import { asciiBytes, concatBytes, startsWithAt } from '@synthguard/core';
import { inflateSync } from 'node:zlib';
import { type FormatError, formatError } from '../errors.js';
import { splice } from '../splice.js';
import { MAX_CHUNK_LENGTH, type PngChunk, buildChunk, walkPng } from './chunks.js';

/** Keyword followed by its NUL separator. */
const XMP_KEYWORD = asciiBytes('XML:com.adobe.xmp\0');
/** Cap on an inflated packet. */
export const MAX_INFLATED_XMP = 16 * 1024 * 1024;
/** iTXt data we write: keyword, NUL, flag 0, method 0, empty language tag NUL, empty translated keyword NUL. */
const ITXT_PREFIX = concatBytes([XMP_KEYWORD, Uint8Array.of(0, 0, 0, 0)]);
export const MAX_PNG_XMP_PACKET = MAX_CHUNK_LENGTH - ITXT_PREFIX.length;

const TEXT_CHUNKS = new Set(['iTXt', 'zTXt', 'tEXt']);

function isXmpChunk(file: Uint8Array, c: PngChunk): boolean {
  return (
    TEXT_CHUNKS.has(c.type) &&
    c.dataEnd - c.dataStart >= XMP_KEYWORD.length &&
    startsWithAt(file, XMP_KEYWORD, c.dataStart)
  );
}

function corrupt(what: string, c: PngChunk): FormatError {
  return formatError('format.corrupt', `PNG ${c.type} XMP chunk is malformed: ${what}.`, {
    chunk: c.type,
    offset: c.start,
  });
}

function inflate(data: Uint8Array, c: PngChunk): Uint8Array {
  try {
    const out = inflateSync(data, { maxOutputLength: MAX_INFLATED_XMP });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (cause) {
    throw formatError(
      'format.corrupt',
      `PNG ${c.type} XMP chunk does not inflate (bad zlib data, or over ${MAX_INFLATED_XMP} bytes).`,
      { chunk: c.type, offset: c.start, limit: MAX_INFLATED_XMP },
      cause,
    );
  }
}

/** Index of the NUL at or after `from` and before `end`, or -1. */
function nulAt(file: Uint8Array, from: number, end: number): number {
  const at = file.subarray(from, end).indexOf(0);
  return at < 0 ? -1 : from + at;
}

/** The packet bytes carried by an XMP text chunk (decompressed when needed). */
function packetOf(file: Uint8Array, c: PngChunk): Uint8Array {
  let at = c.dataStart + XMP_KEYWORD.length;
  const end = c.dataEnd;
  if (c.type === 'tEXt') return file.slice(at, end);
  if (c.type === 'zTXt') {
    if (at >= end || file[at] !== 0) throw corrupt('unknown compression method', c);
    return inflate(file.subarray(at + 1, end), c);
  }
  // iTXt
  if (at + 2 > end) throw corrupt('missing compression flag and method', c);
  const flag = file[at]!;
  const method = file[at + 1]!;
  if (flag > 1) throw corrupt('compression flag is neither 0 nor 1', c);
  if (method !== 0) throw corrupt('unknown compression method', c);
  at += 2;
  const langEnd = nulAt(file, at, end);
  if (langEnd < 0) throw corrupt('unterminated language tag', c);
  const translatedEnd = nulAt(file, langEnd + 1, end);
  if (translatedEnd < 0) throw corrupt('unterminated translated keyword', c);
  const text = file.subarray(translatedEnd + 1, end);
  return flag === 1 ? inflate(text, c) : text.slice();
}

function findXmpChunk(file: Uint8Array, chunks: readonly PngChunk[]): PngChunk | undefined {
  let found: PngChunk | undefined;
  for (const c of chunks) {
    if (!isXmpChunk(file, c)) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'PNG holds more than one XMP text chunk; remove the extra one before labelling.',
        { first: found.start, second: c.start },
      );
    }
    found = c;
  }
  return found;
}

function buildXmpChunk(packet: Uint8Array): Uint8Array {
  if (packet.length > MAX_PNG_XMP_PACKET) {
    throw formatError(
      'format.metadata_too_large',
      'The XMP packet does not fit one PNG chunk; make it smaller.',
      {
        size: packet.length,
        limit: MAX_PNG_XMP_PACKET,
      },
    );
  }
  return buildChunk('iTXt', concatBytes([ITXT_PREFIX, packet]));
}

export function readPngXmp(file: Uint8Array): Uint8Array | undefined {
  const { chunks } = walkPng(file);
  const c = findXmpChunk(file, chunks);
  return c === undefined ? undefined : packetOf(file, c);
}

export function writePngXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const { chunks } = walkPng(file);
  const existing = findXmpChunk(file, chunks);
  const replacement = packet === undefined ? new Uint8Array(0) : buildXmpChunk(packet);
  if (existing !== undefined) return splice(file, existing.start, existing.end, replacement);
  if (packet === undefined) return file.slice();
  // Conventional position: right after IHDR (always the first chunk, see walkPng).
  const ihdr = chunks[0]!;
  return splice(file, ihdr.end, ihdr.end, replacement);
}
