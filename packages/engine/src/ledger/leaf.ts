/**
 * The ledger's leaf format («03 The ledger»; H3's verifier and the evidence pack read it):
 * the UTF-8 bytes of the RFC 8785 canonical JSON of
 *
 *   {"v":1,"id":"<record id>","type":"content.labeled","tenant":"<tenant id>",
 *    "time":"2026-11-22T03:45:00.123Z","produceId":"<optional>","content":"<optional sha256 hex>",
 *    "record":"<sha256 hex commitment>","facts":{...non-personal facts...}}
 *
 * `tenant` is absent for installation-wide events, `produceId` and `content` when the event is
 * not about one piece of content. `record` commits to the personal fields without revealing
 * them: SHA-256 hex of the canonical JSON of `{"salt": <32 random bytes, base64>, "leaf": <the
 * leaf without "record">, "personal": {...}}`. The salt and the personal fields (the "opening")
 * are kept in the database, encrypted with the subject's key when there is a subject; once that
 * key is destroyed nobody can link the commitment to a person, yet the leaf and its proofs stay
 * valid.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@synthguard/core';
import { canonicalJson, canonicalJsonBytes } from '@synthguard/ledger';

export const LEAF_VERSION = 1;
export const SALT_BYTES = 32;

/** A JSON value as canonical JSON accepts it (no undefined, NaN, Infinity, Date, class instance). */
export type LedgerJson =
  null | boolean | number | string | readonly LedgerJson[] | { readonly [key: string]: LedgerJson };

export type LedgerJsonObject = { readonly [key: string]: LedgerJson };

/** The leaf without its commitment. */
export interface LeafBody {
  readonly v: typeof LEAF_VERSION;
  readonly id: string;
  readonly type: string;
  readonly tenant?: string;
  /** ISO 8601 UTC with milliseconds (Date.prototype.toISOString). */
  readonly time: string;
  readonly produceId?: string;
  /** Lower-case hex SHA-256 of the content. */
  readonly content?: string;
  readonly facts: LedgerJsonObject;
}

export interface Leaf extends LeafBody {
  /** The commitment: SHA-256 hex of canonical JSON {salt, leaf: <LeafBody>, personal}. */
  readonly record: string;
}

/** What opens the commitment: kept in the database, never in the log. */
export interface Opening {
  /** 32 random bytes, base64. */
  readonly salt: string;
  readonly personal: LedgerJsonObject;
}

export function newOpening(personal: LedgerJsonObject): Opening {
  return { salt: randomBytes(SALT_BYTES).toString('base64'), personal };
}

/** The commitment of `body` with `opening`. Throws ledger.invalid_json for values without a canonical form. */
export function commitment(body: LeafBody, opening: Opening): string {
  return sha256Hex(canonicalJsonBytes({ salt: opening.salt, leaf: body, personal: opening.personal }));
}

/** The leaf with its commitment, as text and as the bytes appended to the log. */
export function buildLeaf(
  body: LeafBody,
  opening: Opening,
): { readonly leaf: Leaf; readonly text: string; readonly bytes: Uint8Array } {
  const leaf: Leaf = { ...body, record: commitment(body, opening) };
  const text = canonicalJson(leaf);
  return { leaf, text, bytes: Buffer.from(text, 'utf8') };
}

/** True when `opening` opens the commitment of the leaf `text` (canonical JSON of a Leaf). */
export function opens(text: string, opening: Opening): boolean {
  const parsed = JSON.parse(text) as Leaf;
  const { record, ...body } = parsed;
  return commitment(body, opening) === record;
}
