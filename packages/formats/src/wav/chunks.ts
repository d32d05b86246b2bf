/**
 * WAVE chunk walker: RIFF (Microsoft/IBM "Multimedia Programming Interface and Data
 * Specifications 1.0", 1991, RIFF and WAVE form) and its 64-bit extensions RF64 (EBU Tech 3306)
 * and BW64 (ITU-R BS.2088).
 *
 *   'RIFF' u32le size 'WAVE' then chunks: 4-byte id, u32le size, data, a pad byte when size is odd.
 *
 * `size` counts the bytes after the 8-byte header, so the RIFF ends at 8 + size; bytes after it
 * are a trailer kept as they are. 'fmt ' must precede 'data'; each appears once.
 * RF64/BW64 put 0xFFFFFFFF in the header (and in the data chunk's size) and keep the real
 * 64-bit sizes in a 'ds64' chunk that must come first.
 */
import { latin1Decode } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';

export type WavForm = 'RIFF' | 'RF64' | 'BW64';

export interface WavChunk {
  /** Four characters, e.g. 'fmt ', 'data', 'AIGC'. */
  readonly id: string;
  /** Offset of the chunk id. */
  readonly start: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  /** One past the pad byte (or past the data when the pad byte is missing at the RIFF end). */
  readonly end: number;
}

export interface WavLayout {
  readonly form: WavForm;
  readonly chunks: readonly WavChunk[];
  /** One past the RIFF: bytes from here on are a trailer. */
  readonly riffEnd: number;
  /** Where the RIFF size lives: the u32 at 4, or ds64's u64 riffSize for RF64/BW64. */
  readonly riffSizeField: { readonly at: number; readonly width: 4 | 8 };
  /** True when the last chunk has an odd size and no pad byte (tolerated at the RIFF end). */
  readonly missingPad: boolean;
}

