/**
 * C2SP signed notes (https://c2sp.org/signed-note, "Format" and "Signatures"), as Go's
 * `golang.org/x/mod/sumdb/note` reads and writes them:
 *
 *   <text, ending in a newline>
 *   <blank line>
 *   — <key name> <base64(4-byte big-endian key ID || signature)>     (one line per signature)
 *
 * The whole note MUST be valid UTF-8 without ASCII control characters other than newline; the
 * text is everything up to and including the newline before the LAST blank line. Verifiers MUST
 * ignore signatures by unknown keys, MUST verify those by known keys (one failing rejects the
 * note) and MUST reject a note no known key signed.
 *
 * Caps (the spec asks for a limit and at least 16 signatures): 1 MiB per note and 100 signature
 * lines by default, Go's signature limit. The whole message is attacker-controlled.
 */
import { utf8Encode } from '@synthguard/core';
import { decodeBase64Strict, encodeBase64 } from './base64.js';
import { LedgerError } from './errors.js';
import { type NoteSigner, type NoteVerifier, isValidKeyName } from './note-keys.js';

/** Default cap on a note's size in bytes (text and signatures). */
export const MAX_NOTE_BYTES = 1 << 20;
/** Default cap on signature lines per note (Go's note.Open allows 100). */
export const MAX_NOTE_SIGNATURES = 100;

/** One signature line: the key's name and ID, and the base64 exactly as written. */
export interface NoteSignature {
  readonly name: string;
  readonly keyHash: number;
  /** base64(key ID || signature), as on the line. */
  readonly base64: string;
}

/** A note whose text at least one known key signed. */
export interface OpenedNote {
  /** The signed text, final newline included. Trust it only because `signatures` is non-empty. */
  readonly text: string;
  /** Signatures by known keys, each verified, one per key, in note order. */
  readonly signatures: readonly NoteSignature[];
  /** Signatures by keys not in the known set (not checked), identical lines once. */
  readonly unverifiedSignatures: readonly NoteSignature[];
}

export interface NoteLimits {
  /** Largest note accepted, in bytes (default MAX_NOTE_BYTES). */
  readonly maxBytes?: number;
  /** Most signature lines accepted (default MAX_NOTE_SIGNATURES). */
  readonly maxSignatures?: number;
}

const SIGNATURE_PREFIX = '\u2014 '; // em dash, space
const LONE_SURROGATE = /\p{Cs}/u;
// ignoreBOM: a leading U+FEFF is note text, not a byte-order mark to drop before verifying.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when `s` holds an ASCII control character (below U+0020) other than newline. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

function malformed(problem: string, limit?: number): LedgerError {
  return new LedgerError('ledger.malformed_note', `The signed note is malformed: ${problem}; reject it.`, {
    details: limit === undefined ? { problem } : { problem, limit },
  });
}

function keyId(name: string, keyHash: number): string {
  return `${keyHash}:${name}`; // keyHash is digits only, so the pair is unambiguous
}

function knownIndex(known: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const index = new Map<string, NoteVerifier>();
  for (const v of known) {
    const id = keyId(v.name, v.keyHash);
    const other = index.get(id);
    if (other !== undefined && other.verifierKey !== v.verifierKey) {
      throw new LedgerError(
        'ledger.invalid_key',
        'Two known note keys share a name and key ID: fix the key list.',
        {
          details: { problem: 'ambiguous known keys', keyName: v.name },
        },
      );
    }
    index.set(id, v);
  }
  return index;
}

/** Parses one signature line (without its newline); throws ledger.malformed_note. */
function parseSignatureLine(line: string): { sig: NoteSignature; signature: Uint8Array } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line does not start with an em dash');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed('a signature has an invalid key name');
  const raw = decodeBase64Strict(b64);
  if (raw === undefined || raw.length < 5)
    throw malformed('a signature is not base64 of key ID and signature');
  const keyHash = ((raw[0]! << 24) >>> 0) + ((raw[1]! << 16) | (raw[2]! << 8) | raw[3]!);
  return { sig: { name, keyHash, base64: b64 }, signature: raw.subarray(4) };
}

/**
 * Verifies a signed note against the known keys (Go: note.Open) and returns its text and
 * signatures. Throws LedgerError: `ledger.malformed_note` (not signed-note text, or over a cap),
 * `ledger.invalid_signature` (a known key's signature fails), `ledger.unknown_key` (no known key
 * signed), `ledger.invalid_key` (two known keys collide).
 *
 * @example
 *   const { text } = openNote(bytes, [parseVerifierKey(logVerifierKey)]);
 */
