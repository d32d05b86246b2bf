export { EngineError, type EngineErrorCode } from './errors.js';
export { type Principal, authorize, resolveTenantId } from './principal.js';
export { apiKeyDto, contentRecordDto, tenantDto } from './dto.js';
export { createTenant, requireTenant } from './tenants.js';
export {
  type IssueKeyInput,
  type IssuedKey,
  authenticate,
  issueApiKey,
  issueApiKeyAs,
  localOperator,
  revokeApiKey,
} from './keys.js';
export { type LabelOutcome, type LabelRequest, labelContent } from './labeling.js';
export { type Inspection, inspectContent } from './inspect.js';
export { getContentRecord } from './content.js';
export { ADMIN_CREDENTIAL_FILE, type Runtime, type RuntimeConfig, openRuntime } from './runtime/runtime.js';
export { writeSecretFile } from './runtime/data-dir.js';
