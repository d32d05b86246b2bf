/**
 * The per-entry ZIP records (PKWARE APPNOTE 6.3.10): central directory file header (§4.3.12),
 * local file header (§4.3.7), data descriptor (§4.3.9) and extra fields (§4.5, ZIP64 §4.5.3).
 *
 * Every offset is bounds-checked against an explicit `limit` (the end of the region the record
 * must lie in), so a hostile length can never make us read outside it. Only stored and deflate
 * entries are accepted: ECMA-376 Part 2 (OPC) Annex C allows no other compression method, and no
 * encryption.
 */
import { formatError } from '../../errors.js';
import { u16, u32, u64 } from './le.js';

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_DESCRIPTOR = 0x08074b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;

/** APPNOTE §4.5.2: header id of the ZIP64 extended information extra field. */
export const EXTRA_ZIP64 = 0x0001;

/** APPNOTE §4.4.4 general purpose bit flags. */
export const FLAG_ENCRYPTED = 0x0001;
export const FLAG_DESCRIPTOR = 0x0008;
export const FLAG_STRONG_ENCRYPTION = 0x0040;
export const FLAG_UTF8 = 0x0800;
export const FLAG_MASKED_HEADERS = 0x2000;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

/** Longest entry name we accept (OPC part names are short paths). */
export const MAX_NAME_LENGTH = 1024;
/**
 * Deflate cannot expand data by more than about 1032:1 (a 258-byte match costs at least two
 * bits), so a larger declared ratio is a lie: a zip bomb or a corrupt header.
 */
export const MAX_DEFLATE_RATIO = 1032;

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

export interface ExtraField {
  readonly id: number;
  /** Absolute range of the field's data (after its 4-byte header) in the buffer. */
  readonly start: number;
  readonly end: number;
}

/** The extra fields in `[start, end)`; they must tile the range exactly (APPNOTE §4.5.1). */
export function parseExtraFields(b: Uint8Array, start: number, end: number): ExtraField[] {
  const fields: ExtraField[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 4)
      throw formatError('format.corrupt', 'ZIP extra field header is cut short.', { offset: at });
    const id = u16(b, at, 'extra field');
    const size = u16(b, at + 2, 'extra field');
    if (at + 4 + size > end) {
      throw formatError('format.corrupt', 'ZIP extra field runs past its extra block.', { offset: at });
    }
    fields.push({ id, start: at + 4, end: at + 4 + size });
    at += 4 + size;
  }
  return fields;
}

export interface CentralRecord {
  /** Range of the whole record (header, name, extra, comment). */
  readonly start: number;
  readonly end: number;
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
  readonly nameBytes: Uint8Array;
  /** The name decoded for comparisons (UTF-8 with flag bit 11, else byte-per-char). */
  readonly name: string;
  readonly extraStart: number;
  readonly extraEnd: number;
  /** Where the local header offset is stored (the 32-bit field or the ZIP64 extra value). */
  readonly offsetField: { readonly at: number; readonly width: 4 | 8 };
  /** True when the record carries a ZIP64 extra field. */
  readonly zip64: boolean;
}

function decodeName(bytes: Uint8Array, utf8: boolean, at: number): string {
  if (!utf8) {
    let s = '';
    for (const c of bytes) s += String.fromCharCode(c);
    return s;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw formatError(
      'format.corrupt',
      'ZIP entry name is flagged UTF-8 but is not valid UTF-8.',
      { offset: at },
      cause,
    );
  }
}

function checkFlagsAndMethod(flags: number, method: number, at: number): void {
  if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS)) !== 0) {
    throw formatError(
      'format.corrupt',
      'ZIP entry is encrypted; OOXML packages (OPC) allow no ZIP encryption.',
      {
        offset: at,
      },
    );
  }
  if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
    throw formatError(
      'format.corrupt',
      'ZIP entry uses a compression method OPC does not allow (only stored and deflate).',
      {
        offset: at,
        method,
      },
    );
  }
}

