/** Domain objects of the store: camelCase, Date for timestamps, number for bigints. */

export const API_KEY_ROLES = ['admin', 'operator', 'reviewer', 'compliance', 'inspector'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface Tenant {
  readonly id: string;
  /** Legal name, e.g. 深圳某某科技有限公司. */
  readonly name: string;
  /** Unified social credit code (GB 32100-2015), unique per installation. */
  readonly uscc: string;
  /** Provider code written into GB 45438-2025 implicit labels (ContentProducer). */
  readonly providerCode: string;
  /** Algorithm / service filing numbers (备案号). */
  readonly filingNumbers: readonly string[];
  readonly createdAt: Date;
}

export interface NewTenant {
  /** Defaults to a new ULID. */
  readonly id?: string;
  readonly name: string;
  readonly uscc: string;
  readonly providerCode: string;
  readonly filingNumbers?: readonly string[];
  /** Defaults to now. */
  readonly createdAt?: Date;
}

export interface TenantPatch {
  readonly name?: string;
  readonly providerCode?: string;
  readonly filingNumbers?: readonly string[];
}

export interface ApiKey {
  /** Public key id (the non-secret half of the key). */
  readonly id: string;
  /** null = installation-wide key (e.g. the installation admin). */
  readonly tenantId: string | null;
  readonly name: string | null;
  readonly role: ApiKeyRole;
  readonly scopes: readonly string[];
  /** Hash of the secret half; the secret itself is never stored. */
  readonly secretHash: string;
  readonly createdAt: Date;
  /** Id of the key that created this one, or 'cli'. */
  readonly createdBy: string | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface NewApiKey {
  readonly id: string;
  readonly tenantId: string | null;
  readonly name?: string | null;
  readonly role: ApiKeyRole;
  readonly scopes: readonly string[];
  readonly secretHash: string;
  /** Defaults to now. */
  readonly createdAt?: Date;
  readonly createdBy?: string | null;
}

/**
 * The seven implicit-label metadata fields of GB 45438-2025 Annex E (the `AIGC` JSON object),
 * kept verbatim as jsonb. Structurally the same as `AigcLabel` of @synthguard/labels, except
 * that `Label` is a plain string here: the store does not validate labels.
 */
export interface ContentLabel {
  /** 生成合成标签要素. */
  readonly Label: string;
  /** 生成合成服务提供者名称或编码. */
  readonly ContentProducer: string;
  /** 内容制作编号: equals the record's produceId. */
  readonly ProduceID: string;
  readonly ReservedCode1: string;
  /** 内容传播服务提供者名称或编码. */
  readonly ContentPropagator: string;
  /** 内容传播编号. */
  readonly PropagateID: string;
  readonly ReservedCode2: string;
}

/** `produce`: a provider labelled its output; `propagate`: a platform added its propagation fields. */
export type ContentAction = 'produce' | 'propagate';

/**
 * One labelled output: what was produced (or propagated), for whom, and the label written into
 * it. For a propagation, `produceId` holds the platform's PropagateID.
 */
export interface ContentRecord {
  /** ProduceID of the label, at most 64 characters. */
  readonly produceId: string;
  readonly tenantId: string;
  readonly service: string;
  readonly modality: string;
  readonly format: string;
  readonly mediaType: string;
  /** Lower-case hex SHA-256 of the input and output bytes. */
  readonly inputSha256: string;
  readonly outputSha256: string;
  readonly inputBytes: number | null;
  readonly outputBytes: number | null;
  readonly label: ContentLabel;
  readonly createdAt: Date;
  /** Api key id, or 'cli'. */
  readonly createdBy: string | null;
  readonly action: ContentAction;
  /** The label this write replaced (a relabel or a propagation), else null. */
  readonly previousLabel: ContentLabel | null;
  /** Key id of the signature written (ReservedCode1, or ReservedCode2 for a propagation). */
  readonly signingKeyId: string | null;
}

export interface NewContentRecord {
  readonly produceId: string;
  readonly tenantId: string;
  readonly service: string;
  readonly modality: string;
  readonly format: string;
  readonly mediaType: string;
  readonly inputSha256: string;
  readonly outputSha256: string;
  readonly inputBytes?: number | null;
  readonly outputBytes?: number | null;
  readonly label: ContentLabel;
  /** Defaults to now. */
  readonly createdAt?: Date;
  readonly createdBy?: string | null;
  /** Defaults to 'produce'. */
  readonly action?: ContentAction;
  readonly previousLabel?: ContentLabel | null;
  readonly signingKeyId?: string | null;
}

export const SIGNING_KEY_ALGORITHMS = ['Ed25519', 'SM2-SM3'] as const;
export type SigningKeyAlgorithm = (typeof SIGNING_KEY_ALGORITHMS)[number];
export type SigningKeyStatus = 'active' | 'retired';

/** The public half of a provider's label signing key. */
export interface SigningKeyRecord {
  /** Key id derived from the public key (16 base64url characters). */
  readonly kid: string;
  readonly tenantId: string;
  readonly alg: SigningKeyAlgorithm;
  /** DER SubjectPublicKeyInfo, base64url. */
  readonly publicKey: string;
  readonly status: SigningKeyStatus;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

export interface NewSigningKey {
  readonly kid: string;
  readonly tenantId: string;
  readonly alg: SigningKeyAlgorithm;
  readonly publicKey: string;
  /** Defaults to now. */
  readonly createdAt?: Date;
}

/** Which tenant's records a lookup may see: one tenant's, or any (installation admin). */
export type RecordScope = { readonly tenantId: string } | 'any';

export interface ListContentRecordsOptions {
  /** 1..500, default 100; larger values are capped at 500. */
  readonly limit?: number;
  /** Only records created strictly before this instant. */
  readonly before?: Date;
}

/**
 * One ledger record as stored («03 The ledger»): the leaf appended to the log, its index, and
 * the commitment's opening (plain for records without a subject, encrypted for a subject).
 */
export interface StoredLedgerRecord {
  readonly id: string;
  /** null = an installation-wide event. */
  readonly tenantId: string | null;
  /** Event type (`content.labeled`, ...). */
  readonly type: string;
  readonly time: Date;
  readonly leafIndex: number;
  /** The leaf entry as canonical JSON text (RFC 8785). */
  readonly leaf: string;
  /** HMAC-SHA-256 hex of the subject id; null when the record has no subject. */
  readonly subjectId: string | null;
  /** The opening `{salt, personal}` as JSON, for records without a subject. */
  readonly opening: string | null;
  /** The opening encrypted with the subject's key; null once erased or expired. */
  readonly personal: string | null;
  readonly retainUntil: Date;
}

export interface NewLedgerRecord {
  readonly id: string;
  readonly tenantId: string | null;
  readonly type: string;
  readonly time: Date;
  readonly leafIndex: number;
  readonly leaf: string;
  readonly subjectId?: string | null;
  readonly opening?: string | null;
  readonly personal?: string | null;
  readonly retainUntil: Date;
}

export interface ListLedgerRecordsOptions {
  /** One tenant's records; null = installation-wide records. */
  readonly tenantId: string | null;
  /** From this instant (inclusive). */
  readonly from: Date;
  /** Up to this instant (exclusive). */
  readonly to: Date;
  /** Only records with a leaf index above this one (paging). */
  readonly afterIndex?: number;
  /** 1..10,000, default 1,000. */
  readonly limit?: number;
}

/** A subject's key (wrapped), or its tombstone once destroyed. */
export interface LedgerSubjectKey {
  /** HMAC-SHA-256 hex of the subject id. */
  readonly subjectId: string;
  /** null once destroyed (erasure or expiry). */
  readonly wrappedKey: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly destroyedAt: Date | null;
}
