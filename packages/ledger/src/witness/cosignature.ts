/**
 * C2SP tlog-cosignature v1, Ed25519 (https://c2sp.org/tlog-cosignature, "Format" and "Ed25519
 * signed message"): a witness's statement that, as of `timestamp`, the checkpoint is the largest
 * consistent tree it has seen for the log. It is a signed-note signature line
 *
 *   — <cosigner name> base64(key ID || timestamped_signature)
 *   key ID                 = SHA-256(<name> || "\n" || 0x04 || 32-byte Ed25519 public key)[:4]
 *   timestamped_signature  = u64 big-endian POSIX seconds || 64-byte Ed25519 signature
 *   signed message         = "cosignature/v1\ntime <timestamp>\n" || whole checkpoint body
 *
 * (body = every line of the note text, extension lines included; Filippo Valsorda's older
 * litetlog signed only the first three lines, which is the same for our extension-free
 * checkpoints). Verifier keys are vkeys of type 0x04: `<name>+<hex key ID>+base64(0x04 || key)`.
 *
 * Signer keys are ordinary signed-note Ed25519 signer keys (`PRIVATE+KEY+<name>+<id>+base64(0x01
 * || seed)`), the form transparency-dev's witnesses (NewSignerForCosignatureV1) keep on disk: the
 * cosigner derives its 0x04 key ID from the same seed, so a key file moves between them.
 *
 * Because a CosignatureVerifier is a NoteVerifier, openNote verifies cosignatures like any other
 * signature; unknown cosignatures on a note are ignored as signed-note requires. Go's
 * golang.org/x/mod 0.7.0 (Debian) predates type 0x04 and cannot check these: there is no interop
 * test against it; the tests use a real cosigned checkpoint of the public witness network instead.
 *
 * Timestamps: the spec allows up to 2^63 - 1; we refuse above 2^53 - 1 (JavaScript numbers),
 * which is the year 285,428,751.
 */
import { utf8Encode } from '@synthguard/core';
import { decodeBase64Strict, encodeBase64 } from '../base64.js';
import { type Checkpoint, parseCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import {
  MAX_NOTE_KEY_TEXT,
  type NoteSigner,
  type NoteVerifier,
  isValidKeyName,
  noteKeyHash,
  noteSigner,
  noteVerifier,
  parseSignerKey,
} from '../note-keys.js';
import { type NoteLimits, type NoteSignature, type OpenedNote, openNote, signNote } from '../note.js';

/** Signature type of Ed25519 cosignature/v1 (C2SP signed-note "Signature types"). */
export const COSIGNATURE_V1_ALG = 0x04;
/** Bytes of a timestamped Ed25519 signature: u64 timestamp || 64-byte signature. */
export const COSIGNATURE_V1_SIZE = 8 + 64;
/** Largest timestamp we sign or accept (2^53 - 1 seconds; the spec allows 2^63 - 1). */
export const MAX_COSIGNATURE_TIMESTAMP = Number.MAX_SAFE_INTEGER;

/** Verifies cosignature/v1 signatures of one cosigner (name, 0x04 key ID). */
export interface CosignatureVerifier extends NoteVerifier {
  readonly type: 'cosignature/v1';
}

/** Cosigns checkpoints as one cosigner. The private key never leaves it. */
export interface CosignatureSigner {
  readonly name: string;
  readonly keyHash: number;
  readonly verifier: CosignatureVerifier;
  /** The timestamped signature (u64 BE `timestamp` || Ed25519 signature) of the note text. */
  sign(text: Uint8Array, timestamp: number): Uint8Array;
  /** A note signer that cosigns at `timestamp` (for signNote). */
  at(timestamp: number): NoteSigner;
}

/** One verified cosignature on a note. */
export interface Cosignature {
  readonly name: string;
  readonly keyHash: number;
  /** The cosigner's verifier key (vkey, type 0x04). */
  readonly verifierKey: string;
  /** POSIX seconds at which the witness cosigned. */
  readonly timestamp: number;
}

const HEX8 = /^[0-9a-fA-F]{8}$/;

function invalidKey(problem: string): LedgerError {
  return new LedgerError('ledger.invalid_key', `The cosigner key is not usable: ${problem}.`, {
    details: { problem },
  });
}

function invalidCosignature(problem: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError('ledger.invalid_cosignature', `The cosignature is not acceptable: ${problem}.`, {
    details: { problem, ...details },
  });
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 1 || timestamp > MAX_COSIGNATURE_TIMESTAMP) {
    throw new LedgerError(
      'ledger.invalid_argument',
      'A cosignature timestamp is a whole number of seconds, at least 1.',
      { details: { field: 'timestamp', max: MAX_COSIGNATURE_TIMESTAMP } },
    );
  }
}

