import type { Problem } from '@synthguard/contract';
import type { C2paErrorCode } from '@synthguard/c2pa';
import type { EngineErrorCode } from '@synthguard/engine';
import type { FormatErrorCode } from '@synthguard/formats';
import type { LabelErrorCode } from '@synthguard/labels';
import type { LedgerErrorCode } from '@synthguard/ledger';
import type { StoreErrorCode } from '@synthguard/store';

/** Errors raised at the HTTP edge itself. */
export type HttpErrorCode =
  | 'request.invalid'
  | 'request.too_large'
  | 'request.unsupported_media_type'
  | 'request.not_found'
  | 'request.method_not_allowed'
  | 'server.shutting_down'
  | 'internal';

export type ErrorCode =
  | FormatErrorCode
  | LabelErrorCode
  | C2paErrorCode
  | LedgerErrorCode
  | EngineErrorCode
  | StoreErrorCode
  | HttpErrorCode;

/**
 * The one table from stable error codes to HTTP status. Typed as a complete record, so a new
 * code in any package fails the build until it is mapped here.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  'format.unsupported': 415,
  'format.truncated': 422,
  'format.corrupt': 422,
  'format.png_bad_crc': 422,
  'format.duplicate_metadata': 422,
  'format.metadata_too_large': 422,
  'label.invalid_json': 422,
  'label.invalid_field': 422,
  'label.duplicate': 422,
  'label.invalid_xmp': 422,
  'label.too_large': 422,
  'label.no_slot': 415,
  'label.invalid_key': 422,
  'label.invalid_security_data': 422,
  'c2pa.unsupported_format': 415,
  'c2pa.corrupt': 422,
  'c2pa.duplicate_store': 422,
  'c2pa.too_large': 422,
  'c2pa.bad_signer': 500,
  'tenant.invalid_uscc': 422,
  'tenant.invalid_provider_code': 422,
  'tenant.exists': 409,
  'tenant.not_found': 404,
  'tenant.required': 400,
  'auth.missing_credentials': 401,
  'auth.invalid_key': 401,
  'auth.revoked_key': 401,
  'auth.forbidden': 403,
  'key.not_found': 404,
  'key.invalid_scopes': 422,
  'key.last_admin': 409,
  'content.not_found': 404,
  'content.media_type_mismatch': 415,
  'content.format_not_labelable': 415,
  'content.already_labeled': 409,
  'content.label_forged': 422,
  'content.not_labeled': 422,
  'signing_key.unavailable': 500,
  'ledger.invalid_argument': 422,
  'ledger.out_of_range': 422,
  'ledger.invalid_proof': 422,
  'ledger.invalid_tile': 422,
  'ledger.invalid_path': 400,
  'ledger.invalid_bundle': 422,
  'ledger.read_failed': 500,
  'ledger.invalid_key': 422,
  'ledger.malformed_note': 422,
  'ledger.unknown_key': 422,
  'ledger.invalid_signature': 422,
  'ledger.malformed_checkpoint': 422,
  'ledger.origin_mismatch': 422,
  'ledger.invalid_json': 422,
  'ledger.malformed_proof': 422,
  'ledger.proof_failed': 422,
  'ledger.entry_mismatch': 422,
  'ledger.corrupt': 500,
  'ledger.evidence_invalid': 422,
  'ledger.malformed_request': 400,
  'ledger.witness_unknown_log': 404,
  'ledger.witness_conflict': 409,
  'ledger.inconsistent_checkpoint': 422,
  'ledger.invalid_cosignature': 502,
  'ledger.witness_failed': 502,
  'ledger.clock_backwards': 503,
  'ledger.storage_full': 507,
  'ledger.storage_failed': 500,
  'ledger.closed': 503,
  'ledger.entry_too_large': 422,
  'ledger.locked': 503,
  'ledger.pruned': 410,
  'ledger.archive_invalid': 422,
  'ledger.prune_refused': 409,
  'ledger.unavailable': 503,
  'ledger.config_invalid': 500,
  'ledger.record_invalid': 422,
  'ledger.subject_key_unavailable': 500,
  'ledger.record_not_found': 404,
  'runtime.c2pa_unusable': 500,
  'runtime.data_dir_locked': 500,
  'runtime.data_dir_unusable': 500,
  'store.not_found': 404,
  'store.conflict': 409,
  'store.unavailable': 503,
  'store.migration_failed': 500,
  'request.invalid': 400,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'request.not_found': 404,
  'request.method_not_allowed': 405,
  'server.shutting_down': 503,
  internal: 500,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export function statusFor(code: string): number {
  return (HTTP_STATUS as Readonly<Record<string, number>>)[code] ?? 500;
}

/** RFC 9457 problem details for a stable code. */
export function problem(
  code: string,
  detail: string,
  extra: {
    instance?: string;
    requestId?: string;
    details?: Readonly<Record<string, unknown>> | undefined;
  } = {},
): Problem {
  const status = statusFor(code);
  return {
    type: `urn:synthguard:error:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(extra.instance === undefined ? {} : { instance: extra.instance }),
    ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
    ...(extra.details === undefined ? {} : { details: { ...extra.details } }),
  };
}
