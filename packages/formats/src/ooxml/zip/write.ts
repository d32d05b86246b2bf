/**
 * Writes ZIP archives (PKWARE APPNOTE 6.3.10 §4.3.6 layout: local records, central directory,
 * [ZIP64 end record and locator,] end record). An archive is assembled from pieces: an entry
 * copied verbatim (its local record and central header bytes, only the local-header offset
 * patched) or a freshly encoded one. So an edit re-encodes the parts it changes and keeps every
 * other entry byte for byte. ZIP64 end records are written when the input had one or the counts
 * or offsets need them (§4.4.1.4).
 */
import { concatBytes, utf8Encode } from '@synthguard/core';
import { crc32, deflateRawSync } from 'node:zlib';
import { formatError } from '../../errors.js';
import type { ZipArchive, ZipEntry } from './archive.js';
import {
  EOCD_SIZE,
  SIG_EOCD,
  SIG_ZIP64_EOCD,
  SIG_ZIP64_LOCATOR,
  ZIP64_EOCD_MIN_SIZE,
  ZIP64_LOCATOR_SIZE,
} from './archive.js';
import { putU16, putU32, putU64, u16, u32 } from './le.js';
import {
  CENTRAL_HEADER_SIZE,
  EXTRA_ZIP64,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  METHOD_DEFLATE,
  SIG_CENTRAL,
  SIG_DESCRIPTOR,
  SIG_LOCAL,
} from './records.js';

const MAX32 = 0xffffffff;

/** One entry of an archive being written. */
export interface ZipPiece {
  /** The local record: header, name, extra, data and data descriptor. */
  readonly local: Uint8Array;
  /** The central directory header; its local-header offset is patched on assembly. */
  readonly central: Uint8Array;
  /** Where in `central` the offset is stored: the 32-bit field or the ZIP64 extra value. */
  readonly offsetField: { readonly at: number; readonly width: 4 | 8 };
}

/** The entry as it stands, for a verbatim copy. */
export function pieceOf(entry: ZipEntry): ZipPiece {
  const c = entry.central;
  return {
    local: entry.src.subarray(entry.local.start, entry.local.end),
    central: entry.src.subarray(c.start, c.end),
    offsetField: { at: c.offsetField.at - c.start, width: c.offsetField.width },
  };
}

export interface EntrySpec {
  /** Entry name (UTF-8 flag set when not ASCII), or its exact bytes. */
  readonly name: string | Uint8Array;
  readonly data: Uint8Array;
  readonly method: 0 | 8;
  /** zlib deflate level (default 6); fixtures use others to imitate other writers' streams. */
  readonly level?: number;
  /** MS-DOS time and date (APPNOTE §4.4.6). */
  readonly time: number;
  readonly date: number;
  /** Extra flag bits (bit 11 UTF-8 is set automatically for non-ASCII string names). */
  readonly flags?: number;
  readonly versionMadeBy?: number;
  readonly localExtra?: Uint8Array;
  readonly centralExtra?: Uint8Array;
  readonly comment?: Uint8Array;
  readonly internalAttributes?: number;
  readonly externalAttributes?: number;
  /** Sizes and CRC after the data (flag bit 3), with or without the optional signature. */
  readonly dataDescriptor?: 'signed' | 'unsigned';
  /** Use ZIP64 extra fields even though the sizes fit (as streaming writers do). */
  readonly zip64?: boolean;
}

function extraField(id: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  putU16(out, 0, id);
  putU16(out, 2, data.length);
  out.set(data, 4);
  return out;
}