/** Parses the central directory header at `at`; the record must end by `limit`. */
export function parseCentralRecord(b: Uint8Array, at: number, limit: number): CentralRecord {
  if (at + CENTRAL_HEADER_SIZE > limit) {
    throw formatError('format.corrupt', 'ZIP central directory ends inside a file header.', { offset: at });
  }
  if (u32(b, at, 'central header') !== SIG_CENTRAL) {
    throw formatError('format.corrupt', 'ZIP central directory header has a bad signature.', { offset: at });
  }
  const flags = u16(b, at + 8, 'central header');
  const method = u16(b, at + 10, 'central header');
  checkFlagsAndMethod(flags, method, at);
  let crc32 = u32(b, at + 16, 'central header');
  let compressedSize = u32(b, at + 20, 'central header');
  let uncompressedSize = u32(b, at + 24, 'central header');
  const nameLength = u16(b, at + 28, 'central header');
  const extraLength = u16(b, at + 30, 'central header');
  const commentLength = u16(b, at + 32, 'central header');
  const disk = u16(b, at + 34, 'central header');
  let localOffset = u32(b, at + 42, 'central header');
  const end = at + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  if (end > limit)
    throw formatError('format.corrupt', 'ZIP central directory header runs past the directory.', {
      offset: at,
    });
  if (nameLength === 0 || nameLength > MAX_NAME_LENGTH) {
    throw formatError('format.corrupt', 'ZIP entry name is empty or too long.', { offset: at, nameLength });
  }
  const nameStart = at + CENTRAL_HEADER_SIZE;
  const nameBytes = b.subarray(nameStart, nameStart + nameLength);
  const extraStart = nameStart + nameLength;
  const extraEnd = extraStart + extraLength;
  let offsetField: { at: number; width: 4 | 8 } = { at: at + 42, width: 4 };
  let zip64 = false;
  let diskNumber = disk;
  for (const f of parseExtraFields(b, extraStart, extraEnd)) {
    if (f.id !== EXTRA_ZIP64) continue;
    if (zip64) throw formatError('format.corrupt', 'ZIP entry has two ZIP64 extra fields.', { offset: at });
    zip64 = true;
    // APPNOTE §4.5.3: the values appear in this order, each only when its header field is all ones.
    let p = f.start;
    const take = (): number => {
      if (p + 8 > f.end)
        throw formatError('format.corrupt', 'ZIP64 extra field is too short.', { offset: f.start });
      const v = u64(b, p, 'ZIP64 extra');
      p += 8;
      return v;
    };
    if (uncompressedSize === MAX32) uncompressedSize = take();
    if (compressedSize === MAX32) compressedSize = take();
    if (localOffset === MAX32) {
      offsetField = { at: p, width: 8 };
      localOffset = take();
    }
    if (diskNumber === MAX16) {
      if (p + 4 > f.end)
        throw formatError('format.corrupt', 'ZIP64 extra field is too short.', { offset: f.start });
      diskNumber = u32(b, p, 'ZIP64 extra');
    }
  }
  if (diskNumber !== 0)
    throw formatError('format.corrupt', 'Multi-disk ZIP archives are not supported.', { offset: at });
  if (method === METHOD_STORED && compressedSize !== uncompressedSize) {
    throw formatError('format.corrupt', 'ZIP stored entry has different compressed and uncompressed sizes.', {
      offset: at,
    });
  }
  if (method === METHOD_DEFLATE && uncompressedSize > compressedSize * MAX_DEFLATE_RATIO + 64) {
    throw formatError('format.corrupt', 'ZIP entry declares an impossible compression ratio (zip bomb).', {
      offset: at,
    });
  }
  crc32 >>>= 0;
  return {
    start: at,
    end,
    flags,
    method,
    crc32,
    compressedSize,
    uncompressedSize,
    localOffset,
    nameBytes,
    name: decodeName(nameBytes, (flags & FLAG_UTF8) !== 0, at),
    extraStart,
    extraEnd,
    offsetField,
    zip64,
  };
}

export interface LocalRecord {
  /** Range of the whole local record: header, name, extra, data and data descriptor. */
  readonly start: number;
  readonly end: number;
  readonly extraStart: number;
  readonly extraEnd: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

function bytesEqualAt(b: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > b.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[at + i] !== expected[i]) return false;
  return true;
}

/** A local value must equal the central one, or be zero when a data descriptor follows the data. */
function sameOrDeferred(local: number, central: number, deferred: boolean): boolean {
  return local === central || (deferred && local === 0);
}

/**
 * Parses the local record at `at` for the central record `c`, checking that both agree
 * (name, method, sizes, CRC); the record, data and data descriptor must end by `limit`.
 */
