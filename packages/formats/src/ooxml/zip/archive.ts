/**
 * Reads a whole ZIP archive's structure (PKWARE APPNOTE 6.3.10): the end of central directory
 * record (§4.3.16, searched in the last 65557 bytes), the ZIP64 end record and locator (§4.3.14,
 * §4.3.15), every central directory header and the local record it points at.
 *
 * Stricter than the APPNOTE on purpose (an OOXML package is one plain archive): the local records
 * must tile the file from offset 0 up to the central directory with no gap or overlap, the central
 * directory must end exactly at the (ZIP64) end record, and the end record's comment must end
 * exactly at the end of the file. So a cut anywhere, bytes hidden between entries (where a
 * streaming reader would find a forged part) and junk after the archive are all rejected.
 * Entry names must be unique (OPC M1.12, compared ASCII case-insensitively).
 */
import { formatError } from '../../errors.js';
import { u16, u32, u64 } from './le.js';
import { type CentralRecord, type LocalRecord, parseCentralRecord, parseLocalRecord } from './records.js';

export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
export const EOCD_SIZE = 22;
export const ZIP64_LOCATOR_SIZE = 20;
export const ZIP64_EOCD_MIN_SIZE = 56;

/** Caps against hostile archives. */
export const MAX_ENTRIES = 100_000;
/** Sum of the declared uncompressed sizes (zip bombs declare absurd totals). */
export const MAX_TOTAL_UNCOMPRESSED = 2 ** 34;

export interface ZipEntry {
  /** The buffer both records live in (the archive, or a stashed copy of an entry). */
  readonly src: Uint8Array;
  readonly central: CentralRecord;
  readonly local: LocalRecord;
}

export interface ZipArchive {
  /** Entries in central directory order. */
  readonly entries: readonly ZipEntry[];
  readonly cdStart: number;
  readonly cdEnd: number;
  /** The ZIP64 end record `[recordStart, recordEnd)` and its locator, when present. */
  readonly zip64: { readonly recordStart: number; readonly recordEnd: number } | undefined;
  /** Start of the end of central directory record; its comment ends the file. */
  readonly eocdStart: number;
}

/** The end of central directory record whose comment ends exactly at the end of the file. */
function findEocd(file: Uint8Array): number {
  const lowest = Math.max(0, file.length - EOCD_SIZE - 0xffff);
  for (let at = file.length - EOCD_SIZE; at >= lowest; at--) {
    if (file[at] !== 0x50 || file[at + 1] !== 0x4b || file[at + 2] !== 0x05 || file[at + 3] !== 0x06)
      continue;
    if (u16(file, at + 20, 'end record') === file.length - at - EOCD_SIZE) return at;
  }
  throw formatError(
    'format.truncated',
    'ZIP end of central directory record not found: the file is cut short or not a ZIP archive.',
  );
}

interface Directory {
  readonly count: number;
  readonly cdStart: number;
  readonly cdEnd: number;
  readonly zip64: ZipArchive['zip64'];
}

