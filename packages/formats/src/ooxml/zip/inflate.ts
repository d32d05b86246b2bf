/**
 * An entry's uncompressed bytes (APPNOTE 6.3.10 §4.4.5: method 0 stored, 8 deflate, RFC 1951),
 * for the few small parts we edit. Inflation is capped at the declared size (and `maxSize`), so a
 * zip bomb stops at the cap; the result must have exactly the declared size and CRC-32 (§4.4.7).
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { formatError } from '../../errors.js';
import type { ZipEntry } from './archive.js';
import { METHOD_STORED } from './records.js';

export function entryData(entry: ZipEntry, maxSize: number): Uint8Array {
  const c = entry.central;
  if (c.uncompressedSize > maxSize) {
    throw formatError('format.metadata_too_large', 'An OOXML part we edit is larger than the limit.', {
      size: c.uncompressedSize,
      limit: maxSize,
    });
  }
  const raw = entry.src.subarray(entry.local.dataStart, entry.local.dataEnd);
  let data: Uint8Array;
  if (c.method === METHOD_STORED) {
    data = raw;
  } else {
    try {
      // maxOutputLength must be >= 1; an empty part inflates to 0 bytes anyway.
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, c.uncompressedSize) });
    } catch (cause) {
      throw formatError(
        'format.corrupt',
        'ZIP part does not inflate (bad deflate data).',
        { offset: entry.local.start },
        cause,
      );
    }
  }
  if (data.length !== c.uncompressedSize || crc32(data) !== c.crc32) {
    throw formatError('format.corrupt', 'ZIP part fails its size or CRC-32 check.', {
      offset: entry.local.start,
    });
  }
  return data;
}
