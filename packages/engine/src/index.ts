export { EngineError, type EngineErrorCode } from './errors.js';
export { type Principal, authorize, resolveTenantId } from './principal.js';
export {
  apiKeyDto,
  contentRecordDto,
  detectionDto,
  signingKeyDto,
  tenantDto,
  verificationDto,
} from './dto.js';
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
export {
  type LabelOutcome,
  type LabelRequest,
  type LabelingContext,
  type AppliedLabel,
  applyLabel,
  detectUpload,
  labelContent,
  labelingTenant,
  checkExistingLabel,
  digestOf,
  type FileDigest,
  type LabelWrite,
  newLabel,
  recordLabel,
  recordWrite,
  labelDigest,
} from './labeling.js';
export { type LabelFileOutcome, type LabelFileRequest, labelFile } from './label-file.js';
export {
  FILE_CHUNK_BYTES,
  FileError,
  type FileErrorCode,
  digestsOfSource,
  fileSource,
  sha256OfSource,
  writePieces,
} from './file-source.js';
export {
  type Keyring,
  type KeyringOptions,
  type PrivateKeyVault,
  type PublishedKey,
  createKeyring,
  directoryVault,
  memoryVault,
  publicKeyOf,
  publishedKeyDirectory,
} from './signing-keys.js';
export {
  type KeyDirectory,
  type SignatureReport,
  type Verification,
  type VerificationStatus,
  type VerifyOptions,
  verifyContent,
} from './verification.js';
export {
  type Detection,
  type DetectOptions,
  type Evidence,
  type Verdict,
  VERDICT_WORDING,
  type VerdictWording,
  detectContent,
} from './detection.js';
export {
  type PropagateOutcome,
  type PropagateRequest,
  propagateContent,
  propagatorCode,
} from './propagation.js';
export { type Inspection, inspectContent } from './inspect.js';
export { getContentRecord } from './content.js';
export {
  ADMIN_CREDENTIAL_FILE,
  type Runtime,
  type RuntimeConfig,
  SIGNING_KEYS_DIR,
  openRuntime,
} from './runtime/runtime.js';
export { writeSecretFile } from './runtime/data-dir.js';
export {
  C2PA_DIR,
  type C2paConfig,
  type C2paIdentity,
  type C2paReport,
  identityFromPem,
  integrityOptionsFor,
  isC2paFormat,
  loadC2paIdentity,
} from './provenance.js';
export {
  LEDGER_EVENTS,
  LEDGER_EVENT_TYPES,
  type LedgerEventSpec,
  type LedgerEventType,
  MIN_RETENTION_DAYS,
  isLedgerEventType,
} from './ledger/events.js';
export {
  MAX_RETENTION_DAYS,
  type RetentionPolicy,
  type RetentionSettings,
  parseRetention,
  retentionPolicy,
} from './ledger/retention.js';
export {
  LEAF_VERSION,
  type Leaf,
  type LeafBody,
  type LedgerJson,
  type LedgerJsonObject,
  type Opening,
  commitment,
  opens,
} from './ledger/leaf.js';
export {
  type EraseOutcome,
  type ExpireOutcome,
  type Ledger,
  type LedgerOptions,
  type LedgerRecordView,
  type LedgerRecorder,
  type RecordInput,
  type RecordOptions,
  type RecordSubject,
  type RecordedEntry,
  createLedger,
} from './ledger/record.js';
export { SUBJECT_MASTER_KEY_FILE, type SubjectSecrets, subjectSecrets } from './ledger/subject-keys.js';
export {
  CHECKPOINT_KEY_FILE,
  DEFAULT_LEDGER_ORIGIN,
  LEDGER_DIR,
  type OpenLedgerOptions,
  checkLedgerOrigin,
  openLedger,
} from './ledger/open.js';
export { LEDGER_S3_ENV, type LedgerS3Config, ledgerS3FromEnv } from './ledger/s3-config.js';
export {
  type LedgerListing,
  type LedgerRecordQuery,
  ledgerRecordPages,
  listLedgerRecords,
} from './ledger/list.js';
export {
  type PostgresLedger,
  type PostgresLedgerOptions,
  openPostgresLedger,
} from './ledger/postgres/ledger.js';
export { type PostgresJournalOptions, type QueueClaims, postgresJournal } from './ledger/postgres/journal.js';
export { type PostgresTileStoreOptions, postgresTileStore } from './ledger/postgres/tile-store.js';
export { LEDGER_LOCK_CLASS } from './ledger/postgres/leadership.js';
