import { AppError } from '@synthguard/core';

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
  | 'runtime.data_dir_unusable';

export class EngineError extends AppError<EngineErrorCode> {}
