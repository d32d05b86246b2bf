/**
 * `record()`: the ONE way anything reaches the ledger («03 The ledger», point 6). Engines call
 * it; nothing writes the log directly. A record is
 *
 * 1. checked (known event type, digests, canonical-JSON facts) and turned into a leaf (leaf.ts)
 *    whose `record` commits to a fresh salt and the personal fields;
 * 2. when it has a subject, its opening (salt + personal fields) is encrypted with the subject's
 *    key (created and wrapped on first use, subject-keys.ts);
 * 3. appended to the log, which resolves once the entry is durable (journal fsynced);
 * 4. stored as a row (`ledger_records`) with its leaf index, through `options.store` when the
 *    caller passes its transaction.
 *
 * When the log cannot take the entry, `record()` throws `ledger.unavailable` and the caller's
 * operation fails: nothing is served unlogged. When the row cannot be stored after a durable
 * append, the error propagates too; the log then holds a leaf with no row (the event was
 * attempted, its opening lost): the log may say more than the database, never less.
 */
import { type Clock, isAppError, newUlid, systemClock } from '@synthguard/core';
import { type Log, MAX_ENTRY_SIZE, canonicalJson, canonicalJsonBytes } from '@synthguard/ledger';
import type { Store, StoredLedgerRecord } from '@synthguard/store';
import { EngineError } from '../errors.js';
import { type LedgerEventType, isLedgerEventType } from './events.js';
import {
  LEAF_VERSION,
  type Leaf,
  type LeafBody,
  type LedgerJsonObject,
  type Opening,
  buildLeaf,
  newOpening,
  opens,
} from './leaf.js';
import { type RetentionPolicy, retentionPolicy } from './retention.js';
import { type SubjectSecrets, newSubjectKey, seal, unseal } from './subject-keys.js';

/** The personal side of a record: whom it is about, and what about them (encrypted, erasable). */
export interface RecordSubject {
  /** The subject's id in the caller's terms (user id, account, phone hash): stored only as an HMAC. */
  readonly id: string;
  readonly fields: LedgerJsonObject;
}

export interface RecordInput {
  readonly type: LedgerEventType;
  /** null for installation-wide events (installation keys, the ledger's own maintenance). */
  readonly tenantId: string | null;
  /** The GB 45438-2025 ProduceID the event is about (at most 64 characters). */
  readonly produceId?: string | undefined;
  /** Lower-case hex SHA-256 of the content the event is about. */
  readonly contentDigest?: string | undefined;
  /** Non-personal facts, logged in the clear (canonical JSON). */
  readonly facts?: LedgerJsonObject | undefined;
  readonly subject?: RecordSubject | undefined;
}

export interface RecordOptions {
  /** Write the row through this store: pass the caller's transaction so both commit together. */
  readonly store?: Store | undefined;
}

export interface RecordedEntry {
  readonly id: string;
  /** The leaf index in the log. */
  readonly index: number;
  /** The leaf as canonical JSON text (the entry's bytes in UTF-8). */
  readonly leaf: string;
  readonly time: Date;
}

/** What engines hold: the one entry point. */
export interface LedgerRecorder {
  record(input: RecordInput, options?: RecordOptions): Promise<RecordedEntry>;
}

/** A record read back, with its personal fields when they still exist. */
export interface LedgerRecordView {
  readonly id: string;
  readonly type: string;
  readonly tenantId: string | null;
  readonly time: Date;
  readonly index: number;
  /** The leaf as canonical JSON text. */
  readonly leaf: string;
  readonly produceId: string | undefined;
  readonly contentDigest: string | undefined;
  readonly facts: LedgerJsonObject;
  readonly retainUntil: Date;
  /** The record had a subject (personal fields). */
  readonly hasSubject: boolean;
  /** The personal fields: {} without a subject, undefined once erased or expired. */
  readonly personal: LedgerJsonObject | undefined;
  /** The personal fields are gone (erasure or expiry destroyed them or their key). */
  readonly erased: boolean;
  /** The stored opening opens the leaf's commitment (false once erased). */
  readonly commitmentOpened: boolean;
}

export interface EraseOutcome {
  /** The subject had a live key, now destroyed. */
  readonly keyDestroyed: boolean;
  /** Records whose encrypted personal fields were dropped. */
  readonly records: number;
}

export interface ExpireOutcome {
  readonly records: number;
  readonly keysDestroyed: number;
}