export function parseLocalRecord(b: Uint8Array, at: number, c: CentralRecord, limit: number): LocalRecord {
  if (at + LOCAL_HEADER_SIZE > limit) {
    throw formatError('format.truncated', 'ZIP local file header runs past its region.', { offset: at });
  }
  if (u32(b, at, 'local header') !== SIG_LOCAL) {
    throw formatError('format.corrupt', 'ZIP local file header has a bad signature.', { offset: at });
  }
  const flags = u16(b, at + 6, 'local header');
  const method = u16(b, at + 8, 'local header');
  const crc = u32(b, at + 14, 'local header');
  let csize = u32(b, at + 18, 'local header');
  let usize = u32(b, at + 22, 'local header');
  const nameLength = u16(b, at + 26, 'local header');
  const extraLength = u16(b, at + 28, 'local header');
  const extraStart = at + LOCAL_HEADER_SIZE + nameLength;
  const extraEnd = extraStart + extraLength;
  if (extraEnd > limit)
    throw formatError('format.truncated', 'ZIP local file header runs past its region.', { offset: at });
  const deferred = (flags & FLAG_DESCRIPTOR) !== 0;
  if (
    method !== c.method ||
    deferred !== ((c.flags & FLAG_DESCRIPTOR) !== 0) ||
    nameLength !== c.nameBytes.length ||
    !bytesEqualAt(b, at + LOCAL_HEADER_SIZE, c.nameBytes)
  ) {
    throw formatError('format.corrupt', 'ZIP local file header disagrees with the central directory.', {
      offset: at,
    });
  }
  let zip64 = false;
  for (const f of parseExtraFields(b, extraStart, extraEnd)) {
    if (f.id !== EXTRA_ZIP64) continue;
    if (zip64) throw formatError('format.corrupt', 'ZIP entry has two ZIP64 extra fields.', { offset: at });
    zip64 = true;
    // APPNOTE §4.5.3: in a local header the field holds both sizes when either is all ones.
    if (csize === MAX32 || usize === MAX32) {
      if (f.end - f.start < 16)
        throw formatError('format.corrupt', 'ZIP64 extra field is too short.', { offset: f.start });
      usize = u64(b, f.start, 'ZIP64 extra');
      csize = u64(b, f.start + 8, 'ZIP64 extra');
    }
  }
  if (
    !sameOrDeferred(crc, c.crc32, deferred) ||
    !sameOrDeferred(csize, c.compressedSize, deferred) ||
    !sameOrDeferred(usize, c.uncompressedSize, deferred)
  ) {
    throw formatError(
      'format.corrupt',
      'ZIP local file header sizes or CRC disagree with the central directory.',
      {
        offset: at,
      },
    );
  }
  const dataStart = extraEnd;
  const dataEnd = dataStart + c.compressedSize;
  if (dataEnd > limit)
    throw formatError('format.truncated', 'ZIP entry data runs past its region.', { offset: at });
  const end = deferred ? dataEnd + descriptorLength(b, dataEnd, c, zip64, limit) : dataEnd;
  return { start: at, end, extraStart, extraEnd, dataStart, dataEnd };
}

/**
 * Length of the data descriptor at `at` (APPNOTE §4.3.9): optional signature, CRC, then both
 * sizes as 4 bytes, or 8 for ZIP64 entries. Each layout is tried; the values must match `c`.
 */
function descriptorLength(
  b: Uint8Array,
  at: number,
  c: CentralRecord,
  zip64: boolean,
  limit: number,
): number {
  const widths: (4 | 8)[] = zip64 ? [8, 4] : [4, 8];
  let fits = false;
  for (const signed of [true, false]) {
    for (const w of widths) {
      const base = signed ? at + 4 : at;
      const length = base - at + 4 + 2 * w;
      if (at + length > limit) continue;
      fits = true;
      if (signed && u32(b, at, 'data descriptor') !== SIG_DESCRIPTOR) continue;
      // Unchecked 64-bit read: an out-of-range value simply fails to match.
      const read = (p: number, what: string): number =>
        w === 8 ? u32(b, p + 4, what) * 0x1_0000_0000 + u32(b, p, what) : u32(b, p, what);
      if (
        u32(b, base, 'data descriptor') === c.crc32 &&
        read(base + 4, 'data descriptor') === c.compressedSize &&
        read(base + 4 + w, 'data descriptor') === c.uncompressedSize
      ) {
        return length;
      }
    }
  }
  throw formatError(
    fits ? 'format.corrupt' : 'format.truncated',
    fits
      ? 'ZIP data descriptor disagrees with the central directory.'
      : 'ZIP data descriptor runs past its region.',
    { offset: at },
  );
}
