/**
 * Per-subject encryption of the ledger's personal fields («03 The ledger», point 7):
 * crypto-shredding. Each data subject gets a random 256-bit key; the personal fields of their
 * records (and the salt of each record's commitment) are encrypted with it (AES-256-GCM,
 * NIST SP 800-38D, 96-bit random nonce, the record id as additional data). Erasure or expiry
 * destroys the key: the ciphertext becomes noise while the leaves and their proofs stay valid.
 *
 * Subject keys are stored in the database wrapped (AES-256-GCM again, the subject id as
 * additional data) under a key derived from ONE installation secret, the subject master key
 * `<dataDir>/ledger/subject-master.key` (32 random bytes, base64, mode 0600). From it, HKDF-SHA-256
 * (RFC 5869) derives two independent keys: the wrapping key and the HMAC key that turns a
 * subject's id into the `subject_id` stored (so the database never holds the id itself). One
 * file to back up instead of two, with domain separation between the uses. Several nodes on
 * one PostgreSQL database must share this file, as they share the signing-key directory.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hmacSha256Hex } from '@synthguard/core';
import { EngineError } from '../errors.js';
import { writeSecretFile } from '../runtime/data-dir.js';

export const SUBJECT_MASTER_KEY_FILE = 'subject-master.key';
export const SUBJECT_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_INFO = 'synthguard ledger subject-key wrapping v1';
const HMAC_INFO = 'synthguard ledger subject-id hmac v1';

/** The installation's subject secrets: subject ids to keyed hashes, subject keys wrapped and unwrapped. */
export interface SubjectSecrets {
  /** HMAC-SHA-256 hex of a subject's id: what the database stores instead of the id. */
  subjectId(id: string): string;
  wrap(subjectId: string, key: Uint8Array): string;
  /** Throws ledger.subject_key_unavailable when `wrapped` was not wrapped by this master key for this subject. */
  unwrap(subjectId: string, wrapped: string): Uint8Array;
}

function unavailable(problem: string, message: string, cause?: unknown): EngineError {
  return new EngineError('ledger.subject_key_unavailable', message, {
    ...(cause === undefined ? {} : { cause }),
    details: { problem },
  });
}

function derive(master: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, new Uint8Array(0), info, 32));
}

/** Secrets derived from a 32-byte master key (tests pass one; the runtime loads the file). */
export function subjectSecrets(master: Uint8Array): SubjectSecrets {
  if (master.length !== SUBJECT_KEY_BYTES) throw new RangeError('the subject master key has 32 bytes');
  const wrapKey = derive(master, WRAP_INFO);
  const hmacKey = derive(master, HMAC_INFO);
  return {
    subjectId: (id) => hmacSha256Hex(hmacKey, id),
    wrap: (subjectId, key) => seal(wrapKey, key, `subject-key\0${subjectId}`),
    unwrap(subjectId, wrapped) {
      const key = unseal(wrapKey, wrapped, `subject-key\0${subjectId}`);
      if (key?.length !== SUBJECT_KEY_BYTES) {
        throw unavailable(
          'unwrap_failed',
          'A subject key does not unwrap with this installation’s subject master key: restore the subject-master.key file that wrapped it.',
        );
      }
      return key;
    },
  };
}

/** A fresh random subject key. */
export function newSubjectKey(): Uint8Array {
  return new Uint8Array(randomBytes(SUBJECT_KEY_BYTES));
}

/** AES-256-GCM: base64 of nonce | ciphertext | tag, with `aad` bound as additional data. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** The plaintext of `sealed`, or undefined when it is malformed or does not authenticate. */
export function unseal(key: Uint8Array, sealed: string, aad: string): Uint8Array | undefined {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    return undefined;
  }
}

/**
 * Loads `<dir>/subject-master.key`, creating it (0600) when absent — unless `mustExist` (the
 * database already holds subject keys: a new master key could not unwrap them, so a missing
 * file is an error, not a reason to start afresh).
 */
export async function loadSubjectMasterKey(
  dir: string,
  options: { mustExist: boolean },
): Promise<{ readonly key: Uint8Array; readonly created: boolean }> {
  const path = join(dir, SUBJECT_MASTER_KEY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw unavailable('unreadable', `Cannot read the subject master key ${path}.`, err);
    }
    if (options.mustExist) {
      throw unavailable(
        'missing',
        `The subject master key ${path} is missing but the database holds subject keys it wrapped: restore the file from a backup.`,
      );
    }
    const key = newSubjectKey();
    await writeSecretFile(path, `${Buffer.from(key).toString('base64')}\n`);
    return { key, created: true };
  }
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed) || key.length !== SUBJECT_KEY_BYTES) {
    throw unavailable('malformed', `The subject master key ${path} is not 32 bytes in base64.`);
  }
  return { key: new Uint8Array(key), created: false };
}