/** Compresses and frames one entry. Deterministic: equal specs give equal bytes. */
export function encodeEntry(spec: EntrySpec): ZipPiece {
  const nameBytes = typeof spec.name === 'string' ? utf8Encode(spec.name) : spec.name;
  const ascii = typeof spec.name !== 'string' || /^[\x20-\x7e]*$/.test(spec.name);
  const data =
    spec.method === METHOD_DEFLATE ? deflateRawSync(spec.data, { level: spec.level ?? 6 }) : spec.data;
  const crc = crc32(spec.data);
  const descriptor = spec.dataDescriptor !== undefined;
  const zip64 = spec.zip64 === true;
  const flags = (spec.flags ?? 0) | (ascii ? 0 : FLAG_UTF8) | (descriptor ? FLAG_DESCRIPTOR : 0);
  const needed = zip64 ? 45 : 20;

  const localZip64 = new Uint8Array(16);
  if (!descriptor) {
    putU64(localZip64, 0, spec.data.length);
    putU64(localZip64, 8, data.length);
  }
  const localExtra = concatBytes([
    zip64 ? extraField(EXTRA_ZIP64, localZip64) : new Uint8Array(0),
    spec.localExtra ?? new Uint8Array(0),
  ]);
  const head = new Uint8Array(LOCAL_HEADER_SIZE);
  putU32(head, 0, SIG_LOCAL);
  putU16(head, 4, needed);
  putU16(head, 6, flags);
  putU16(head, 8, spec.method);
  putU16(head, 10, spec.time);
  putU16(head, 12, spec.date);
  putU32(head, 14, descriptor ? 0 : crc);
  putU32(head, 18, zip64 ? MAX32 : descriptor ? 0 : data.length);
  putU32(head, 22, zip64 ? MAX32 : descriptor ? 0 : spec.data.length);
  putU16(head, 26, nameBytes.length);
  putU16(head, 28, localExtra.length);
  let tail = new Uint8Array(0);
  if (descriptor) {
    const w = zip64 ? 8 : 4;
    const signed = spec.dataDescriptor === 'signed' ? 4 : 0;
    tail = new Uint8Array(signed + 4 + 2 * w);
    if (signed) putU32(tail, 0, SIG_DESCRIPTOR);
    putU32(tail, signed, crc);
    (w === 8 ? putU64 : putU32)(tail, signed + 4, data.length);
    (w === 8 ? putU64 : putU32)(tail, signed + 4 + w, spec.data.length);
  }
  const local = concatBytes([head, nameBytes, localExtra, data, tail]);

  const centralZip64 = new Uint8Array(24);
  putU64(centralZip64, 0, spec.data.length);
  putU64(centralZip64, 8, data.length);
  const centralExtra = concatBytes([
    zip64 ? extraField(EXTRA_ZIP64, centralZip64) : new Uint8Array(0),
    spec.centralExtra ?? new Uint8Array(0),
  ]);
  const comment = spec.comment ?? new Uint8Array(0);
  const ch = new Uint8Array(CENTRAL_HEADER_SIZE);
  putU32(ch, 0, SIG_CENTRAL);
  putU16(ch, 4, spec.versionMadeBy ?? 20);
  putU16(ch, 6, needed);
  putU16(ch, 8, flags);
  putU16(ch, 10, spec.method);
  putU16(ch, 12, spec.time);
  putU16(ch, 14, spec.date);
  putU32(ch, 16, crc);
  putU32(ch, 20, zip64 ? MAX32 : data.length);
  putU32(ch, 24, zip64 ? MAX32 : spec.data.length);
  putU16(ch, 28, nameBytes.length);
  putU16(ch, 30, centralExtra.length);
  putU16(ch, 32, comment.length);
  putU16(ch, 36, spec.internalAttributes ?? 0);
  putU32(ch, 38, spec.externalAttributes ?? 0);
  putU32(ch, 42, zip64 ? MAX32 : 0);
  const central = concatBytes([ch, nameBytes, centralExtra, comment]);
  // The ZIP64 offset value sits after the two sizes in the ZIP64 extra (APPNOTE §4.5.3).
  const offsetField = zip64
    ? { at: CENTRAL_HEADER_SIZE + nameBytes.length + 4 + 16, width: 8 as const }
    : { at: 42, width: 4 as const };
  return { local, central, offsetField };
}

/** How the archive ends: the end record's comment, and the input's end records to keep their shape. */
export interface ZipEnd {
  readonly comment: Uint8Array;
  /** The input's ZIP64 end record (kept with its extensible data), when it had one. */
  readonly zip64Record?: Uint8Array;
  /** The input's 22-byte end record head (its all-ones markers are kept). */
  readonly eocdHead?: Uint8Array;
  /** Write a ZIP64 end record even when the values fit. */
  readonly forceZip64?: boolean;
}

