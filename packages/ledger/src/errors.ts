import { AppError } from '@synthguard/core';

/**
 * Error codes of @synthguard/ledger. Stable, dotted, lower-case; the server maps them to HTTP.
 * Messages carry no raw input; `details` holds safe facts (sizes, indexes, limits).
 * - `ledger.invalid_argument` an index or size is not a non-negative safe integer below the cap,
 *                             or a hash is not 32 bytes (details: field, max)
 * - `ledger.out_of_range`     an index or size is outside the tree (leaf index >= tree size,
 *                             old size > new size, stored hash not in the tree)
 * - `ledger.invalid_proof`    a proof is malformed: wrong number of hashes or a hash of the wrong
 *                             length (details: expected, got). A well-formed proof that does not
 *                             verify is not an error: the verifier returns false
 * - `ledger.invalid_tile`     tile coordinates are impossible or tile bytes have the wrong length
 * - `ledger.invalid_path`     a tile or entry-bundle path is not in canonical tlog-tiles form
 * - `ledger.invalid_bundle`   entry-bundle bytes are truncated, have trailing bytes, hold the wrong
 *                             number of entries, or an entry is over 65,535 bytes, or its entries
 *                             do not hash to the level-0 tile (details: problem, entry)
 * - `ledger.read_failed`      a hash reader returned the wrong number of hashes or a hash of the
 *                             wrong length (storage is corrupt or the reader is buggy)
 * - `ledger.invalid_key`      a signed-note signer or verifier key is malformed, names an unsupported
 *                             algorithm, does not match its key hash, or two known keys share a
 *                             name and key hash (details: problem)
 * - `ledger.malformed_note`   a signed note is not well-formed C2SP signed-note text or exceeds a
 *                             cap (details: problem, limit)
 * - `ledger.unknown_key`      no signature on the note is from a known key: configure the log's
 *                             verifier key (details: signatures, the count of unknown ones)
 * - `ledger.invalid_signature` a signature by a known key does not verify: reject the note
 *                             (details: keyName, keyHash)
 * - `ledger.malformed_checkpoint` a checkpoint body is not C2SP tlog-checkpoint text (details: problem)
 * - `ledger.origin_mismatch`  a checkpoint's origin line is not the expected log's origin
 * - `ledger.invalid_json`     a value has no RFC 8785 canonical JSON form, or a text is not
 *                             canonical JSON (details: problem, path)
 */
export type LedgerErrorCode =
  | 'ledger.invalid_argument'
  | 'ledger.out_of_range'
  | 'ledger.invalid_proof'
  | 'ledger.invalid_tile'
  | 'ledger.invalid_path'
  | 'ledger.invalid_bundle'
  | 'ledger.read_failed'
  | 'ledger.invalid_key'
  | 'ledger.malformed_note'
  | 'ledger.unknown_key'
  | 'ledger.invalid_signature'
  | 'ledger.malformed_checkpoint'
  | 'ledger.origin_mismatch'
  | 'ledger.invalid_json';

export class LedgerError extends AppError<LedgerErrorCode> {}
