/**
 * Offline proof bundles: C2SP tlog-proof (https://c2sp.org/tlog-proof, "Format"), the proof
 * that an entry is in a log, checkable with no server against the log's public key:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra <base64 of the log entry>          optional in the spec; we always write it
 *   index <N>                                ASCII decimal, no leading zeroes
 *   <base64 hash>                            the RFC 6962 §2.1.1 inclusion proof, leaf's
 *   ...                                      sibling first, zero or more lines
 *   <empty line>
 *   <signed checkpoint note, verbatim>       C2SP tlog-checkpoint, cosignatures included
 *
 * The spec's `extra` line carries "additional data necessary to reconstruct the record hash":
 * ours is the entry itself (a canonical JSON record), so one file proves one record. It is not
 * trusted as such: the entry is accepted only because its RFC 6962 leaf hash, with the proof,
 * rebuilds the root the log's key signed. A caller who has the entry from elsewhere passes it
 * and it must match.
 *
 * The parser is strict (every line newline-terminated, no CR, canonical base64 and decimal)
 * and capped before any work. Go's `transparency-dev/formats/proof` reads what we write (its
 * scanner takes lines up to 64 KiB, so entries up to about 48 KiB).
 */
import { bytesEqual, utf8Encode } from '@synthguard/core';
import { decodeBase64Strict, encodeBase64 } from '../base64.js';
import { type Checkpoint, openCheckpoint, parseCheckpoint } from '../checkpoint.js';
import { MAX_ENTRY_SIZE } from '../entry-bundle.js';
import { LedgerError } from '../errors.js';
import { HASH_SIZE, MAX_TREE_SIZE, leafHash } from '../merkle.js';
import { type NoteVerifier, parseVerifierKey } from '../note-keys.js';
import { MAX_NOTE_BYTES, type NoteSignature, openNote } from '../note.js';
import { inclusionProof, inclusionProofSize, verifyInclusion } from '../proofs.js';
import { type TileReader, readEntry, tileHashReader } from './tile-reader.js';

/** First line of a tlog-proof. */
export const PROOF_BUNDLE_HEADER = 'c2sp.org/tlog-proof@v1';
/** Most proof lines we accept: a tree of 2^52 leaves needs at most 52. */
export const MAX_PROOF_HASHES = 64;
/** Largest bundle we parse: the extra line (a 65,535-byte entry), 64 hashes, a 1 MiB note. */
export const MAX_PROOF_BUNDLE_BYTES = MAX_NOTE_BYTES + 128 * 1024;

/** A parsed tlog-proof. */
export interface ProofBundle {
  /** Leaf index of the entry. */
  readonly index: number;
  /** RFC 6962 §2.1.1 inclusion proof, 32-byte hashes. */
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim (ends in a newline). */
  readonly checkpoint: string;
  /** The `extra` data: for our bundles, the entry bytes. Unauthenticated until verified. */
  readonly extra?: Uint8Array;
}

const INDEX = /^index (0|[1-9][0-9]{0,15})$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(problem: string, line?: number): LedgerError {
  return new LedgerError(
    'ledger.malformed_proof',
    `The proof bundle is not a valid c2sp.org/tlog-proof@v1 text: ${problem}.`,
    { details: line === undefined ? { problem } : { problem, line } },
  );
}

/** The tlog-proof text of `bundle` (Go: proof.TLogProof.Marshal). */
export function encodeProofBundle(bundle: ProofBundle): string {
  const { index, proof, checkpoint, extra } = bundle;
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_TREE_SIZE) {
    throw new LedgerError('ledger.invalid_argument', 'The index must be an integer below 2^52.', {
      details: { field: 'index', max: MAX_TREE_SIZE - 1 },
    });
  }
  if (proof.length > MAX_PROOF_HASHES || proof.some((h) => h.length !== HASH_SIZE)) {
    throw new LedgerError('ledger.invalid_proof', 'A proof is at most 64 hashes of 32 bytes.', {
      details: { got: proof.length },
    });
  }
  if (extra !== undefined && extra.length > MAX_ENTRY_SIZE) {
    throw new LedgerError('ledger.invalid_argument', 'The extra data is over 65,535 bytes.', {
      details: { field: 'extra', max: MAX_ENTRY_SIZE },
    });
  }
  if (!checkpoint.endsWith('\n') || checkpoint.includes('\r')) {
    throw malformed('the checkpoint note must end in a newline and hold no carriage return');
  }
  const lines = [PROOF_BUNDLE_HEADER];
  if (extra !== undefined) lines.push(`extra ${encodeBase64(extra)}`);
  lines.push(`index ${index}`);
  for (const h of proof) lines.push(encodeBase64(h));
  const text = `${lines.join('\n')}\n\n${checkpoint}`;
  if (utf8Encode(text).length > MAX_PROOF_BUNDLE_BYTES) throw malformed('the bundle is too large');
  return text;
}

