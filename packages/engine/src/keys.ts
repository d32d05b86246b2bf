import { type ApiKeyCreate, ROLE_SCOPES, type Role, type Scope, schemas } from '@synthguard/contract';
import {
  type Clock,
  constantTimeEqual,
  newUlid,
  randomToken,
  sha256Hex,
  systemClock,
} from '@synthguard/core';
import type { ApiKey, Store } from '@synthguard/store';
import { EngineError } from './errors.js';
import { parseInput } from './input.js';
import type { LedgerRecorder } from './ledger/record.js';
import type { Principal } from './principal.js';

/**
 * API keys: `sg_<id>_<secret>`. The id is public (it names the key in lists and logs); the
 * secret has 256 bits of entropy, is shown once and stored only as its SHA-256.
 */
const TOKEN_PATTERN = /^sg_([0-9a-z]{26})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is refreshed at most this often, so authentication does not write per request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface IssuedKey {
  readonly key: ApiKey;
  /** The bearer token. Never stored; show it once. */
  readonly token: string;
}

export interface IssueKeyInput {
  readonly name: string;
  readonly role: Role;
  readonly tenantId: string | null;
  readonly scopes?: readonly Scope[] | undefined;
  readonly createdBy: string | null;
}

/**
 * Issues a key. With `ledger`, the key and its admin.action record commit together: when the
 * ledger cannot record, no key is issued.
 */
export async function issueApiKey(
  store: Store,
  input: IssueKeyInput,
  clock: Clock = systemClock,
  ledger?: LedgerRecorder,
): Promise<IssuedKey> {
  const allowed = ROLE_SCOPES[input.role];
  const scopes = input.scopes ?? allowed;
  const extra = scopes.filter((s) => !allowed.includes(s));
  if (extra.length > 0) {
    throw new EngineError('key.invalid_scopes', `The role ${input.role} cannot hold ${extra.join(', ')}.`, {
      details: { scopes: extra },
    });
  }
  const id = newUlid(clock.now()).toLowerCase();
  const secret = randomToken(32);
  const create = (db: Store): Promise<ApiKey> =>
    db.apiKeys.create({
      id,
      tenantId: input.tenantId,
      name: input.name,
      role: input.role,
      scopes: [...new Set(scopes)],
      secretHash: sha256Hex(secret),
      createdAt: clock.now(),
      createdBy: input.createdBy,
    });
  const key =
    ledger === undefined
      ? await create(store)
      : await store.transaction(async (tx) => {
          const created = await create(tx);
          // The key's name is free text (it may name a person): not logged.
          await ledger.record(
            {
              type: 'admin.action',
              tenantId: created.tenantId,
              facts: {
                action: 'api_key.issued',
                actor: input.createdBy,
                keyId: created.id,
                role: created.role,
                scopes: [...created.scopes],
              },
            },
            { store: tx },
          );
          return created;
        });
  return { key, token: `sg_${id}_${secret}` };
}

/** Issue a key on behalf of `principal`: tenant admins issue keys for their own tenant only. */
export async function issueApiKeyAs(
  store: Store,
  principal: Principal,
  input: ApiKeyCreate,
  clock: Clock = systemClock,
  ledger?: LedgerRecorder,
): Promise<IssuedKey> {
  const req = parseInput(schemas.ApiKeyCreate, input);
  let tenantId: string | null = req.tenantId === undefined ? principal.tenantId : req.tenantId;
  if (principal.tenantId !== null && tenantId !== principal.tenantId) {
    throw new EngineError('auth.forbidden', 'A tenant key can only issue keys for its own tenant.');
  }
  if (tenantId !== null && (await store.tenants.get(tenantId)) === undefined) {
    throw new EngineError('tenant.not_found', `No tenant with id ${tenantId}.`);
  }
  tenantId ??= null;
  return issueApiKey(store, { ...req, tenantId, createdBy: principal.actor }, clock, ledger);
}

/** Resolves a bearer token to its principal, or throws auth.* errors. */
export async function authenticate(
  store: Store,
  token: string | undefined,
  clock: Clock = systemClock,
): Promise<Principal> {
  if (token === undefined || token === '') {
    throw new EngineError('auth.missing_credentials', 'Send an API key: Authorization: Bearer sg_…');
  }
  const match = TOKEN_PATTERN.exec(token);
  if (match === null) throw new EngineError('auth.invalid_key', 'The API key is not valid.');
  const [, id, secret] = match as unknown as [string, string, string];
  const key = await store.apiKeys.get(id);
  if (key === undefined || !constantTimeEqual(key.secretHash, sha256Hex(secret))) {
    throw new EngineError('auth.invalid_key', 'The API key is not valid.');
  }
  if (key.revokedAt !== null) throw new EngineError('auth.revoked_key', 'The API key has been revoked.');
  const now = clock.now();
  if (key.lastUsedAt === null || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await store.apiKeys.touch(id, now);
  }
  return { actor: key.id, tenantId: key.tenantId, role: key.role, scopes: new Set(key.scopes as Scope[]) };
}

/**
 * Revokes a key. The last installation-wide admin key cannot be revoked (nobody could log in
 * again). With `ledger`, the revocation and its admin.action record commit together.
 */
export async function revokeApiKey(
  store: Store,
  principal: Principal,
  id: string,
  clock: Clock = systemClock,
  ledger?: LedgerRecorder,
): Promise<ApiKey> {
  const key = await store.apiKeys.get(id);
  if (key === undefined || (principal.tenantId !== null && key.tenantId !== principal.tenantId)) {
    throw new EngineError('key.not_found', `No key with id ${id}.`);
  }
  if (key.revokedAt !== null) return key;
  if (key.role === 'admin' && key.tenantId === null && (await countInstallationAdmins(store)) <= 1) {
    throw new EngineError(
      'key.last_admin',
      'This is the last installation admin key; issue another one first.',
    );
  }
  if (ledger === undefined) return store.apiKeys.revoke(id, clock.now());
  return store.transaction(async (tx) => {
    const revoked = await tx.apiKeys.revoke(id, clock.now());
    await ledger.record(
      {
        type: 'admin.action',
        tenantId: revoked.tenantId,
        facts: { action: 'api_key.revoked', actor: principal.actor, keyId: revoked.id, role: revoked.role },
      },
      { store: tx },
    );
    return revoked;
  });
}

/** The principal of the local operator at the CLI: whoever can read the data directory is admin. */
export const localOperator: Principal = {
  actor: 'cli',
  tenantId: null,
  role: 'admin',
  scopes: new Set(ROLE_SCOPES.admin),
};

async function countInstallationAdmins(store: Store): Promise<number> {
  const keys = await store.apiKeys.listByTenant(null);
  return keys.filter((k) => k.role === 'admin' && k.revokedAt === null).length;
}