/** The end of `archive` as it stands in `file`, to reproduce its shape. */
export function endOf(file: Uint8Array, archive: ZipArchive): ZipEnd {
  return {
    comment: file.subarray(archive.eocdStart + EOCD_SIZE),
    eocdHead: file.subarray(archive.eocdStart, archive.eocdStart + EOCD_SIZE),
    ...(archive.zip64 === undefined
      ? {}
      : { zip64Record: file.subarray(archive.zip64.recordStart, archive.zip64.recordEnd) }),
  };
}

/**
 * The archive with `locals` in file order and `centrals` (the same pieces) in directory order.
 * Throws `format.metadata_too_large` when an offset outgrows an entry's 32-bit field.
 */
export function assembleZip(
  locals: readonly ZipPiece[],
  centrals: readonly ZipPiece[],
  end: ZipEnd,
): Uint8Array {
  const offsets = new Map<ZipPiece, number>();
  const parts: Uint8Array[] = [];
  let pos = 0;
  for (const p of locals) {
    offsets.set(p, pos);
    parts.push(p.local);
    pos += p.local.length;
  }
  const cdStart = pos;
  for (const p of centrals) {
    const offset = offsets.get(p);
    if (offset === undefined) throw new Error('assembleZip: a central piece has no local record');
    const c = p.central.slice();
    if (p.offsetField.width === 8) {
      putU64(c, p.offsetField.at, offset);
    } else if (offset < MAX32) {
      putU32(c, p.offsetField.at, offset);
    } else {
      throw formatError(
        'format.metadata_too_large',
        'The edited ZIP archive needs ZIP64 offsets for an entry written without them.',
        {
          offset,
        },
      );
    }
    parts.push(c);
    pos += c.length;
  }
  const cdSize = pos - cdStart;
  const count = centrals.length;
  const zip64 =
    end.zip64Record !== undefined ||
    end.forceZip64 === true ||
    count >= 0xffff ||
    cdSize >= MAX32 ||
    cdStart >= MAX32;
  if (zip64) {
    const rec = end.zip64Record?.slice() ?? new Uint8Array(ZIP64_EOCD_MIN_SIZE);
    if (end.zip64Record === undefined) {
      putU32(rec, 0, SIG_ZIP64_EOCD);
      putU64(rec, 4, ZIP64_EOCD_MIN_SIZE - 12);
      putU16(rec, 12, 45);
      putU16(rec, 14, 45);
    }
    putU64(rec, 24, count);
    putU64(rec, 32, count);
    putU64(rec, 40, cdSize);
    putU64(rec, 48, cdStart);
    const locator = new Uint8Array(ZIP64_LOCATOR_SIZE);
    putU32(locator, 0, SIG_ZIP64_LOCATOR);
    putU64(locator, 8, pos);
    putU32(locator, 16, 1);
    parts.push(rec, locator);
  }
  const eocd = new Uint8Array(EOCD_SIZE + end.comment.length);
  if (end.eocdHead !== undefined) eocd.set(end.eocdHead);
  putU32(eocd, 0, SIG_EOCD);
  // With a ZIP64 record, a field keeps its all-ones marker when it had one or the value needs it.
  const field = (at: number, width: 2 | 4, v: number): void => {
    const max = width === 2 ? 0xffff : MAX32;
    const wasMarker =
      end.eocdHead !== undefined && (width === 2 ? u16(eocd, at, 'end') : u32(eocd, at, 'end')) === max;
    const value = zip64 && (wasMarker || v >= max) ? max : v;
    (width === 2 ? putU16 : putU32)(eocd, at, value);
  };
  putU16(eocd, 4, 0);
  putU16(eocd, 6, 0);
  field(8, 2, count);
  field(10, 2, count);
  field(12, 4, cdSize);
  field(16, 4, cdStart);
  putU16(eocd, 20, end.comment.length);
  eocd.set(end.comment, EOCD_SIZE);
  parts.push(eocd);
  return concatBytes(parts);
}

/** A whole archive from entry specs (fixtures, and parts we create). */
export function buildZip(
  specs: readonly EntrySpec[],
  end: ZipEnd = { comment: new Uint8Array(0) },
): Uint8Array {
  const pieces = specs.map(encodeEntry);
  return assembleZip(pieces, pieces, end);
}
