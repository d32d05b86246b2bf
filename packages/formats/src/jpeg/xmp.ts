/**
 * Standard XMP in JPEG: XMP Specification Part 3 (2016) §1.1.3.
 *
 * The standard packet lives in one APP1 segment whose payload starts with the namespace
 * `http://ns.adobe.com/xap/1.0/` and a NUL. Extended XMP (`http://ns.adobe.com/xmp/extension/`)
 * is a different thing and is never touched here.
 */
import { asciiBytes, concatBytes, startsWithAt, writeU16BE } from '@synthguard/core';
import { formatError } from '../errors.js';
import { splice } from '../splice.js';
import { APP0, APP1, type JpegSegment, walkJpeg } from './segments.js';

const XMP_HEADER = asciiBytes('http://ns.adobe.com/xap/1.0/\0');
const EXIF_HEADER = asciiBytes('Exif\0');

/**
 * XMP Part 3 §1.1.3.1: the 2-byte length counts itself, the 29-byte namespace and the packet,
 * and Adobe caps the packet at 65502 bytes.
 */
export const MAX_STANDARD_XMP_PACKET = 65502;

function isStandardXmp(file: Uint8Array, s: JpegSegment): boolean {
  return (
    s.marker === APP1 &&
    s.end - s.payloadStart >= XMP_HEADER.length &&
    startsWithAt(file, XMP_HEADER, s.payloadStart)
  );
}

function isExif(file: Uint8Array, s: JpegSegment): boolean {
  return (
    s.marker === APP1 &&
    startsWithAt(file, EXIF_HEADER, s.payloadStart) &&
    s.payloadStart + EXIF_HEADER.length <= s.end
  );
}

/** The single standard XMP segment, undefined when absent. Throws on duplicates. */
function findStandardXmp(file: Uint8Array, segments: readonly JpegSegment[]): JpegSegment | undefined {
  let found: JpegSegment | undefined;
  for (const s of segments) {
    if (!isStandardXmp(file, s)) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'JPEG holds more than one standard XMP segment; remove the extra one before labelling.',
        { first: found.start, second: s.start },
      );
    }
    found = s;
  }
  return found;
}

/** Where a new XMP segment goes: after SOI and the leading APP0 (JFIF) / APP1 (Exif) segments. */
function insertionOffset(file: Uint8Array, segments: readonly JpegSegment[]): number {
  let at = segments[0]!.end; // SOI
  for (let k = 1; k < segments.length; k++) {
    const s = segments[k]!;
    if (s.marker === APP0 || isExif(file, s)) at = s.end;
    else break;
  }
  return at;
}

function buildXmpSegment(packet: Uint8Array): Uint8Array {
  if (packet.length > MAX_STANDARD_XMP_PACKET) {
    throw formatError(
      'format.metadata_too_large',
      `The XMP packet does not fit one JPEG APP1 segment; keep it at or below ${MAX_STANDARD_XMP_PACKET} bytes.`,
      { size: packet.length, limit: MAX_STANDARD_XMP_PACKET },
    );
  }
  const head = new Uint8Array(4 + XMP_HEADER.length);
  head[0] = 0xff;
  head[1] = APP1;
  writeU16BE(head, 2, 2 + XMP_HEADER.length + packet.length);
  head.set(XMP_HEADER, 4);
  return concatBytes([head, packet]);
}

export function readJpegXmp(file: Uint8Array): Uint8Array | undefined {
  const { segments } = walkJpeg(file);
  const s = findStandardXmp(file, segments);
  return s === undefined ? undefined : file.slice(s.payloadStart + XMP_HEADER.length, s.end);
}

export function writeJpegXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const { segments } = walkJpeg(file);
  const existing = findStandardXmp(file, segments);
  const replacement = packet === undefined ? new Uint8Array(0) : buildXmpSegment(packet);
  if (existing !== undefined) {
    return splice(file, existing.start, existing.end, replacement);
  }
  if (packet === undefined) return file.slice();
  const at = insertionOffset(file, segments);
  return splice(file, at, at, replacement);
}
