/**
 * C2SP signed-note keys (https://c2sp.org/signed-note, "Signatures" and "Ed25519 signatures"),
 * in the text forms of Go's `golang.org/x/mod/sumdb/note`:
 *
 *   verifier key  <name>+<hex key ID>+<base64(0x01 || 32-byte Ed25519 public key)>
 *   signer key    PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || 32-byte Ed25519 seed)>
 *
 *   key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian uint32
 *
 * Key names MUST be non-empty and contain neither Unicode spaces nor `+`. Only signature type
 * 0x01 (Ed25519, RFC 8032, through node:crypto) is supported. A signer key text is a secret:
 * no error message or detail ever contains it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { utf8Encode } from '@synthguard/core';
import { decodeBase64Strict, encodeBase64 } from './base64.js';
import { LedgerError } from './errors.js';

/** Signature type identifier of Ed25519 (C2SP signed-note "Signature types"). */
export const NOTE_ALG_ED25519 = 0x01;
/** Longest key text (name included) we parse; Go has no cap, real keys are under 200 bytes. */
export const MAX_NOTE_KEY_TEXT = 1024;

/** A known public key: verifies signatures of one (name, key ID). */
export interface NoteVerifier {
  readonly name: string;
  /** The 32-bit key ID (uint32). */
  readonly keyHash: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** The verifier key text (`<name>+<hex>+<base64>`). */
  readonly verifierKey: string;
  /** True when `signature` is a valid Ed25519 signature of `message` by this key. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** A private key that signs notes as one (name, key ID). */
export interface NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  /** The matching public verifier, to hand to whoever checks our notes. */
  readonly verifier: NoteVerifier;
  sign(message: Uint8Array): Uint8Array;
}

/** A freshly generated key pair in text form. `signerKey` is secret. */
export interface NoteKeyPair {
  readonly signerKey: string;
  readonly verifierKey: string;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const WHITE_SPACE = /\p{White_Space}/u; // the set Go's unicode.IsSpace tests
const LONE_SURROGATE = /\p{Cs}/u;
const HEX8 = /^[0-9a-fA-F]{8}$/; // Go: len 8, strconv.ParseUint(hash16, 16, 32)

function invalidKey(problem: string): LedgerError {
  return new LedgerError('ledger.invalid_key', `The signed-note key is not usable: ${problem}.`, {
    details: { problem },
  });
}

/** C2SP signed-note: a key name is non-empty, well-formed Unicode, without spaces or `+`. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !WHITE_SPACE.test(name) && !LONE_SURROGATE.test(name);
}

/** The key ID: SHA-256(name || 0x0A || encodedKey)[:4] as a uint32, `encodedKey` = type byte || key. */
export function noteKeyHash(name: string, encodedKey: Uint8Array): number {
  return createHash('sha256')
    .update(utf8Encode(name))
    .update('\n')
    .update(encodedKey)
    .digest()
    .readUInt32BE(0);
}

function hex8(keyHash: number): string {
  return keyHash.toString(16).padStart(8, '0');
}

function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  try {
    return createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw new LedgerError(
      'ledger.invalid_key',
      'The signed-note key is not usable: bad Ed25519 public key.',
      {
        cause,
        details: { problem: 'bad Ed25519 public key' },
      },
    );
  }
}

