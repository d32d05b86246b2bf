import { AppError } from '@synthguard/core';

/**
 * Stable error codes of the C2PA package. Validation FINDINGS (a bad signature, a hash that no
 * longer matches) are not errors: `readManifest` reports them as C2PA status codes in its
 * result. These codes are for input we cannot parse at all and for calls we cannot carry out.
 */
export type C2paErrorCode =
  /** The container (JPEG, PNG, ...) is not one we embed manifests in. */
  | 'c2pa.unsupported_format'
  /** The container or the manifest store (JUMBF, CBOR, COSE, DER) is malformed or truncated. */
  | 'c2pa.corrupt'
  /** More than one manifest store in one file (C2PA 2.x §11.3: exactly one). */
  | 'c2pa.duplicate_store'
  /** A size or count cap was hit (nesting depth, store size, segment count). */
  | 'c2pa.too_large'
  /** The signer configuration is unusable (key does not match the leaf, bad PEM, ...). */
  | 'c2pa.bad_signer';

export class C2paError extends AppError<C2paErrorCode> {}

/** Shorthand: `details` carries offsets and limits, never raw input bytes. */
export function c2paError(
  code: C2paErrorCode,
  message: string,
  details?: Record<string, unknown>,
): C2paError {
  return new C2paError(code, message, details === undefined ? {} : { details });
}
