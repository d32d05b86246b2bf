import { AppError } from '@synthguard/core';

/**
 * Error codes of @synthguard/engine. The ledger's («03»):
 * - `ledger.unavailable`   the log could not durably take a record (details.reason: the log's own
 *                          error code, e.g. ledger.storage_full, ledger.closed); the operation that
 *                          wanted to record was not carried out
 * - `ledger.config_invalid` a ledger setting is refused: retention shorter than 184 days, a bad
 *                          retention text or unknown event type, a bad origin (details: setting, problem)
 * - `ledger.record_invalid` a record's input is refused: unknown event type, malformed digest or id,
 *                          facts that have no canonical JSON form, a leaf over 65,535 bytes
 *                          (details: field, problem); a programming error of the caller
 * - `ledger.subject_key_unavailable` the subject master key file cannot be read, or is not the key
 *                          that wrapped the stored subject keys (details: problem)
 * - `ledger.record_not_found` no ledger record with this id
 */
export type EngineErrorCode =
  | 'request.invalid'
  | 'tenant.invalid_uscc'
  | 'tenant.invalid_provider_code'
  | 'tenant.exists'
  | 'tenant.not_found'
  | 'tenant.required'
  | 'auth.missing_credentials'
  | 'auth.invalid_key'
  | 'auth.revoked_key'
  | 'auth.forbidden'
  | 'key.not_found'
  | 'key.invalid_scopes'
  | 'key.last_admin'
  | 'content.not_found'
  | 'content.media_type_mismatch'
  | 'content.format_not_labelable'
  | 'content.already_labeled'
  | 'content.label_forged'
  | 'content.not_labeled'
  | 'signing_key.unavailable'
  | 'runtime.c2pa_unusable'
  | 'runtime.data_dir_locked'
  | 'runtime.data_dir_unusable'
  | 'ledger.unavailable'
  | 'ledger.config_invalid'
  | 'ledger.record_invalid'
  | 'ledger.subject_key_unavailable'
  | 'ledger.record_not_found';

export class EngineError extends AppError<EngineErrorCode> {}