/** A verifier for `name` and a 32-byte Ed25519 public key (Go: note.NewEd25519VerifierKey). */
export function noteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  if (!isValidKeyName(name)) throw invalidKey('invalid key name');
  if (publicKey.length !== 32) throw invalidKey('an Ed25519 public key is 32 bytes');
  const encoded = new Uint8Array(33);
  encoded[0] = NOTE_ALG_ED25519;
  encoded.set(publicKey, 1);
  const keyHash = noteKeyHash(name, encoded);
  const key = ed25519PublicKeyObject(publicKey);
  return {
    name,
    keyHash,
    publicKey: encoded.slice(1),
    verifierKey: `${name}+${hex8(keyHash)}+${encodeBase64(encoded)}`,
    verify(message, signature) {
      if (signature.length !== 64) return false;
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}

/** `name+hex+base64` split at its first two `+` (Go's chop); base64 may itself contain `+`. */
function splitKeyText(text: string): [string, string, string] | undefined {
  const a = text.indexOf('+');
  if (a < 0) return undefined;
  const b = text.indexOf('+', a + 1);
  if (b < 0) return undefined;
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

/** Name, key ID and the decoded key bytes (type byte first) of `name+hex+base64`, checked. */
function parseKeyParts(text: string): { name: string; keyHash: number; key: Uint8Array } {
  if (text.length > MAX_NOTE_KEY_TEXT) throw invalidKey(`longer than ${MAX_NOTE_KEY_TEXT} characters`);
  const parts = splitKeyText(text);
  if (parts === undefined) throw invalidKey('not name+keyid+key');
  const [name, hash16, key64] = parts;
  if (!isValidKeyName(name)) throw invalidKey('invalid key name');
  if (!HEX8.test(hash16)) throw invalidKey('the key ID is not 8 hex digits');
  const key = decodeBase64Strict(key64);
  if (key === undefined || key.length === 0) throw invalidKey('the key is not base64');
  if (key[0] !== NOTE_ALG_ED25519) throw invalidKey('unsupported signature type (only Ed25519, 0x01)');
  if (key.length !== 33) throw invalidKey('an Ed25519 key is 32 bytes');
  return { name, keyHash: Number.parseInt(hash16, 16), key: key.subarray(1) };
}

/** Parses a verifier key `<name>+<hex>+<base64(0x01 || pubkey)>` (Go: note.NewVerifier). */
export function parseVerifierKey(text: string): NoteVerifier {
  const { name, keyHash, key } = parseKeyParts(text);
  const v = noteVerifier(name, key);
  if (v.keyHash !== keyHash) throw invalidKey('the key ID does not match the key');
  return v;
}

/** A signer for `name` and a 32-byte Ed25519 seed (RFC 8032 private key). */
export function noteSigner(name: string, seed: Uint8Array): NoteSigner {
  if (seed.length !== 32) throw invalidKey('an Ed25519 seed is 32 bytes');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  } catch (cause) {
    throw new LedgerError('ledger.invalid_key', 'The signed-note key is not usable: bad Ed25519 seed.', {
      cause,
      details: { problem: 'bad Ed25519 seed' },
    });
  }
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const v = noteVerifier(name, new Uint8Array(spki.subarray(SPKI_ED25519_PREFIX.length)));
  return {
    name,
    keyHash: v.keyHash,
    verifier: v,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

/**
 * Parses a signer key `PRIVATE+KEY+<name>+<hex>+<base64(0x01 || seed)>` (Go: note.NewSigner).
 * The key ID is checked against the public key derived from the seed.
 */
export function parseSignerKey(text: string): NoteSigner {
  if (!text.startsWith('PRIVATE+KEY+')) throw invalidKey('a signer key starts with PRIVATE+KEY+');
  const { name, keyHash, key } = parseKeyParts(text.slice('PRIVATE+KEY+'.length));
  const s = noteSigner(name, key);
  if (s.keyHash !== keyHash) throw invalidKey('the key ID does not match the key');
  return s;
}

/** The signer key text for `name` and a 32-byte seed (secret: store it like a password). */
export function encodeSignerKey(name: string, seed: Uint8Array): string {
  const s = noteSigner(name, seed);
  const encoded = new Uint8Array(33);
  encoded[0] = NOTE_ALG_ED25519;
  encoded.set(seed, 1);
  return `PRIVATE+KEY+${name}+${hex8(s.keyHash)}+${encodeBase64(encoded)}`;
}

/** The verifier key text for `name` and a 32-byte Ed25519 public key. */
export function encodeVerifierKey(name: string, publicKey: Uint8Array): string {
  return noteVerifier(name, publicKey).verifierKey;
}

/** A new Ed25519 key pair for `name` (Go: note.GenerateKey). */
export function generateNoteKey(name: string): NoteKeyPair {
  if (!isValidKeyName(name)) throw invalidKey('invalid key name');
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = new Uint8Array(pkcs8.subarray(PKCS8_ED25519_PREFIX.length));
  const signerKey = encodeSignerKey(name, seed);
  return { signerKey, verifierKey: parseSignerKey(signerKey).verifier.verifierKey };
}