/** tlog-cosignature "Ed25519 signed message": the header and time lines, then the note text. */
export function cosignatureMessage(timestamp: number, text: Uint8Array): Uint8Array {
  const head = utf8Encode(`cosignature/v1\ntime ${timestamp}\n`);
  const out = new Uint8Array(head.length + text.length);
  out.set(head, 0);
  out.set(text, head.length);
  return out;
}

function encodedKey(publicKey: Uint8Array): Uint8Array {
  const encoded = new Uint8Array(33);
  encoded[0] = COSIGNATURE_V1_ALG;
  encoded.set(publicKey, 1);
  return encoded;
}

/** A cosignature/v1 verifier for `name` and a 32-byte Ed25519 public key. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): CosignatureVerifier {
  if (!isValidKeyName(name)) throw invalidKey('invalid key name');
  if (publicKey.length !== 32) throw invalidKey('an Ed25519 public key is 32 bytes');
  const ed25519 = noteVerifier(name, publicKey); // raw Ed25519 over any message
  const encoded = encodedKey(publicKey);
  const keyHash = noteKeyHash(name, encoded);
  return {
    type: 'cosignature/v1',
    name,
    keyHash,
    publicKey: ed25519.publicKey,
    verifierKey: `${name}+${keyHash.toString(16).padStart(8, '0')}+${encodeBase64(encoded)}`,
    verify(message, signature) {
      if (signature.length !== COSIGNATURE_V1_SIZE) return false;
      const timestamp = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
      if (timestamp > BigInt(MAX_COSIGNATURE_TIMESTAMP)) return false;
      return ed25519.verify(cosignatureMessage(Number(timestamp), message), signature.subarray(8));
    },
  };
}

/**
 * Parses a cosigner verifier key `<name>+<hex key ID>+base64(0x04 || 32-byte key)` and checks
 * its key ID. Throws `ledger.invalid_key` (a type 0x01 note key is refused: convert it with
 * cosignatureVerifierFromNoteKey if the cosigner publishes that form).
 */
export function parseCosignatureVerifierKey(text: string): CosignatureVerifier {
  if (text.length > MAX_NOTE_KEY_TEXT) throw invalidKey(`longer than ${MAX_NOTE_KEY_TEXT} characters`);
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (b < 0) throw invalidKey('not name+keyid+key');
  const name = text.slice(0, a);
  const hash16 = text.slice(a + 1, b);
  if (!isValidKeyName(name)) throw invalidKey('invalid key name');
  if (!HEX8.test(hash16)) throw invalidKey('the key ID is not 8 hex digits');
  const key = decodeBase64Strict(text.slice(b + 1));
  if (key === undefined || key.length === 0) throw invalidKey('the key is not base64');
  if (key[0] !== COSIGNATURE_V1_ALG) throw invalidKey('not a cosignature/v1 key (type 0x04)');
  if (key.length !== 33) throw invalidKey('an Ed25519 key is 32 bytes');
  const v = cosignatureVerifier(name, key.subarray(1));
  if (v.keyHash !== Number.parseInt(hash16, 16)) throw invalidKey('the key ID does not match the key');
  return v;
}

/** The cosignature/v1 verifier of the same name and Ed25519 key as a type 0x01 note verifier. */
export function cosignatureVerifierFromNoteKey(v: NoteVerifier): CosignatureVerifier {
  return cosignatureVerifier(v.name, v.publicKey);
}

/** A cosigner for `name` and a 32-byte Ed25519 seed. */
export function cosignatureSigner(name: string, seed: Uint8Array): CosignatureSigner {
  return fromNoteSigner(noteSigner(name, seed));
}

/**
 * A cosigner from an Ed25519 signed-note signer key text (`PRIVATE+KEY+...`, type 0x01; see the
 * module comment). Throws `ledger.invalid_key`. The key text is secret and never echoed.
 */
export function parseCosignatureSignerKey(text: string): CosignatureSigner {
  return fromNoteSigner(parseSignerKey(text));
}