export interface Ledger extends LedgerRecorder {
  readonly log: Log;
  readonly retention: RetentionPolicy;
  /** Throws ledger.record_not_found. */
  readRecord(id: string): Promise<LedgerRecordView>;
  /** The view of a row the caller already read (a listing page): no second read. */
  viewRecord(row: StoredLedgerRecord): Promise<LedgerRecordView>;
  /**
   * Erasure (PIPL Art. 47): destroys the subject's key and drops the ciphertext of their
   * records. Leaves and proofs stay valid; the erasure itself is recorded (admin.action).
   */
  eraseSubject(subjectId: string, actor?: string | null): Promise<EraseOutcome>;
  /**
   * Expiry: drops the personal fields of records past their retention and destroys keys no
   * record needs (idle for an hour, so a record being written keeps its key).
   */
  expireRecords(now?: Date): Promise<ExpireOutcome>;
  /** Closes the log. */
  close(): Promise<void>;
}

export interface LedgerOptions {
  readonly log: Log;
  readonly store: Store;
  readonly secrets: SubjectSecrets;
  readonly retention?: RetentionPolicy | undefined;
  readonly clock?: Clock | undefined;
}

/** How long a subject key must sit unused before expiry may destroy it. */
const KEY_IDLE_MS = 3_600_000;
const MAX_ID = 128;
const MAX_SUBJECT_ID = 1024;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function invalid(field: string, problem: string, message: string, cause?: unknown): EngineError {
  return new EngineError('ledger.record_invalid', message, {
    ...(cause === undefined ? {} : { cause }),
    details: { field, problem },
  });
}

function checkText(value: string, field: string, max: number): void {
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid(field, 'malformed', `The record's ${field} must be 1 to ${max} printable characters.`);
  }
}

function checkJson(value: LedgerJsonObject | undefined, field: string): LedgerJsonObject {
  if (value === undefined) return {};
  // Typed callers cannot pass anything else; untyped ones (JSON from a request) can.
  const raw: unknown = value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(field, 'not_object', `The record's ${field} must be a JSON object.`);
  }
  try {
    canonicalJson(value);
  } catch (err) {
    if (isAppError(err, 'ledger.invalid_json')) {
      throw invalid(field, 'not_json', `The record's ${field} have no canonical JSON form.`, err);
    }
    throw err;
  }
  return value;
}

function leafBody(input: RecordInput, id: string, time: Date, facts: LedgerJsonObject): LeafBody {
  if (!isLedgerEventType(input.type)) {
    throw invalid('type', 'unknown_type', 'The record names an unknown event type.');
  }
  if (input.tenantId !== null) checkText(input.tenantId, 'tenantId', MAX_ID);
  if (input.produceId !== undefined) checkText(input.produceId, 'produceId', 64);
  if (input.contentDigest !== undefined && !SHA256_HEX.test(input.contentDigest)) {
    throw invalid('contentDigest', 'malformed', 'The content digest must be lower-case hex SHA-256.');
  }
  return {
    v: LEAF_VERSION,
    id,
    type: input.type,
    ...(input.tenantId === null ? {} : { tenant: input.tenantId }),
    time: time.toISOString(),
    ...(input.produceId === undefined ? {} : { produceId: input.produceId }),
    ...(input.contentDigest === undefined ? {} : { content: input.contentDigest }),
    facts,
  };
}

const recordAad = (id: string): string => `record\0${id}`;