/** EBU Tech 3306 §3: the 32-bit size fields of RF64 hold -1. */
const RF64_PLACEHOLDER = 0xffffffff;
/** A RIFF holds at most 2^32 - 1 bytes after its header. */
export const MAX_RIFF_SIZE = 0xffffffff;

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `WAV ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `WAV is structurally invalid: ${what}.`, { offset, ...details });
}

export function readU32LE(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

export function writeU32LE(b: Uint8Array, at: number, value: number): void {
  b[at] = value & 0xff;
  b[at + 1] = (value >>> 8) & 0xff;
  b[at + 2] = (value >>> 16) & 0xff;
  b[at + 3] = (value >>> 24) & 0xff;
}

/** A u64le as a number; values above 2^53 are reported as Infinity (no file is that large). */
function readU64LE(b: Uint8Array, at: number): number {
  const high = readU32LE(b, at + 4);
  return high >= 0x200000 ? Number.POSITIVE_INFINITY : high * 0x100000000 + readU32LE(b, at);
}

export function writeU64LE(b: Uint8Array, at: number, value: number): void {
  writeU32LE(b, at, value % 0x100000000);
  writeU32LE(b, at + 4, Math.floor(value / 0x100000000));
}

const FORMS: readonly WavForm[] = ['RIFF', 'RF64', 'BW64'];

function formAt(head: Uint8Array): WavForm | undefined {
  if (head.length < 4) return undefined;
  const id = String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!);
  return FORMS.find((f) => f === id);
}

/** Magic: 'RIFF' / 'RF64' / 'BW64', any size, 'WAVE'. Never throws. */
export function hasWavSignature(head: Uint8Array): boolean {
  return (
    head.length >= 12 &&
    formAt(head) !== undefined &&
    head[8] === 0x57 && // W
    head[9] === 0x41 && // A
    head[10] === 0x56 && // V
    head[11] === 0x45 // E
  );
}

/** FourCC characters: printable ASCII (space allowed, as in 'fmt '). */
function isFourCc(b: Uint8Array, at: number): boolean {
  for (let k = 0; k < 4; k++) {
    const c = b[at + k]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Walks the RIFF and every chunk in it. Throws FormatError on truncated or invalid input. */
export function walkWav(file: Uint8Array): WavLayout {
  const n = file.length;
  if (n < 12) {
    const expected = [0x52, 0x49, 0x46, 0x46, -1, -1, -1, -1, 0x57, 0x41, 0x56, 0x45];
    const prefixOk = file.every((b, i) => expected[i] === -1 || expected[i] === b);
    if (prefixOk || (n >= 4 && formAt(file) !== undefined)) throw truncated('the RIFF header', 0);
    throw corrupt('no RIFF/WAVE header', 0);
  }
  const form = formAt(file);
  if (form === undefined || !hasWavSignature(file)) throw corrupt('no RIFF/WAVE header', 0);
  const headerSize = readU32LE(file, 4);
  let riffEnd: number;
  let riffSizeField: WavLayout['riffSizeField'] = { at: 4, width: 4 };
  let ds64DataSize = -1;
  if (form === 'RIFF') {
    riffEnd = 8 + headerSize;
  } else {
    // EBU Tech 3306 §3.1: ds64 first: riffSize u64, dataSize u64, sampleCount u64, table.
    if (headerSize !== RF64_PLACEHOLDER) throw corrupt(`${form} header size is not 0xFFFFFFFF`, 4);
    if (n < 20 + 28) throw truncated('the ds64 chunk', 12);
    if (latin1Decode(file.subarray(12, 16)) !== 'ds64')
      throw corrupt(`${form} without a leading ds64 chunk`, 12);
    if (readU32LE(file, 16) < 24) throw corrupt('ds64 chunk shorter than 24 bytes', 12);
    riffEnd = 8 + readU64LE(file, 20);
    ds64DataSize = readU64LE(file, 28);
    riffSizeField = { at: 20, width: 8 };
  }
  if (riffEnd > n) throw truncated('the RIFF (its size runs past the end of the file)', 4);
  const chunks: WavChunk[] = [];
  let at = 12;
  let missingPad = false;
  let sawFmt = false;
  let sawData = false;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) throw corrupt('bytes left over at the end of the RIFF', at);
    if (!isFourCc(file, at)) throw corrupt('chunk id is not four printable ASCII characters', at);
    const id = latin1Decode(file.subarray(at, at + 4));
    let size = readU32LE(file, at + 4);
    if (form !== 'RIFF' && size === RF64_PLACEHOLDER && id === 'data') size = ds64DataSize;
    const dataStart = at + 8;
    const dataEnd = dataStart + size;
    if (dataEnd > riffEnd)
      throw corrupt(`the ${id.trim()} chunk runs past the end of the RIFF`, at, { size });
    let end = dataEnd + (size % 2);
    if (end > riffEnd) {
      // The last chunk's pad byte is missing: common enough to tolerate (the size is right).
      end = dataEnd;
      missingPad = true;
    }
    if (id === 'fmt ') {
      if (sawFmt) throw corrupt("a second 'fmt ' chunk", at);
      if (size < 16) throw corrupt("'fmt ' chunk shorter than 16 bytes", at, { size });
      sawFmt = true;
    } else if (id === 'data') {
      if (!sawFmt) throw corrupt("'data' chunk before the 'fmt ' chunk", at);
      if (sawData) throw corrupt("a second 'data' chunk", at);
      sawData = true;
    } else if (id === 'ds64' && (form === 'RIFF' || at !== 12)) {
      throw corrupt('a ds64 chunk out of place', at);
    }
    chunks.push({ id, start: at, dataStart, dataEnd, end });
    at = end;
  }
  if (!sawFmt) throw corrupt("no 'fmt ' chunk", 12);
  if (!sawData) throw corrupt("no 'data' chunk", 12);
  return { form, chunks, riffEnd, riffSizeField, missingPad };
}

/** A complete chunk: id, u32le size, data and a zero pad byte when the size is odd. */
export function buildWavChunk(id: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length % 2));
  for (let k = 0; k < 4; k++) out[k] = id.charCodeAt(k);
  writeU32LE(out, 4, data.length);
  out.set(data, 8);
  return out;
}
