/**
 * TXXX, the user-defined text frame (ID3v2.3.0 §4.2.2; ID3v2.4.0 frames §4.2.6):
 *
 *   text encoding (1 byte), description (terminated), value.
 *
 * Encodings (2.4 frames §4): 0 ISO-8859-1, 1 UTF-16 with BOM, 2 UTF-16BE, 3 UTF-8; the
 * terminator is one zero byte, or two (aligned) for UTF-16. 2.3 knows only 0 and 1.
 * We write UTF-8 (3) in 2.4 tags and UTF-16LE with BOM (1) in 2.3 tags, and end the value with
 * a terminator as FFmpeg does; reading drops one trailing terminator. A UTF-16 value without
 * its own BOM takes the description's byte order (as some writers emit one BOM per frame);
 * with no BOM at all, big-endian (RFC 2781 §4.3).
 */
import { asciiBytes, concatBytes, utf8Encode } from '@synthguard/core';
import { formatError } from '../errors.js';

export interface TxxxText {
  /** The description, or undefined when it does not decode. */
  readonly description: string | undefined;
  /** Decodes the value; throws format.corrupt when it does not decode. */
  readonly value: () => string;
}

const decoders = {
  latin1: new TextDecoder('latin1'),
  utf8: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  utf16le: new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }),
  utf16be: new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }),
};

/**
 * Decodes one string in `encoding`, honouring (and dropping) a UTF-16 BOM; a UTF-16 string
 * without one takes `fallbackLE` (the byte order of the frame's previous string). Throws on bad data.
 */
function decode(encoding: number, b: Uint8Array, fallbackLE = false): string {
  if (encoding === 0) return decoders.latin1.decode(b);
  if (encoding === 3) return decoders.utf8.decode(b);
  if (b.length % 2 !== 0) throw new TypeError('odd UTF-16 length');
  if (encoding === 1 && b.length >= 2 && b[0] === 0xff && b[1] === 0xfe)
    return decoders.utf16le.decode(b.subarray(2));
  if (encoding === 1 && b.length >= 2 && b[0] === 0xfe && b[1] === 0xff)
    return decoders.utf16be.decode(b.subarray(2));
  return (encoding === 1 && fallbackLE ? decoders.utf16le : decoders.utf16be).decode(b);
}

/** Index of the terminator at or after `from` (aligned to 2 for UTF-16), or -1. */
function terminatorAt(b: Uint8Array, from: number, wide: boolean): number {
  if (!wide) return b.indexOf(0, from);
  for (let i = from; i + 1 < b.length; i += 2) if (b[i] === 0 && b[i + 1] === 0) return i;
  return -1;
}

/** Splits TXXX frame data (after any frame-flag extras). Undefined for an unknown encoding. */
export function parseTxxx(data: Uint8Array, offset: number): TxxxText | undefined {
  if (data.length === 0) return undefined;
  const encoding = data[0]!;
  if (encoding > 3) return undefined;
  const wide = encoding === 1 || encoding === 2;
  const unit = wide ? 2 : 1;
  const term = terminatorAt(data, 1, wide);
  const descEnd = term < 0 ? data.length : term;
  let description: string | undefined;
  try {
    description = decode(encoding, data.subarray(1, descEnd));
  } catch {
    description = undefined;
  }
  const descriptionLE = encoding === 1 && data[1] === 0xff && data[2] === 0xfe;
  let valueStart = term < 0 ? data.length : term + unit;
  let valueEnd = data.length;
  if (valueEnd - valueStart >= unit && data[valueEnd - 1] === 0 && (!wide || data[valueEnd - 2] === 0)) {
    valueEnd -= unit;
  }
  valueStart = Math.min(valueStart, valueEnd);
  return {
    description,
    value: () => {
      try {
        return decode(encoding, data.subarray(valueStart, valueEnd), descriptionLE);
      } catch (cause) {
        throw formatError(
          'format.corrupt',
          'MP3 TXXX AIGC value does not decode in its text encoding.',
          { offset },
          cause,
        );
      }
    },
  };
}

function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c & 0xff;
    out[3 + 2 * i] = c >>> 8;
  }
  return out;
}

/** TXXX frame data: UTF-8 for 2.4, UTF-16 with BOM for 2.3; value terminated. */
export function buildTxxxData(version: 3 | 4, description: string, value: string): Uint8Array {
  if (version === 4) {
    return concatBytes([
      Uint8Array.of(3),
      asciiBytes(description),
      Uint8Array.of(0),
      utf8Encode(value),
      Uint8Array.of(0),
    ]);
  }
  const zero = Uint8Array.of(0, 0);
  return concatBytes([Uint8Array.of(1), utf16le(description), zero, utf16le(value), zero]);
}
