/**
 * The providers' label signing keys (TC260-PG-202511A SecurityData): one active key per tenant,
 * created on first use, rotated on demand; retired keys stay published so labels signed with
 * them still verify. Public halves live in the store (`signing_keys`), private halves in a vault:
 * by default `<data>/signing-keys/<kid>.pem`, PKCS #8, mode 0600 in a 0700 directory.
 *
 * A private key file is written (atomically, fsynced) BEFORE its public half is recorded, so the
 * store never names a key nobody can sign with. With PostgreSQL shared by several nodes, every
 * node must see the same vault directory (or a future KMS vault).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { schemas } from '@synthguard/contract';
import { type Clock, isAppError, systemClock } from '@synthguard/core';
import {
  type PublicSigningKey,
  type SignatureAlgorithm,
  type SigningKey,
  generateSigningKey,
  publicKeyFromSpki,
  signingKeyFromPem,
} from '@synthguard/labels';
import type { SigningKeyRecord, Store } from '@synthguard/store';
import { EngineError } from './errors.js';
import type { LedgerRecorder } from './ledger/record.js';
import { writeSecretFile } from './runtime/data-dir.js';
import { requireTenant } from './tenants.js';

export interface PrivateKeyVault {
  /** The PKCS #8 PEM of key `kid`, or undefined when the vault does not hold it. */
  read(kid: string): Promise<string | undefined>;
  write(kid: string, pem: string): Promise<void>;
}

const KID = /^[A-Za-z0-9_-]{16}$/;