/**
 * Parses a tlog-proof text (bytes must be UTF-8). Throws ledger.malformed_proof with the
 * problem and line number; nothing is verified here (see verifyProofBundle).
 */
export function parseProofBundle(input: Uint8Array | string): ProofBundle {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > MAX_PROOF_BUNDLE_BYTES) throw malformed('the bundle is too large');
    text = input;
  } else {
    if (input.length > MAX_PROOF_BUNDLE_BYTES) throw malformed('the bundle is too large');
    try {
      text = strictUtf8.decode(input);
    } catch {
      throw malformed('the bundle is not UTF-8');
    }
  }
  if (text.includes('\r')) throw malformed('the bundle holds a carriage return');
  let at = 0;
  let lineNo = 0;
  const nextLine = (): string => {
    const end = text.indexOf('\n', at);
    lineNo++;
    if (end < 0) throw malformed('a line does not end in a newline', lineNo);
    const line = text.slice(at, end);
    at = end + 1;
    return line;
  };
  if (nextLine() !== PROOF_BUNDLE_HEADER) throw malformed(`the first line is not ${PROOF_BUNDLE_HEADER}`, 1);
  let line = nextLine();
  let extra: Uint8Array | undefined;
  if (line.startsWith('extra ')) {
    const e64 = line.slice('extra '.length);
    if (e64.length > Math.ceil(MAX_ENTRY_SIZE / 3) * 4)
      throw malformed('the extra data is too large', lineNo);
    extra = decodeBase64Strict(e64);
    if (extra === undefined) throw malformed('the extra data is not base64', lineNo);
    line = nextLine();
  }
  const m = INDEX.exec(line);
  if (m === null) throw malformed('no "index <N>" line (ASCII decimal, no leading zeroes)', lineNo);
  const index = Number(m[1]);
  if (index >= MAX_TREE_SIZE) throw malformed('the index is above the supported maximum', lineNo);
  const proof: Uint8Array[] = [];
  for (line = nextLine(); line !== ''; line = nextLine()) {
    if (proof.length === MAX_PROOF_HASHES) throw malformed('too many proof hashes', lineNo);
    const hash = line.length === 44 ? decodeBase64Strict(line) : undefined;
    if (hash?.length !== HASH_SIZE) throw malformed('a proof line is not base64 of 32 bytes', lineNo);
    proof.push(hash);
  }
  const checkpoint = text.slice(at);
  if (checkpoint === '') throw malformed('no checkpoint after the proof', lineNo + 1);
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

/** Who and what to trust when verifying a bundle. */
export interface VerifyProofOptions {
  /** Verifier keys of the log (`<name>+<hex>+<base64>` text or parsed). At least one. */
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  /** The log's checkpoint origin; when given, a checkpoint of another log is refused. */
  readonly origin?: string;
  /** The entry, when the caller has it; must equal the bundle's `extra` when both are present. */
  readonly entry?: Uint8Array;
}

/** What a verified bundle proves. */
export interface VerifiedProof {
  readonly index: number;
  /** Tree size of the checkpoint the entry is proven in. */
  readonly size: number;
  /** Its root hash. */
  readonly root: Uint8Array;
  /** The proven entry bytes. */
  readonly entry: Uint8Array;
  readonly checkpoint: Checkpoint;
  /** Verified signatures by the given keys. */
  readonly signatures: readonly NoteSignature[];
  /** Other signatures on the checkpoint (witness cosignatures), not checked here. */
  readonly unverifiedSignatures: readonly NoteSignature[];
}

/**
 * Verifies an offline proof bundle: the checkpoint's signature by a known key (origin checked
 * when given), the proof's length for the tree size, and that the proof leads from the entry's
 * leaf hash SHA-256(0x00 || entry) to the signed root. Throws LedgerError:
 * `ledger.malformed_proof`, `ledger.unknown_key` (no signature by the given keys),
 * `ledger.invalid_signature`, `ledger.malformed_checkpoint`, `ledger.origin_mismatch`,
 * `ledger.out_of_range` (index not below the tree size), `ledger.invalid_proof` (wrong number of
 * hashes for that index and tree size: a proof for another tree), `ledger.entry_mismatch`,
 * `ledger.proof_failed` (the proof does not verify).
 */