/** The ledger over an open log and the store: record, read, erase, expire. */
export function createLedger(options: LedgerOptions): Ledger {
  const { log, store, secrets } = options;
  const clock = options.clock ?? systemClock;
  const retention = options.retention ?? retentionPolicy();

  /** The subject's live key, created (or re-created after an erasure) when it has none. */
  async function subjectKey(db: Store, subjectId: string, at: Date): Promise<Uint8Array> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const live = await db.ledgerSubjectKeys.use(subjectId, at);
      if (live?.wrappedKey != null) return secrets.unwrap(subjectId, live.wrappedKey);
      const key = newSubjectKey();
      const created = await db.ledgerSubjectKeys.create(subjectId, secrets.wrap(subjectId, key), at);
      if (created !== undefined) return key;
      // Another writer created the subject's key meanwhile: use theirs.
    }
    throw new EngineError('ledger.unavailable', 'The subject key could not be created; retry.', {
      details: { reason: 'subject_key_race' },
    });
  }

  async function record(input: RecordInput, opts: RecordOptions = {}): Promise<RecordedEntry> {
    const db = opts.store ?? store;
    const time = clock.now();
    const id = newUlid(time);
    const body = leafBody(input, id, time, checkJson(input.facts, 'facts'));
    const personal = input.subject === undefined ? {} : checkJson(input.subject.fields, 'subject fields');
    if (input.subject !== undefined) checkText(input.subject.id, 'subject id', MAX_SUBJECT_ID);
    const opening = newOpening(personal);
    const built = buildLeaf(body, opening);
    if (built.bytes.length > MAX_ENTRY_SIZE) {
      throw invalid('facts', 'too_large', `The record's leaf is over ${MAX_ENTRY_SIZE} bytes: log less.`);
    }
    const openingBytes = canonicalJsonBytes(opening);
    let subjectId: string | null = null;
    let sealed: string | null = null;
    if (input.subject !== undefined) {
      subjectId = secrets.subjectId(input.subject.id);
      sealed = seal(await subjectKey(db, subjectId, time), openingBytes, recordAad(id));
    }

    let index: number;
    try {
      ({ index } = await log.append(built.bytes));
    } catch (err) {
      const reason = isAppError(err) ? err.code : 'io';
      throw new EngineError(
        'ledger.unavailable',
        'The ledger could not durably record this event, so the operation was not carried out. Check the ledger’s disk and the server log, then retry.',
        { cause: err, details: { reason, type: input.type } },
      );
    }
    await db.ledgerRecords.create({
      id,
      tenantId: input.tenantId,
      type: input.type,
      time,
      leafIndex: index,
      leaf: built.text,
      subjectId,
      opening: sealed === null ? Buffer.from(openingBytes).toString('utf8') : null,
      personal: sealed,
      retainUntil: retention.retainUntil(input.type, time),
    });
    return { id, index, leaf: built.text, time };
  }

  /** The opening of a stored record, or undefined when it was erased or expired. */
  async function openingOf(row: StoredLedgerRecord): Promise<Opening | undefined> {
    if (row.subjectId === null) {
      return row.opening === null ? undefined : (JSON.parse(row.opening) as Opening);
    }
    if (row.personal === null) return undefined;
    const key = await store.ledgerSubjectKeys.get(row.subjectId);
    if (key?.wrappedKey == null) return undefined;
    const plain = unseal(secrets.unwrap(row.subjectId, key.wrappedKey), row.personal, recordAad(row.id));
    // A ciphertext under an older key of a re-keyed subject no longer opens: erased as well.
    return plain === undefined ? undefined : (JSON.parse(Buffer.from(plain).toString('utf8')) as Opening);
  }

  /** A stored row as callers see it: the leaf's facts, and the personal fields while kept. */
  async function view(row: StoredLedgerRecord): Promise<LedgerRecordView> {
    const leaf = JSON.parse(row.leaf) as Leaf;
    const opening = await openingOf(row);
    const hasSubject = row.subjectId !== null;
    return {
      id: row.id,
      type: row.type,
      tenantId: row.tenantId,
      time: row.time,
      index: row.leafIndex,
      leaf: row.leaf,
      produceId: leaf.produceId,
      contentDigest: leaf.content,
      facts: leaf.facts,
      retainUntil: row.retainUntil,
      hasSubject,
      personal: opening?.personal,
      erased: hasSubject && opening === undefined,
      commitmentOpened: opening !== undefined && opens(row.leaf, opening),
    };
  }

  return {
    log,
    retention,
    record,

    async readRecord(id) {
      const row = await store.ledgerRecords.get(id);
      if (row === undefined) {
        throw new EngineError('ledger.record_not_found', 'No ledger record with this id.', {
          details: { id },
        });
      }
      return view(row);
    },

    viewRecord: (row) => view(row),

    async eraseSubject(subject, actor = null) {
      checkText(subject, 'subject id', MAX_SUBJECT_ID);
      const subjectId = secrets.subjectId(subject);
      const now = clock.now();
      const outcome = await store.transaction(async (tx) => ({
        keyDestroyed: await tx.ledgerSubjectKeys.destroy(subjectId, now),
        records: await tx.ledgerRecords.erasePersonal(subjectId),
      }));
      await record({
        type: 'admin.action',
        tenantId: null,
        facts: {
          action: 'ledger.subject_erased',
          actor,
          keyDestroyed: outcome.keyDestroyed,
          records: outcome.records,
        },
      });
      return outcome;
    },

    async expireRecords(now = clock.now()) {
      const records = await store.ledgerRecords.expirePersonal(now);
      const keysDestroyed = await store.ledgerSubjectKeys.destroyUnused(
        now,
        new Date(now.getTime() - KEY_IDLE_MS),
      );
      if (records > 0 || keysDestroyed > 0) {
        await record({
          type: 'admin.action',
          tenantId: null,
          facts: { action: 'ledger.expired', records, keysDestroyed },
        });
      }
      return { records, keysDestroyed };
    },

    close: () => log.close(),
  };
}
