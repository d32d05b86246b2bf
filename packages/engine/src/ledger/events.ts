/**
 * The ledger's event catalogue («03 The ledger», point 6): what is logged, named with the law's
 * nouns. Types are dotted and stable: they are written into leaves that live forever, so a type
 * is never renamed or reused; a new kind of event gets a new type.
 *
 * Sources (the citations below):
 * - Provisions: 互联网信息服务深度合成管理规定 (Provisions on the Administration of Deep
 *   Synthesis of Internet Information Services, 2022).
 * - Measures: 人工智能生成合成内容标识办法 (Measures for Labeling AI-Generated Synthetic
 *   Content, 2025), with GB 45438-2025.
 * - CSL: 网络安全法 (Cybersecurity Law); Art. 21(3) keeps network logs at least six months.
 * - PIPL: 个人信息保护法 (Personal Information Protection Law).
 */

/** Six months, counted generously: the longest six consecutive months have 184 days (July-December). */
export const MIN_RETENTION_DAYS = 184;

export interface LedgerEventSpec {
  /** Default retention of the record's personal fields and row, in days (>= MIN_RETENTION_DAYS). */
  readonly retentionDays: number;
  /** What the event is and the article that asks for it. */
  readonly doc: string;
}

/** Every event type, with its default retention and legal basis. */
export const LEDGER_EVENTS = {
  'content.generated': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A deep synthesis output was generated (Provisions Art. 10, 16: logs of the service; CSL Art. 21: six months).',
  },
  'content.labeled': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'An implicit label was written or replaced (Measures Art. 5, GB 45438-2025; Provisions Art. 16).',
  },
  'content.propagated': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A platform added its propagation fields to a labeled file (Measures Art. 6).',
  },
  'content.exported_unlabeled': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'Content was handed out without an explicit label at the user’s request; who received it is kept at least six months (Measures Art. 9).',
  },
  'review.decided': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A review of inputs or outputs reached a decision (Provisions Art. 10: review, records kept).',
  },
  'sanction.imposed': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A measure against a user: warning, restricted functions, suspension, closed account (Provisions Art. 10).',
  },
  'sanction.lifted': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A measure against a user was lifted (Provisions Art. 10).',
  },
  'identity.checked': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A user’s real identity was verified (Provisions Art. 9; CSL Art. 24).',
  },
  'consent.granted': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A person gave separate consent to the editing of their biometric information (Provisions Art. 14; PIPL Art. 14, 29).',
  },
  'consent.withdrawn': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A person withdrew a consent (PIPL Art. 15; Provisions Art. 14).',
  },
  'complaint.state_changed': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A complaint or report changed state: received, handled, answered (Provisions Art. 12).',
  },
  'refutation.state_changed': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'A rumour refutation changed state: opened, published, closed (Provisions Art. 11).',
  },
  'feature_database.changed': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'The feature database for identifying illegal and harmful information changed (Provisions Art. 10).',
  },
  'emergency_order.issued': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'An emergency order took effect (Provisions Art. 7: emergency response; Art. 21: cooperation with inspections).',
  },
  'emergency_order.lifted': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'An emergency order was lifted (Provisions Art. 7, 21).',
  },
  'admin.action': {
    retentionDays: MIN_RETENTION_DAYS,
    doc: 'An administrative action: tenant, API key or signing key changes (CSL Art. 21(3): operation logs, six months).',
  },
} as const satisfies Readonly<Record<string, LedgerEventSpec>>;

export type LedgerEventType = keyof typeof LEDGER_EVENTS;

export const LEDGER_EVENT_TYPES = Object.keys(LEDGER_EVENTS) as readonly LedgerEventType[];

export function isLedgerEventType(value: string): value is LedgerEventType {
  return Object.hasOwn(LEDGER_EVENTS, value);
}