export function openNote(
  message: Uint8Array | string,
  known: readonly NoteVerifier[],
  limits: NoteLimits = {},
): OpenedNote {
  const maxBytes = limits.maxBytes ?? MAX_NOTE_BYTES;
  const maxSignatures = limits.maxSignatures ?? MAX_NOTE_SIGNATURES;
  if (typeof message === 'string') {
    if (message.length > maxBytes) throw malformed('the note is too large', maxBytes);
    if (LONE_SURROGATE.test(message)) throw malformed('the note is not valid UTF-8');
  }
  const bytes = typeof message === 'string' ? utf8Encode(message) : message;
  if (bytes.length > maxBytes) throw malformed('the note is too large', maxBytes);
  let all: string;
  try {
    all = strictUtf8.decode(bytes);
  } catch {
    throw malformed('the note is not valid UTF-8');
  }
  if (hasControlCharacter(all)) throw malformed('the note contains a control character');

  // The text ends at the newline before the last blank line; the signature block follows it.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const split = buf.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const textBytes = bytes.subarray(0, split + 1);
  const block = strictUtf8.decode(bytes.subarray(split + 2)); // split is at an ASCII byte
  if (block === '' || !block.endsWith('\n')) throw malformed('the signature block does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > maxSignatures) throw malformed('too many signatures', maxSignatures);

  const index = knownIndex(known);
  const signatures: NoteSignature[] = [];
  const unverifiedSignatures: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  const parsed = lines.map(parseSignatureLine); // all lines well-formed before any crypto
  for (const [i, { sig, signature }] of parsed.entries()) {
    const id = keyId(sig.name, sig.keyHash);
    const verifier = index.get(id);
    if (verifier === undefined) {
      if (!seenUnknown.has(lines[i]!)) unverifiedSignatures.push(sig);
      seenUnknown.add(lines[i]!);
      continue;
    }
    if (seenKnown.has(id)) continue; // Go: one signature per known key counts
    seenKnown.add(id);
    if (!verifier.verify(textBytes, signature)) {
      throw new LedgerError(
        'ledger.invalid_signature',
        'A signature on the note by a known key does not verify: reject the note.',
        { details: { keyName: verifier.name, keyHash: verifier.keyHash.toString(16).padStart(8, '0') } },
      );
    }
    signatures.push(sig);
  }
  if (signatures.length === 0) {
    throw new LedgerError(
      'ledger.unknown_key',
      'No signature on the note is by a known key: check that the log verifier key is configured.',
      { details: { signatures: unverifiedSignatures.length } },
    );
  }
  return { text: strictUtf8.decode(textBytes), signatures, unverifiedSignatures };
}

/** Throws ledger.malformed_note unless `text` is signable note text. */
function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('the text does not end in a newline');
  if (hasControlCharacter(text)) throw malformed('the text contains a control character');
  if (LONE_SURROGATE.test(text)) throw malformed('the text is not valid Unicode');
}

/**
 * Signs `text` (which MUST end in a newline) with every signer (Go: note.Sign) and returns the
 * signed note. Signatures in `keep` (say, from a note being cosigned) come first, except those by
 * a key that signs now. Throws `ledger.malformed_note` for unsignable text or a bad kept
 * signature, `ledger.invalid_key` for an invalid or repeated signer.
 *
 * @example
 *   const signed = signNote('example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n', [signer]);
 */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  keep: readonly NoteSignature[] = [],
): string {
  checkText(text);
  if (signers.length === 0) {
    throw new LedgerError('ledger.invalid_key', 'Signing a note needs at least one signer.', {
      details: { problem: 'no signer' },
    });
  }
  const message = utf8Encode(text);
  const signing = new Set<string>();
  const fresh: string[] = [];
  for (const s of signers) {
    const id = keyId(s.name, s.keyHash);
    if (!isValidKeyName(s.name) || !Number.isInteger(s.keyHash) || s.keyHash < 0 || s.keyHash > 0xffffffff) {
      throw new LedgerError('ledger.invalid_key', 'A note signer has an invalid name or key ID.', {
        details: { problem: 'invalid signer' },
      });
    }
    if (signing.has(id)) {
      throw new LedgerError('ledger.invalid_key', 'The same key is listed twice to sign one note.', {
        details: { problem: 'repeated signer', keyName: s.name },
      });
    }
    signing.add(id);
    const signature = s.sign(message);
    const out = new Uint8Array(4 + signature.length);
    new DataView(out.buffer).setUint32(0, s.keyHash);
    out.set(signature, 4);
    fresh.push(`${SIGNATURE_PREFIX}${s.name} ${encodeBase64(out)}\n`);
  }
  const kept: string[] = [];
  for (const sig of keep) {
    const line = `${SIGNATURE_PREFIX}${sig.name} ${sig.base64}`;
    const { sig: parsed } = parseSignatureLine(line);
    if (parsed.keyHash !== sig.keyHash) throw malformed('a kept signature does not match its key ID');
    if (!signing.has(keyId(sig.name, sig.keyHash))) kept.push(`${line}\n`);
  }
  const signed = `${text}\n${kept.join('')}${fresh.join('')}`;
  if (Buffer.byteLength(signed) > MAX_NOTE_BYTES)
    throw malformed('the signed note is too large', MAX_NOTE_BYTES);
  return signed;
}
