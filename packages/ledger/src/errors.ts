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
 *                             wrong length (storage is corrupt or the reader is buggy), or a tile
 *                             reader could not read a path (I/O error, HTTP status; details: path)
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
 * - `ledger.malformed_proof`  a C2SP tlog-proof text (offline proof bundle) is malformed or over a
 *                             cap (details: problem, line)
 * - `ledger.proof_failed`     a well-formed inclusion proof does not lead from the entry to the
 *                             checkpoint's root: the entry is not at that index of that tree
 *                             (details: index, size)
 * - `ledger.entry_mismatch`   the entry given and the entry a proof bundle carries differ, or
 *                             there is no entry to check (details: problem)
 * - `ledger.corrupt`          a log's tiles, entry bundles or checkpoint do not verify (fsck;
 *                             details: path, problem)
 * - `ledger.evidence_invalid` an evidence pack does not verify: a file is missing or malformed,
 *                             or its records, proofs and checkpoint disagree (details: file, problem)
 * - `ledger.malformed_request` a C2SP tlog-witness add-checkpoint body is malformed, over its cap,
 *                             or its old size is above the checkpoint's size (HTTP 400; details: problem)
 * - `ledger.witness_unknown_log` the witness does not follow the checkpoint's origin (HTTP 404)
 * - `ledger.witness_conflict` the old size is not the size the witness last cosigned (HTTP 409;
 *                             details: size, the witness's size); on the log side, a witness has
 *                             cosigned a larger tree than the log's checkpoint (details: size,
 *                             checkpointSize, witness)
 * - `ledger.inconsistent_checkpoint` a checkpoint is not provably consistent with the one the
 *                             witness last cosigned: bad consistency proof, same size with another
 *                             root, a non-empty proof from size 0 (HTTP 422; details: problem)
 * - `ledger.invalid_cosignature` a cosignature/v1 signature is malformed, not by the configured
 *                             witness key, or dated zero or in the future (details: witness, problem)
 * - `ledger.witness_failed`   a witness did not cosign: unreachable, timed out, or answered another
 *                             status (details: witness, url, problem, status)
 * - `ledger.clock_backwards`  the clock reads earlier than a time already recorded (a witness's last
 *                             cosignature; details: last, now)
 * - `ledger.storage_full`     the disk is full (ENOSPC, EDQUOT); nothing was committed (details: path)
 * - `ledger.storage_failed`   another I/O error reading or writing durable state (details: path, op)
 *                             (the running log adds errno; after a failed journal fsync it refuses
 *                             further appends until reopened). The running log also uses
 *                             `ledger.corrupt` for a journal segment that does not verify in the
 *                             middle, a gap, or a checkpoint whose tiles do not reproduce its root,
 *                             and `ledger.clock_backwards` when an append's clock is over the
 *                             tolerance behind earlier log activity (details: behindMs, toleranceMs)
 * - `ledger.closed`           the running log was closed before the call could complete
 * - `ledger.entry_too_large`  a log entry is over 65,535 bytes (details: size, max)
 * - `ledger.locked`           another process (or another open log here) holds the log directory
 *                             (details: pid, lockFile)
 * - `ledger.pruned`           the entry or entry bundle was archived and pruned from the log on
 *                             purpose (its index is below the log's minimum index, C2SP tlog-tiles
 *                             "Pruning"); hash tiles and proofs are kept. HTTP 410 (details: index
 *                             or path, minimumIndex)
 * - `ledger.archive_invalid`  an archive of entry bundles does not verify: manifest missing or
 *                             malformed, a file's SHA-256 differs, fsck fails, or it is not of this
 *                             log's history (details: file, problem)
 * - `ledger.prune_refused`    pruning was refused: the index is not a multiple of 256 or is
 *                             beyond the archive or the checkpoint, or an entry to prune is still
 *                             within its retention (details: problem, index, time)
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
  | 'ledger.invalid_json'
  | 'ledger.malformed_proof'
  | 'ledger.proof_failed'
  | 'ledger.entry_mismatch'
  | 'ledger.corrupt'
  | 'ledger.evidence_invalid'
  | 'ledger.malformed_request'
  | 'ledger.witness_unknown_log'
  | 'ledger.witness_conflict'
  | 'ledger.inconsistent_checkpoint'
  | 'ledger.invalid_cosignature'
  | 'ledger.witness_failed'
  | 'ledger.clock_backwards'
  | 'ledger.storage_full'
  | 'ledger.storage_failed'
  | 'ledger.closed'
  | 'ledger.entry_too_large'
  | 'ledger.locked'
  | 'ledger.pruned'
  | 'ledger.archive_invalid'
  | 'ledger.prune_refused';

export class LedgerError extends AppError<LedgerErrorCode> {}