export function verifyProofBundle(
  bundle: ProofBundle | Uint8Array | string,
  options: VerifyProofOptions,
): VerifiedProof {
  const b = typeof bundle === 'string' || bundle instanceof Uint8Array ? parseProofBundle(bundle) : bundle;
  const known = options.verifierKeys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  if (known.length === 0) {
    throw new LedgerError('ledger.unknown_key', 'No log verifier key given: pass the log key.', {
      details: { signatures: 0 },
    });
  }
  let checkpoint: Checkpoint;
  let signatures: readonly NoteSignature[];
  let unverifiedSignatures: readonly NoteSignature[];
  if (options.origin !== undefined) {
    const opened = openCheckpoint(b.checkpoint, options.origin, known);
    ({ checkpoint } = opened);
    ({ signatures, unverifiedSignatures } = opened.note);
  } else {
    const note = openNote(b.checkpoint, known);
    checkpoint = parseCheckpoint(note.text);
    ({ signatures, unverifiedSignatures } = note);
  }
  const entry = pickEntry(b.extra, options.entry);
  const { size, rootHash: root } = checkpoint;
  if (b.index >= size) {
    throw new LedgerError(
      'ledger.out_of_range',
      'The entry index is not below the checkpoint tree size: the proof is for a larger tree.',
      { details: { index: b.index, size } },
    );
  }
  const expected = inclusionProofSize(b.index, size);
  if (b.proof.length !== expected) {
    throw new LedgerError(
      'ledger.invalid_proof',
      `The proof has ${b.proof.length} hashes; leaf ${b.index} of a tree of ${size} needs ${expected}: it was made for another tree size.`,
      { details: { index: b.index, size, expected, got: b.proof.length } },
    );
  }
  if (!verifyInclusion(b.index, size, leafHash(entry), b.proof, root)) {
    throw new LedgerError(
      'ledger.proof_failed',
      'The inclusion proof does not lead from the entry to the signed root: the entry is not at this index of the log.',
      { details: { index: b.index, size } },
    );
  }
  return { index: b.index, size, root, entry, checkpoint, signatures, unverifiedSignatures };
}

function pickEntry(extra: Uint8Array | undefined, given: Uint8Array | undefined): Uint8Array {
  if (given !== undefined && extra !== undefined && !bytesEqual(given, extra)) {
    throw new LedgerError(
      'ledger.entry_mismatch',
      'The entry given differs from the entry in the proof bundle.',
      { details: { problem: 'different entries' } },
    );
  }
  const entry = given ?? extra;
  if (entry === undefined) {
    throw new LedgerError(
      'ledger.entry_mismatch',
      'The proof bundle carries no entry (no extra line): pass the entry to check.',
      { details: { problem: 'no entry' } },
    );
  }
  return entry;
}

/** What buildProofBundle needs: the published log and the checkpoint to prove against. */
export interface BuildProofOptions {
  /** Reads the published tiles and entry bundles (directory, URL, or a Log's `read`). */
  readonly read: TileReader;
  /** The signed checkpoint note to prove against (its size must be > index). */
  readonly checkpoint: string;
  /** Verifier keys of the log: the checkpoint is opened, and the bundle verified before returning. */
  readonly verifierKeys: readonly (string | NoteVerifier)[];
  readonly origin?: string;
  /** Tiles shared between calls (an evidence pack proves many entries against one checkpoint). */
  readonly cache?: Map<string, Uint8Array>;
}

/**
 * The proof bundle of the entry at `index`, against `options.checkpoint`: the entry from its
 * entry bundle, the inclusion proof from the hash tiles, then verified as an offline verifier
 * would (so a corrupt tile never yields a bundle). Returns the tlog-proof text.
 */
export async function buildProofBundle(index: number, options: BuildProofOptions): Promise<string> {
  const known = options.verifierKeys.map((k) => (typeof k === 'string' ? parseVerifierKey(k) : k));
  const note = openNote(options.checkpoint, known);
  const { origin, size } = parseCheckpoint(note.text);
  if (options.origin !== undefined && origin !== options.origin) {
    throw new LedgerError('ledger.origin_mismatch', 'The checkpoint is for another log: check the origin.', {
      details: { expected: options.origin },
    });
  }
  const entry = await readEntry(options.read, index, size);
  const proof = await inclusionProof(index, size, tileHashReader(options.read, size, options.cache));
  const text = encodeProofBundle({ index, proof, checkpoint: options.checkpoint, extra: entry });
  verifyProofBundle(text, { verifierKeys: known, origin });
  return text;
}
