/**
 * JPEG marker-segment walker (ISO/IEC 10918-1 Annex B).
 *
 * The walker records every marker segment between SOI and the first EOI, skips the
 * entropy-coded data after each SOS, and reports where the image ends so that trailing
 * bytes (MPF images, vendor trailers) can be kept untouched.
 */
import { readU16BE } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';

// ISO/IEC 10918-1 Table B.1 (marker codes)
export const SOI = 0xd8;
export const EOI = 0xd9;
export const SOS = 0xda;
export const TEM = 0x01;
export const APP0 = 0xe0;
export const APP1 = 0xe1;

/** RST0..RST7 (B.1.1.3: standalone, no length). */
export function isRst(marker: number): boolean {
  return marker >= 0xd0 && marker <= 0xd7;
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
export function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export interface JpegSegment {
  /** Marker code (the byte after 0xFF). */
  readonly marker: number;
  /** Offset of the 0xFF that starts the marker (after any fill bytes). */
  readonly start: number;
  /** Offset of the first payload byte (after the 2-byte length); equals `end` for standalone markers. */
  readonly payloadStart: number;
  /** Offset one past the segment (for SOS: the header only, not the entropy-coded data). */
  readonly end: number;
}

export interface JpegLayout {
  /** Every marker segment from SOI up to and including EOI, in file order. */
  readonly segments: readonly JpegSegment[];
  /** Offset one past EOI: bytes from here on are a trailer, kept as they are. */
  readonly imageEnd: number;
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `JPEG ends inside ${what}; supply the complete file.`, { offset });
}

function corrupt(what: string, offset: number, details: Record<string, unknown> = {}): FormatError {
  return formatError('format.corrupt', `JPEG is structurally invalid: ${what}.`, { offset, ...details });
}

/**
 * Scans entropy-coded data starting at `from` (B.1.1.5: 0xFF00 is a stuffed byte, RSTn may
 * appear inside a scan) and returns the offset of the 0xFF that begins the next marker.
 */
function skipEntropyCodedData(file: Uint8Array, from: number): number {
  let i = from;
  const n = file.length;
  for (;;) {
    const at = file.indexOf(0xff, i);
    if (at < 0 || at + 1 >= n) throw truncated('entropy-coded data (no EOI)', n);
    const next = file[at + 1]!;
    if (next === 0x00 || isRst(next)) {
      i = at + 2;
      continue;
    }
    // 0xFF followed by a fill byte or a marker code: the scan ends here.
    return at;
  }
}

/** Walks the whole marker structure. Throws FormatError on truncated or invalid input. */
export function walkJpeg(file: Uint8Array): JpegLayout {
  const n = file.length;
  if (n < 2) throw truncated('the SOI marker', 0);
  if (file[0] !== 0xff || file[1] !== SOI) throw corrupt('missing SOI marker', 0);
  const segments: JpegSegment[] = [{ marker: SOI, start: 0, payloadStart: 2, end: 2 }];
  let i = 2;
  let sawFrame = false;
  let sawScan = false;
  for (;;) {
    if (i >= n) throw truncated('the marker structure (no EOI)', n);
    if (file[i] !== 0xff) throw corrupt('expected a marker', i);
    // B.1.1.2: any marker may be preceded by fill bytes 0xFF.
    let m = i + 1;
    while (m < n && file[m] === 0xff) m++;
    if (m >= n) throw truncated('a marker (no EOI)', n);
    const marker = file[m]!;
    const start = m - 1;
    const afterMarker = m + 1;

    if (marker === EOI) {
      if (!sawFrame || !sawScan) throw corrupt('EOI before any frame and scan', start);
      segments.push({ marker, start, payloadStart: afterMarker, end: afterMarker });
      return { segments, imageEnd: afterMarker };
    }
    if (isRst(marker) || marker === TEM) {
      segments.push({ marker, start, payloadStart: afterMarker, end: afterMarker });
      i = afterMarker;
      continue;
    }
    // 0x00 is a stuffed byte, never a marker; 0x02..0xBF are reserved; a second SOI is invalid.
    if (marker < 0xc0 || marker === SOI) {
      throw corrupt('invalid marker code', start, { marker });
    }
    if (afterMarker + 2 > n) throw truncated('a segment length', start);
    const length = readU16BE(file, afterMarker);
    if (length < 2) throw corrupt('segment length below 2', start, { marker, length });
    const end = afterMarker + length;
    if (end > n) throw truncated('a marker segment', start);
    segments.push({ marker, start, payloadStart: afterMarker + 2, end });

    if (isSof(marker)) sawFrame = true;
    if (marker === SOS) {
      if (!sawFrame) throw corrupt('SOS before any frame header', start);
      sawScan = true;
      i = skipEntropyCodedData(file, end);
    } else {
      i = end;
    }
  }
}
