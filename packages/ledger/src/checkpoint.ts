/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint, "Note text"): the body of the signed
 * note that commits a log to a tree head.
 *
 *   <origin>                  non-empty; SHOULD be a schema-less URL without spaces or `+`
 *   <tree size>               ASCII decimal, no leading zeroes (`0` for the empty tree)
 *   <root hash>               base64 of the RFC 6962 Merkle tree hash (32 bytes)
 *   [<extension line>...]     opaque, each non-empty (NOT RECOMMENDED)
 *
 * every line ending in a newline. Parsing is strict: the whole text is attacker-controlled until
 * the note's signature is checked, and still untrusted after that. Tree sizes above
 * MAX_TREE_SIZE (2^52) are rejected as unsupported rather than rounded.
 */
import { decodeBase64Strict, encodeBase64 } from './base64.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, MAX_TREE_SIZE } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { type NoteLimits, type OpenedNote, hasControlCharacter, openNote, signNote } from './note.js';

/** A checkpoint body: which log, how many leaves, and the root hash at that size. */
export interface Checkpoint {
  readonly origin: string;
  /** Number of leaves (0 ≤ size ≤ MAX_TREE_SIZE). */
  readonly size: number;
  /** RFC 6962 root hash, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Extension lines without their newlines; empty for our checkpoints. */
  readonly extensions: readonly string[];
}

/** Longest checkpoint body we parse or write, in UTF-16 code units (ours are under 100). */
export const MAX_CHECKPOINT_LENGTH = 64 * 1024;

const SIZE = /^(?:0|[1-9][0-9]{0,15})$/; // MAX_TREE_SIZE has 16 digits
const LONE_SURROGATE = /\p{Cs}/u;
const SPACE_OR_PLUS = /[\p{White_Space}+]/u;

function malformed(problem: string): LedgerError {
  return new LedgerError(
    'ledger.malformed_checkpoint',
    `The checkpoint is malformed: ${problem}; reject it.`,
    {
      details: { problem },
    },
  );
}

/**
 * Parses a checkpoint body (the text of an opened note). Throws `ledger.malformed_checkpoint`
 * with the problem in `details`.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (text.length > MAX_CHECKPOINT_LENGTH) throw malformed('the text is too large');
  if (hasControlCharacter(text) || LONE_SURROGATE.test(text)) throw malformed('invalid characters');
  if (!text.endsWith('\n')) throw malformed('the text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw malformed('fewer than three lines');
  const [origin, sizeLine, hashLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw malformed('the origin line is empty');
  if (!SIZE.test(sizeLine)) throw malformed('the tree size is not a canonical decimal');
  const size = Number(sizeLine);
  if (size > MAX_TREE_SIZE) throw malformed('the tree size is above the supported maximum');
  const rootHash = decodeBase64Strict(hashLine);
  if (rootHash?.length !== HASH_SIZE) throw malformed('the root hash is not base64 of 32 bytes');
  if (extensions.some((line) => line === '')) throw malformed('an extension line is empty');
  return { origin, size, rootHash, extensions };
}

/**
 * The checkpoint body for `c`. Stricter than the parser about what we write: the origin must
 * follow the spec's SHOULD (no spaces or `+`, so it can double as the key name).
 * Throws `ledger.malformed_checkpoint`.
 */
export function formatCheckpoint(c: Checkpoint): string {
  if (
    c.origin === '' ||
    SPACE_OR_PLUS.test(c.origin) ||
    hasControlCharacter(c.origin) ||
    LONE_SURROGATE.test(c.origin)
  ) {
    throw malformed('the origin must be non-empty, without spaces, plus signs or control characters');
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0 || c.size > MAX_TREE_SIZE)
    throw malformed('invalid tree size');
  if (c.rootHash.length !== HASH_SIZE) throw malformed('the root hash is not 32 bytes');
  for (const line of c.extensions) {
    if (line === '' || line.includes('\n') || hasControlCharacter(line) || LONE_SURROGATE.test(line)) {
      throw malformed('an extension line is empty or holds a newline or control character');
    }
  }
  const text = [c.origin, String(c.size), encodeBase64(c.rootHash), ...c.extensions].join('\n') + '\n';
  if (text.length > MAX_CHECKPOINT_LENGTH) throw malformed('the text is too large');
  return text;
}

/** Formats and signs a checkpoint: the signed note a log publishes at `/checkpoint`. */
export function signCheckpoint(c: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(c), signers);
}

/** A checkpoint whose note a known key signed. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: OpenedNote;
}

/**
 * Verifies a signed checkpoint from the log `origin`: the note (see openNote, same errors),
 * then the body (`ledger.malformed_checkpoint`), then the origin line
 * (`ledger.origin_mismatch`: a checkpoint of another log, even if signed by a key we know).
 */
export function openCheckpoint(
  message: Uint8Array | string,
  origin: string,
  known: readonly NoteVerifier[],
  limits: NoteLimits = {},
): OpenedCheckpoint {
  const note = openNote(message, known, limits);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== origin) {
    throw new LedgerError('ledger.origin_mismatch', 'The checkpoint is for another log: check the origin.', {
      details: { expected: origin },
    });
  }
  return { checkpoint, note };
}
