import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { StoreError } from './errors.js';

/**
 * Schema migrations, applied in name order by `openStore`. Migrations are FROZEN once
 * released: never edit one, add the next (`0002_...`). They take `Kysely<unknown>` so they
 * do not follow later changes of the `Database` type. See README.md.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('uscc', 'text', (c) => c.notNull())
        .addColumn('provider_code', 'text', (c) => c.notNull())
        .addColumn('filing_numbers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('tenants_pkey', ['id'])
        .addUniqueConstraint('tenants_uscc_key', ['uscc'])
        .addCheckConstraint('tenants_filing_numbers_check', sql`jsonb_typeof(filing_numbers) = 'array'`)
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('name', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('scopes', 'jsonb', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_by', 'text')
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('last_used_at', 'timestamptz')
        .addPrimaryKeyConstraint('api_keys_pkey', ['id'])
        .addForeignKeyConstraint('api_keys_tenant_id_fkey', ['tenant_id'], 'tenants', ['id'])
        // Frozen copy of the role list as of 0001; a new role needs a migration.
        .addCheckConstraint(
          'api_keys_role_check',
          sql`role in (${sql.join(API_KEY_ROLES_0001.map((r) => sql.lit(r)))})`,
        )
        .addCheckConstraint('api_keys_scopes_check', sql`jsonb_typeof(scopes) = 'array'`)
        .execute();
      await db.schema.createIndex('api_keys_tenant_id_idx').on('api_keys').column('tenant_id').execute();

      await db.schema
        .createTable('content_records')
        .addColumn('produce_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('modality', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('input_sha256', 'char(64)', (c) => c.notNull())
        .addColumn('output_sha256', 'char(64)', (c) => c.notNull())
        .addColumn('input_bytes', 'bigint')
        .addColumn('output_bytes', 'bigint')
        .addColumn('label', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('content_records_pkey', ['produce_id'])
        .addForeignKeyConstraint('content_records_tenant_id_fkey', ['tenant_id'], 'tenants', ['id'])
        // GB 45438-2025: ProduceID is at most 64 characters.
        .addCheckConstraint('content_records_produce_id_check', sql`char_length(produce_id) between 1 and 64`)
        .addCheckConstraint('content_records_label_check', sql`jsonb_typeof(label) = 'object'`)
        .execute();
      await db.schema
        .createIndex('content_records_tenant_created_idx')
        .on('content_records')
        .columns(['tenant_id', 'created_at'])
        .execute();
    },
  },
  '0002_signing_keys': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Public halves of the providers' label signing keys (the private halves stay in the data
      // directory, mode 0600). At most one active key per tenant; retired keys stay listed so
      // labels signed with them still verify.
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('retired_at', 'timestamptz')
        .addPrimaryKeyConstraint('signing_keys_pkey', ['kid'])
        .addForeignKeyConstraint('signing_keys_tenant_id_fkey', ['tenant_id'], 'tenants', ['id'])
        .addCheckConstraint('signing_keys_alg_check', sql`alg in ('Ed25519', 'SM2-SM3')`)
        .addCheckConstraint('signing_keys_status_check', sql`status in ('active', 'retired')`)
        .addCheckConstraint(
          'signing_keys_retired_check',
          sql`(status = 'retired') = (retired_at is not null)`,
        )
        .execute();
      await db.schema
        .createIndex('signing_keys_one_active_idx')
        .on('signing_keys')
        .column('tenant_id')
        .unique()
        .where(sql.ref('status'), '=', 'active')
        .execute();

      // What a record is: a produced (labelled) file, or a propagation by a platform tenant.
      // previous_label: the label a relabel replaced (GB 45438 forbids silent replacement).
      await db.schema
        .alterTable('content_records')
        .addColumn('action', 'text', (c) => c.notNull().defaultTo('produce'))
        .execute();
      await db.schema.alterTable('content_records').addColumn('previous_label', 'jsonb').execute();
      await db.schema.alterTable('content_records').addColumn('signing_key_id', 'text').execute();
      await db.schema
        .alterTable('content_records')
        .addCheckConstraint('content_records_action_check', sql`action in ('produce', 'propagate')`)
        .execute();
    },
  },
  '0003_ledger': {
    async up(db: Kysely<unknown>): Promise<void> {
      // «03 The ledger»: one row per leaf of the tamper-evident log. The leaf (canonical JSON,
      // RFC 8785) holds no personal data; personal fields live here, encrypted with a per-subject
      // key (AES-256-GCM) that erasure or expiry destroys (crypto-shredding). No foreign key to
      // tenants: the ledger is evidence and outlives what it describes.
      await db.schema
        .createTable('ledger_records')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('time', 'timestamptz', (c) => c.notNull())
        .addColumn('leaf_index', 'bigint', (c) => c.notNull())
        .addColumn('leaf', 'text', (c) => c.notNull())
        // HMAC-SHA-256 (hex) of the subject's id under an installation key: never the id itself.
        .addColumn('subject_id', 'char(64)')
        // The commitment's opening {salt, personal} as canonical JSON, for records without a subject.
        .addColumn('opening', 'text')
        // The opening encrypted with the subject's key (base64 of nonce | ciphertext | tag).
        .addColumn('personal', 'text')
        .addColumn('retain_until', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_records_pkey', ['id'])
        .addUniqueConstraint('ledger_records_leaf_index_key', ['leaf_index'])
        .addCheckConstraint('ledger_records_leaf_index_check', sql`leaf_index >= 0`)
        .addCheckConstraint('ledger_records_type_check', sql`char_length(type) between 1 and 64`)
        .addCheckConstraint(
          'ledger_records_personal_check',
          sql`personal is null or (subject_id is not null and opening is null)`,
        )
        .execute();
      await db.schema
        .createIndex('ledger_records_tenant_time_idx')
        .on('ledger_records')
        .columns(['tenant_id', 'time'])
        .execute();
      await db.schema
        .createIndex('ledger_records_subject_idx')
        .on('ledger_records')
        .column('subject_id')
        .where(sql.ref('subject_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('ledger_records_retain_until_idx')
        .on('ledger_records')
        .column('retain_until')
        .where(sql.ref('personal'), 'is not', null)
        .execute();

      // Per-subject keys, wrapped (AES-256-GCM) with the installation's subject master key.
      // Destroying a key sets wrapped_key to null: the personal fields it encrypted are gone.
      await db.schema
        .createTable('ledger_subject_keys')
        .addColumn('subject_id', 'char(64)', (c) => c.notNull())
        .addColumn('wrapped_key', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('destroyed_at', 'timestamptz')
        .addPrimaryKeyConstraint('ledger_subject_keys_pkey', ['subject_id'])
        .addCheckConstraint(
          'ledger_subject_keys_destroyed_check',
          sql`(wrapped_key is null) = (destroyed_at is not null)`,
        )
        .execute();
    },
  },
  '0004_ledger_postgres': {
    async up(db: Kysely<unknown>): Promise<void> {
      // «03 The ledger» on PostgreSQL (engine/src/ledger/postgres): one logical writer holds an
      // advisory lock and sequences; the others queue. ledger_journal is the write-ahead log
      // (entries durable with their leaf index before integration), ledger_queue holds the
      // followers' appends until the leader journals them, ledger_queue_acks tells a follower
      // the index its queued entry got (written in the same statement that journals it), and
      // ledger_tiles holds the C2SP tlog-tiles files and the checkpoint by path.
      await db.schema
        .createTable('ledger_journal')
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('entry', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_journal_pkey', ['idx'])
        .addCheckConstraint('ledger_journal_idx_check', sql`idx >= 0`)
        .addCheckConstraint('ledger_journal_entry_check', sql`octet_length(entry) between 1 and 65535`)
        .execute();
      await db.schema
        .createTable('ledger_queue')
        .addColumn('id', 'bigserial', (c) => c.notNull())
        .addColumn('entry', 'bytea', (c) => c.notNull())
        .addColumn('enqueued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('ledger_queue_pkey', ['id'])
        .addCheckConstraint('ledger_queue_entry_check', sql`octet_length(entry) between 1 and 65535`)
        .execute();
      await db.schema
        .createTable('ledger_queue_acks')
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('acked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('ledger_queue_acks_pkey', ['id'])
        .execute();
      await db.schema
        .createTable('ledger_tiles')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('data', 'bytea', (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_tiles_pkey', ['path'])
        .execute();
    },
  },
};

/** Frozen: the roles 0001 allows. Adding a role to ApiKeyRole needs a migration. */
const API_KEY_ROLES_0001 = ['admin', 'operator', 'reviewer', 'compliance', 'inspector'];

