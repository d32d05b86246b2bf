/**
 * FLAC stream walker (RFC 9639 §6-§8): 'fLaC', metadata blocks, then audio frames.
 *
 * Block header: 1 bit "last block", 7-bit type, 24-bit big-endian length. STREAMINFO (type 0,
 * 34 bytes) comes first and once; type 127 is forbidden. Frames are scanned to the end (see
 * frames.ts); when STREAMINFO announces the total sample count, fewer samples means the file
 * was cut at a frame boundary. A 128-byte ID3v1 tag after the last frame is kept as a trailer.
 */
import { latin1Decode, readU32BE } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { type FlacFrames, scanFlacFrames } from './frames.js';

export const FLAC_MAGIC: Uint8Array = Uint8Array.of(0x66, 0x4c, 0x61, 0x43); // 'fLaC'

/** RFC 9639 §8.1 block types. */
export const BLOCK_STREAMINFO = 0;
export const BLOCK_PADDING = 1;
export const BLOCK_VORBIS_COMMENT = 4;
/** 2^24 - 1: the largest block length. */
export const MAX_BLOCK_LENGTH = 0xffffff;

export interface FlacBlock {
  readonly type: number;
  /** Offset of the 4-byte block header. */
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
  readonly last: boolean;
}

export interface FlacStreamInfo {
  readonly minBlockSize: number;
  readonly maxBlockSize: number;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** 0: unknown. */
  readonly totalSamples: number;
}

export interface FlacLayout {
  readonly blocks: readonly FlacBlock[];
  readonly streamInfo: FlacStreamInfo;
  /** Offset of the first frame (one past the last metadata block). */
  readonly audioStart: number;
  readonly frames: FlacFrames;
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `FLAC ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `FLAC is structurally invalid: ${what}.`, { offset, ...details });
}

export function hasFlacSignature(head: Uint8Array): boolean {
  return head.length >= 4 && FLAC_MAGIC.every((b, i) => head[i] === b);
}

function u24(b: Uint8Array, at: number): number {
  return (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
}

/** RFC 9639 §8.2. */
function parseStreamInfo(b: Uint8Array, at: number): FlacStreamInfo {
  const minBlockSize = (b[at]! << 8) | b[at + 1]!;
  const maxBlockSize = (b[at + 2]! << 8) | b[at + 3]!;
  const sampleRate = (b[at + 10]! << 12) | (b[at + 11]! << 4) | (b[at + 12]! >> 4);
  const channels = ((b[at + 12]! >> 1) & 7) + 1;
  const bitsPerSample = (((b[at + 12]! & 1) << 4) | (b[at + 13]! >> 4)) + 1;
  const totalSamples = (b[at + 13]! & 0x0f) * 0x100000000 + readU32BE(b, at + 14);
  if (minBlockSize < 16 || maxBlockSize < minBlockSize) {
    throw corrupt('STREAMINFO block sizes out of range', at, { minBlockSize, maxBlockSize });
  }
  if (sampleRate === 0 || bitsPerSample < 4) throw corrupt('STREAMINFO sample rate or bit depth invalid', at);
  return { minBlockSize, maxBlockSize, sampleRate, channels, bitsPerSample, totalSamples };
}

/** The metadata blocks and where the audio starts. */
export function walkFlacMetadata(file: Uint8Array): { blocks: FlacBlock[]; audioStart: number } {
  const n = file.length;
  for (let i = 0; i < 4; i++) {
    if (i >= n) throw truncated('the fLaC signature', i);
    if (file[i] !== FLAC_MAGIC[i]) throw corrupt('bad signature', i);
  }
  const blocks: FlacBlock[] = [];
  let at = 4;
  for (;;) {
    if (at + 4 > n) throw truncated('a metadata block header', at);
    const last = (file[at]! & 0x80) !== 0;
    const type = file[at]! & 0x7f;
    const dataStart = at + 4;
    const end = dataStart + u24(file, at + 1);
    if (type === 127) throw corrupt('metadata block type 127', at);
    if (blocks.length === 0 && (type !== BLOCK_STREAMINFO || end - dataStart !== 34)) {
      throw corrupt('the first block is not a 34-byte STREAMINFO', at);
    }
    if (blocks.length > 0 && type === BLOCK_STREAMINFO) throw corrupt('a second STREAMINFO block', at);
    if (end > n) throw truncated(`metadata block type ${type}`, at);
    blocks.push({ type, start: at, dataStart, end, last });
    at = end;
    if (last) return { blocks, audioStart: at };
  }
}

/** ID3v1: 'TAG' and 125 bytes at the very end (appended by some taggers). */
function id3v1Start(file: Uint8Array, audioStart: number): number {
  const at = file.length - 128;
  return at > audioStart && latin1Decode(file.subarray(at, at + 3)) === 'TAG' ? at : -1;
}

/** Walks the metadata and every frame. Throws FormatError on truncated or invalid input. */
export function walkFlac(file: Uint8Array): FlacLayout {
  const { blocks, audioStart } = walkFlacMetadata(file);
  const streamInfo = parseStreamInfo(file, blocks[0]!.dataStart);
  const frames = scanFlacFrames(file, audioStart, file.length, id3v1Start(file, audioStart));
  if (streamInfo.totalSamples > 0 && frames.samples < streamInfo.totalSamples) {
    throw formatError(
      'format.truncated',
      'FLAC holds fewer samples than STREAMINFO announces; supply the complete file.',
      { expected: streamInfo.totalSamples, found: frames.samples },
    );
  }
  return { blocks, streamInfo, audioStart, frames };
}

/** The 4-byte header of a metadata block. */
export function blockHeader(type: number, length: number, last: boolean): Uint8Array {
  return Uint8Array.of(
    (last ? 0x80 : 0) | type,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}
