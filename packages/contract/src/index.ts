export { ROLES, ROLE_SCOPES, SCOPES, type Role, type Scope } from './roles.js';
export * as schemas from './schemas.js';
export type {
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  ContentRecord,
  Detection,
  Problem,
  SigningKey,
  Verification,
  Tenant,
  TenantCreate,
} from './schemas.js';
export { HEADER_CONTENT_PRODUCER, HEADER_FORMAT, HEADER_PRODUCE_ID, HEADER_REQUEST_ID } from './headers.js';