/** Serializes migrations across processes: pg_advisory_lock(hashtext(...)) per schema. */
const LOCK_NAMESPACE = 'synthguard.store.migrate';

export interface MigrateOptions {
  /** The schema the store lives in (postgres `schema` option); undefined = search_path default. */
  readonly schema?: string | undefined;
  /** Defaults to MIGRATIONS (tests pass a broken set to exercise failure handling). */
  readonly migrations?: Readonly<Record<string, Migration>>;
}

/**
 * Applies pending migrations. Idempotent. Runs on ONE connection holding a session-level
 * advisory lock, so processes that open the same database at once take turns: the first
 * migrates, the others find nothing pending. Creates `schema` first when given.
 *
 * Throws store.migration_failed (or store.unavailable when the database went away).
 */
export async function migrateToLatest<DB>(db: Kysely<DB>, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = options.migrations ?? MIGRATIONS;
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };
  const lockKey = `${LOCK_NAMESPACE}:${options.schema ?? ''}`;
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${lockKey}))`.execute(conn);
    try {
      let failed: string | undefined;
      let error: unknown;
      let applied: string[] = [];
      try {
        if (options.schema !== undefined)
          await conn.schema.createSchema(options.schema).ifNotExists().execute();
        const migrator = new Migrator({
          db: conn,
          provider,
          ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
        });
        const outcome = await migrator.migrateToLatest();
        const results = outcome.results ?? [];
        error = outcome.error;
        failed = results.find((r) => r.status === 'Error')?.migrationName;
        applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      } catch (err) {
        error = err;
      }
      if (error === undefined) return applied;
      if (error instanceof StoreError && error.code === 'store.unavailable') throw error;
      throw new StoreError(
        'store.migration_failed',
        `Database migration ${failed ?? '(setup)'} failed and was rolled back: fix the cause (see the error's cause) and open the store again.`,
        { cause: error, details: { migration: failed ?? null } },
      );
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${lockKey}))`.execute(conn).catch(() => undefined);
    }
  });
}