function readDirectoryLocation(file: Uint8Array, eocd: number): Directory {
  const disk = u16(file, eocd + 4, 'end record');
  const cdDisk = u16(file, eocd + 6, 'end record');
  const countHere = u16(file, eocd + 8, 'end record');
  let count = u16(file, eocd + 10, 'end record');
  let cdSize = u32(file, eocd + 12, 'end record');
  let cdStart = u32(file, eocd + 16, 'end record');
  let zip64: Directory['zip64'];
  const loc = eocd - ZIP64_LOCATOR_SIZE;
  if (loc >= 0 && u32(file, loc, 'ZIP64 locator') === SIG_ZIP64_LOCATOR) {
    const recordStart = u64(file, loc + 8, 'ZIP64 locator');
    const totalDisks = u32(file, loc + 16, 'ZIP64 locator');
    if (u32(file, loc + 4, 'ZIP64 locator') !== 0 || totalDisks > 1) {
      throw formatError('format.corrupt', 'Multi-disk ZIP archives are not supported.', { offset: loc });
    }
    if (
      recordStart + ZIP64_EOCD_MIN_SIZE > loc ||
      u32(file, recordStart, 'ZIP64 end record') !== SIG_ZIP64_EOCD
    ) {
      throw formatError('format.corrupt', 'ZIP64 end of central directory record is missing or misplaced.', {
        offset: loc,
      });
    }
    const recordEnd = recordStart + 12 + u64(file, recordStart + 4, 'ZIP64 end record');
    if (recordEnd !== loc) {
      throw formatError('format.corrupt', 'ZIP64 end record does not end at its locator.', {
        offset: recordStart,
      });
    }
    const z = {
      disk: u32(file, recordStart + 16, 'ZIP64 end record'),
      cdDisk: u32(file, recordStart + 20, 'ZIP64 end record'),
      countHere: u64(file, recordStart + 24, 'ZIP64 end record'),
      count: u64(file, recordStart + 32, 'ZIP64 end record'),
      cdSize: u64(file, recordStart + 40, 'ZIP64 end record'),
      cdStart: u64(file, recordStart + 48, 'ZIP64 end record'),
    };
    // APPNOTE §4.4.1.4: a 16/32-bit field that is not all ones must agree with the ZIP64 value.
    const agrees = (v: number, max: number, v64: number): boolean => v === max || v === v64;
    if (
      z.disk !== 0 ||
      z.cdDisk !== 0 ||
      z.countHere !== z.count ||
      !agrees(countHere, 0xffff, z.count) ||
      !agrees(count, 0xffff, z.count) ||
      !agrees(cdSize, 0xffffffff, z.cdSize) ||
      !agrees(cdStart, 0xffffffff, z.cdStart)
    ) {
      throw formatError('format.corrupt', 'ZIP64 end record disagrees with the end record.', {
        offset: recordStart,
      });
    }
    ({ count, cdSize, cdStart } = z);
    zip64 = { recordStart, recordEnd };
  } else if (disk !== 0 || cdDisk !== 0 || countHere !== count) {
    throw formatError('format.corrupt', 'Multi-disk ZIP archives are not supported.', { offset: eocd });
  }
  const cdEnd = cdStart + cdSize;
  if (cdEnd !== (zip64?.recordStart ?? eocd)) {
    throw formatError('format.corrupt', 'ZIP central directory does not end at the end record.', {
      offset: eocd,
    });
  }
  if (count > MAX_ENTRIES) {
    throw formatError('format.corrupt', 'ZIP archive has too many entries.', { count, limit: MAX_ENTRIES });
  }
  return { count, cdStart, cdEnd, zip64 };
}

function checkUniqueNames(centrals: readonly CentralRecord[]): void {
  const seen = new Set<string>();
  for (const c of centrals) {
    const key = c.name.toLowerCase();
    if (seen.has(key)) {
      throw formatError('format.corrupt', 'ZIP archive holds two entries with the same name (OPC M1.12).', {
        offset: c.start,
      });
    }
    seen.add(key);
  }
}

/** Walks and checks the whole archive; throws FormatError. */
export function readZip(file: Uint8Array): ZipArchive {
  const eocdStart = findEocd(file);
  const dir = readDirectoryLocation(file, eocdStart);
  const centrals: CentralRecord[] = [];
  let at = dir.cdStart;
  let total = 0;
  for (let i = 0; i < dir.count; i++) {
    const c = parseCentralRecord(file, at, dir.cdEnd);
    total += c.uncompressedSize;
    if (total > MAX_TOTAL_UNCOMPRESSED) {
      throw formatError('format.corrupt', 'ZIP archive declares too much uncompressed data (zip bomb).', {
        limit: MAX_TOTAL_UNCOMPRESSED,
      });
    }
    centrals.push(c);
    at = c.end;
  }
  if (at !== dir.cdEnd) {
    throw formatError('format.corrupt', 'ZIP central directory size disagrees with its entries.', {
      offset: at,
    });
  }
  checkUniqueNames(centrals);
  const entries = centrals.map((c) => ({
    src: file,
    central: c,
    local: parseLocalRecord(file, c.localOffset, c, dir.cdStart),
  }));
  const byOffset = [...entries].sort((a, b) => a.local.start - b.local.start);
  let expected = 0;
  for (const e of byOffset) {
    if (e.local.start !== expected) {
      throw formatError('format.corrupt', 'ZIP local records overlap or leave a gap.', {
        offset: e.local.start,
      });
    }
    expected = e.local.end;
  }
  if (expected !== dir.cdStart) {
    throw formatError(
      'format.corrupt',
      'ZIP archive has bytes between its last entry and the central directory.',
      {
        offset: expected,
      },
    );
  }
  return { entries, cdStart: dir.cdStart, cdEnd: dir.cdEnd, zip64: dir.zip64, eocdStart };
}
