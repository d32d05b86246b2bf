import { AppError } from '@synthguard/core';

/** Stable error codes of the format handlers. The server maps them to HTTP in one table. */
export type FormatErrorCode =
  /** Not a format we know (sniff failed). */
  | 'format.unsupported'
  /** Ends before a structure it announced (segment/chunk/EOI/IEND missing). */
  | 'format.truncated'
  /** Structurally invalid (bad marker, bad length, bad signature). */
  | 'format.corrupt'
  /** A PNG chunk CRC mismatch (details: `{ chunk: 'IHDR', offset }`). */
  | 'format.png_bad_crc'
  /** More than one standard XMP packet (XMP allows one per file; a second is how forged labels hide). */
  | 'format.duplicate_metadata'
  /** The packet does not fit the slot (JPEG APP1 standard XMP: at most 65502 bytes of packet). */
  | 'format.metadata_too_large';

export class FormatError extends AppError<FormatErrorCode> {}

/** Shorthand used by the handlers: `details` carries offsets and limits, never raw input bytes. */
export function formatError(
  code: FormatErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): FormatError {
  return new FormatError(code, message, {
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause }),
  });
}