/** Private keys as files `<dir>/<kid>.pem` (0600) in a directory created with mode 0700. */
export function directoryVault(dir: string): PrivateKeyVault {
  return {
    async read(kid) {
      if (!KID.test(kid)) return undefined;
      try {
        return await readFile(join(dir, `${kid}.pem`), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new EngineError(
          'signing_key.unavailable',
          `Cannot read the signing key file of ${kid} in ${dir}.`,
          {
            cause: err,
            details: { kid },
          },
        );
      }
    },
    async write(kid, pem) {
      if (!KID.test(kid)) throw new RangeError(`bad key id ${kid}`);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeSecretFile(join(dir, `${kid}.pem`), pem);
    },
  };
}

/** Keys in memory only (tests, and a store that lives in memory too). */
export function memoryVault(): PrivateKeyVault {
  const keys = new Map<string, string>();
  return {
    read: (kid) => Promise.resolve(keys.get(kid)),
    write: (kid, pem) => {
      keys.set(kid, pem);
      return Promise.resolve();
    },
  };
}

/** A key as the well-known URL publishes it. */
export interface PublishedKey extends SigningKeyRecord {
  /** The owning tenant's provider code (ContentProducer / ContentPropagator of its labels). */
  readonly providerCode: string;
}

export interface Keyring {
  /** The tenant's active signing key, created (with the default algorithm) on first use. */
  activeKey(tenantId: string): Promise<SigningKey>;
  /**
   * Creates a new active key for the tenant and retires the previous one. `actor` (key id or
   * 'cli') is logged with the rotation when the keyring has a ledger.
   */
  rotate(tenantId: string, alg?: SignatureAlgorithm, actor?: string | null): Promise<SigningKeyRecord>;
  list(tenantId: string): Promise<SigningKeyRecord[]>;
  /** Every key of the installation with its provider code, newest first. */
  published(): Promise<PublishedKey[]>;
  /** A key this installation issued (any tenant, active or retired), with its provider code. */
  lookup(kid: string): Promise<PublishedKey | undefined>;
}

export interface KeyringOptions {
  readonly clock?: Clock;
  /** Algorithm of keys created on first use; default Ed25519. */
  readonly defaultAlgorithm?: SignatureAlgorithm;
  /**
   * Logs every key created (first use) or rotated as admin.action, in the same transaction as
   * the key's public half: when the ledger cannot record, the key is not activated.
   */
  readonly ledger?: LedgerRecorder | undefined;
}

export function createKeyring(store: Store, vault: PrivateKeyVault, options: KeyringOptions = {}): Keyring {
  const clock = options.clock ?? systemClock;
  const defaultAlgorithm = options.defaultAlgorithm ?? 'Ed25519';
  const loaded = new Map<string, SigningKey>();

  async function load(record: SigningKeyRecord): Promise<SigningKey> {
    const cached = loaded.get(record.kid);
    if (cached) return cached;
    const pem = await vault.read(record.kid);
    if (pem === undefined) {
      throw new EngineError(
        'signing_key.unavailable',
        `The private half of signing key ${record.kid} is not in this installation's key directory; restore it or rotate the key.`,
        { details: { kid: record.kid } },
      );
    }
    const key = signingKeyFromPem(pem);
    if (key.kid !== record.kid) {
      throw new EngineError('signing_key.unavailable', `The key file for ${record.kid} holds another key.`, {
        details: { kid: record.kid },
      });
    }
    loaded.set(key.kid, key);
    return key;
  }

  /** A new active key; with `firstUse`, an active key that appeared meanwhile wins instead. */
  async function create(
    tenantId: string,
    alg: SignatureAlgorithm,
    firstUse: boolean,
    actor: string | null,
  ): Promise<SigningKeyRecord> {
    const key = generateSigningKey(alg);
    await vault.write(key.kid, key.toPkcs8Pem());
    loaded.set(key.kid, key);
    return store.transaction(async (tx) => {
      const current = await tx.signingKeys.active(tenantId);
      if (firstUse && current !== undefined) return current;
      const activated = await tx.signingKeys.activate({
        kid: key.kid,
        tenantId,
        alg,
        publicKey: Buffer.from(key.spki).toString('base64url'),
        createdAt: clock.now(),
      });
      await options.ledger?.record(
        {
          type: 'admin.action',
          tenantId,
          facts: {
            action: firstUse ? 'signing_key.created' : 'signing_key.rotated',
            actor,
            kid: activated.kid,
            alg: activated.alg,
            retiredKid: current?.kid ?? null,
          },
        },
        { store: tx },
      );
      return activated;
    });
  }

  async function withProvider(records: SigningKeyRecord[]): Promise<PublishedKey[]> {
    const codes = new Map((await store.tenants.list()).map((t) => [t.id, t.providerCode]));
    return records.map((r) => ({ ...r, providerCode: codes.get(r.tenantId) ?? '' }));
  }

  return {
    async activeKey(tenantId) {
      const active = await store.signingKeys.active(tenantId);
      if (active) return load(active);
      await requireTenant(store, tenantId);
      try {
        return await load(await create(tenantId, defaultAlgorithm, true, null));
      } catch (err) {
        // Two first uses at once: the other one's key won; use it.
        if (!isAppError(err, 'store.conflict')) throw err;
        const winner = await store.signingKeys.active(tenantId);
        if (!winner) throw err;
        return load(winner);
      }
    },
    async rotate(tenantId, alg = defaultAlgorithm, actor = null) {
      await requireTenant(store, tenantId);
      return create(tenantId, alg, false, actor);
    },
    list: (tenantId) => store.signingKeys.listByTenant(tenantId),
    async published() {
      return withProvider(await store.signingKeys.listAll());
    },
    async lookup(kid) {
      const record = await store.signingKeys.get(kid);
      if (!record) return undefined;
      return (await withProvider([record]))[0];
    },
  };
}

/** The verification key of a published record. */
export function publicKeyOf(record: SigningKeyRecord): PublicSigningKey {
  return publicKeyFromSpki(Uint8Array.from(Buffer.from(record.publicKey, 'base64url')));
}

/**
 * A key directory over a published key list (the JSON at the well-known URL), for verifiers
 * outside the installation. Throws `request.invalid` when the document is not such a list.
 */
export function publishedKeyDirectory(document: unknown): {
  lookup(kid: string): Promise<PublishedKey | undefined>;
} {
  const parsed = schemas.PublishedSigningKeys.safeParse(document);
  if (!parsed.success) {
    throw new EngineError(
      'request.invalid',
      'Not a signing key list (expected {"keys": [...]} as published at /.well-known/synthguard/signing-keys.json).',
    );
  }
  const byKid = new Map<string, PublishedKey>();
  for (const k of parsed.data.keys) {
    byKid.set(k.kid, {
      kid: k.kid,
      tenantId: '',
      alg: k.alg,
      publicKey: k.publicKey,
      status: k.status,
      createdAt: new Date(k.createdAt),
      retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt),
      providerCode: k.providerCode,
    });
  }
  return { lookup: (kid) => Promise.resolve(byKid.get(kid)) };
}