function fromNoteSigner(ed25519: NoteSigner): CosignatureSigner {
  const verifier = cosignatureVerifier(ed25519.name, ed25519.verifier.publicKey);
  const sign = (text: Uint8Array, timestamp: number): Uint8Array => {
    checkTimestamp(timestamp);
    const out = new Uint8Array(COSIGNATURE_V1_SIZE);
    Buffer.from(out.buffer).writeBigUInt64BE(BigInt(timestamp), 0);
    out.set(ed25519.sign(cosignatureMessage(timestamp, text)), 8);
    return out;
  };
  return {
    name: ed25519.name,
    keyHash: verifier.keyHash,
    verifier,
    sign,
    at(timestamp) {
      checkTimestamp(timestamp);
      return {
        name: ed25519.name,
        keyHash: verifier.keyHash,
        verifier,
        sign: (message) => sign(message, timestamp),
      };
    },
  };
}

/**
 * The cosignature line (`— <name> <base64>\n`) of `signer` on the checkpoint note text `text`
 * (the signed body, final newline included) at `timestamp`. Throws `ledger.malformed_checkpoint`
 * when the text is not a checkpoint: a witness cosigns checkpoints only.
 */
export function cosignCheckpoint(text: string, signer: CosignatureSigner, timestamp: number): string {
  parseCheckpoint(text);
  const signed = signNote(text, [signer.at(timestamp)]);
  return signed.slice(text.length + 1);
}

/**
 * The timestamp of a cosignature/v1 signature line (without verifying it). Throws
 * `ledger.invalid_cosignature` when the signature is not key ID || u64 || 64 bytes or the
 * timestamp is above MAX_COSIGNATURE_TIMESTAMP.
 */
export function cosignatureTimestamp(sig: NoteSignature): number {
  const raw = sig.base64.length <= 200 ? decodeBase64Strict(sig.base64) : undefined;
  if (raw?.length !== 4 + COSIGNATURE_V1_SIZE) throw invalidCosignature('not a cosignature/v1 signature');
  const t = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readBigUInt64BE(4);
  if (t > BigInt(MAX_COSIGNATURE_TIMESTAMP)) throw invalidCosignature('timestamp out of range');
  return Number(t);
}

export interface CosignedCheckpointOptions extends NoteLimits {
  /** Current time in ms since the epoch; with maxFutureSeconds, cosignatures later are refused. */
  readonly now?: number;
  /** Allowed clock skew for cosignature timestamps ahead of `now` (default: no check). */
  readonly maxFutureSeconds?: number;
}

/** A checkpoint signed by its log, with the cosignatures of known witnesses on it. */
export interface OpenedCosignedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
  /** Verified cosignatures by the given witnesses, in note order (possibly none). */
  readonly cosignatures: readonly Cosignature[];
}

/**
 * Verifies a checkpoint of the log `origin` signed by one of `logKeys` and the cosignatures on it
 * by any of `witnesses` (signatures by other keys are ignored). Throws like openCheckpoint
 * (`ledger.unknown_key` also when only witnesses signed: the log's own signature is required),
 * and `ledger.invalid_signature` when a known witness's cosignature fails, and
 * `ledger.invalid_cosignature` for a cosignature dated too far in the future. Count
 * `cosignatures` against your quorum.
 */
export function openCosignedCheckpoint(
  message: Uint8Array | string,
  origin: string,
  logKeys: readonly NoteVerifier[],
  witnesses: readonly CosignatureVerifier[],
  options: CosignedCheckpointOptions = {},
): OpenedCosignedCheckpoint {
  const note = openNote(message, [...logKeys, ...witnesses], options);
  const isKey = (list: readonly NoteVerifier[], s: NoteSignature): NoteVerifier | undefined =>
    list.find((v) => v.name === s.name && v.keyHash === s.keyHash);
  if (!note.signatures.some((s) => isKey(logKeys, s) !== undefined)) {
    throw new LedgerError(
      'ledger.unknown_key',
      "The checkpoint carries no signature by the log's key: check the log verifier key.",
      { details: { signatures: note.signatures.length + note.unverifiedSignatures.length } },
    );
  }
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== origin) {
    throw new LedgerError('ledger.origin_mismatch', 'The checkpoint is for another log: check the origin.', {
      details: { expected: origin },
    });
  }
  const cosignatures: Cosignature[] = [];
  for (const s of note.signatures) {
    const w = isKey(witnesses, s);
    if (w === undefined) continue;
    const timestamp = cosignatureTimestamp(s);
    if (
      options.now !== undefined &&
      options.maxFutureSeconds !== undefined &&
      timestamp > Math.floor(options.now / 1000) + options.maxFutureSeconds
    ) {
      throw invalidCosignature('timestamp in the future', { keyName: w.name });
    }
    cosignatures.push({ name: w.name, keyHash: w.keyHash, verifierKey: w.verifierKey, timestamp });
  }
  return { checkpoint, note, cosignatures };
}
