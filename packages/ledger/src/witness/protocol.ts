/**
 * C2SP tlog-witness (https://c2sp.org/tlog-witness, "add-checkpoint") wire formats, shared by the
 * witness and the log's client:
 *
 *   POST <submission prefix>/add-checkpoint
 *   old <size>\n                      ASCII decimal, no leading zeroes
 *   <base64 hash>\n ...               consistency proof, at most 63 lines
 *   \n
 *   <signed checkpoint note>
 *
 *   200  cosignature lines (`— <name> <base64>\n`, one or more)
 *   409  Content-Type text/x.tlog.size, body `<size of the latest cosigned checkpoint>\n`
 *   400 malformed, 403 bad or missing log signature, 404 unknown log, 422 inconsistent
 *
 * Every byte of a request is hostile to the witness, every byte of a response to the client.
 */
import { decodeBase64Strict, encodeBase64 } from '../base64.js';
import { LedgerError } from '../errors.js';
import { HASH_SIZE, MAX_TREE_SIZE } from '../merkle.js';

/** The client MUST NOT send more than 63 consistency proof lines (tlog-witness). */
export const MAX_PROOF_LINES = 63;
/** Largest add-checkpoint body a witness reads by default (checkpoint notes are < 2 KiB). */
export const MAX_ADD_CHECKPOINT_BYTES = 64 * 1024;
/** Content type of a 409 Conflict answer. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** One add-checkpoint request, decoded. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, as sent. */
  readonly checkpoint: Uint8Array;
  /** The note's first line (the claimed origin; unverified until the note is opened). */
  readonly origin: string;
}

const SIZE = /^(?:0|[1-9][0-9]{0,15})$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(problem: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError(
    'ledger.malformed_request',
    `The add-checkpoint request is malformed: ${problem}; fix the client.`,
    { details: { problem, ...details } },
  );
}

/** A tree size as tlog-witness writes it, or undefined (also above MAX_TREE_SIZE). */
export function parseSizeText(text: string): number | undefined {
  if (!SIZE.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_TREE_SIZE ? n : undefined;
}

/** The add-checkpoint request body. `checkpoint` is the signed note exactly as published. */
export function formatAddCheckpoint(
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpoint: string,
): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > MAX_TREE_SIZE) {
    throw new LedgerError('ledger.invalid_argument', 'The old size is not a valid tree size.', {
      details: { field: 'oldSize', max: MAX_TREE_SIZE },
    });
  }
  if (proof.length > MAX_PROOF_LINES || proof.some((h) => h.length !== HASH_SIZE)) {
    throw new LedgerError('ledger.invalid_proof', 'The consistency proof is malformed.', {
      details: { expected: `at most ${MAX_PROOF_LINES} hashes of ${HASH_SIZE} bytes`, got: proof.length },
    });
  }
  return `old ${oldSize}\n${proof.map((h) => `${encodeBase64(h)}\n`).join('')}\n${checkpoint}`;
}

/**
 * Splits an add-checkpoint body into old size, proof and checkpoint note. Throws
 * `ledger.malformed_request` (HTTP 400) with the problem in details; the note itself is left to
 * openNote.
 */
export function parseAddCheckpoint(
  body: Uint8Array | string,
  maxBytes = MAX_ADD_CHECKPOINT_BYTES,
): AddCheckpointRequest {
  if (typeof body === 'string' && body.length > maxBytes) throw malformed('too large', { limit: maxBytes });
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  if (bytes.length > maxBytes) throw malformed('too large', { limit: maxBytes });
  const split = bytes.indexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the checkpoint');
  const head = bytes.subarray(0, split).toString('latin1');
  if (!/^[\x20-\x7e\n]*$/.test(head)) throw malformed('the header is not printable ASCII');
  const lines = head.split('\n');
  const first = lines[0]!;
  if (!first.startsWith('old ')) throw malformed('the first line is not "old <size>"');
  const oldSize = parseSizeText(first.slice(4));
  if (oldSize === undefined) throw malformed('the old size is not a canonical decimal tree size');
  const proofLines = lines.slice(1);
  if (proofLines.length > MAX_PROOF_LINES)
    throw malformed('too many proof lines', { limit: MAX_PROOF_LINES });
  const proof = proofLines.map((line) => {
    const h = decodeBase64Strict(line);
    if (h?.length !== HASH_SIZE) throw malformed('a proof line is not base64 of a 32-byte hash');
    return h;
  });
  const checkpoint = new Uint8Array(bytes.subarray(split + 2));
  const eol = checkpoint.indexOf(0x0a);
  if (eol <= 0) throw malformed('the checkpoint has no origin line');
  let origin: string;
  try {
    origin = strictUtf8.decode(checkpoint.subarray(0, eol));
  } catch {
    throw malformed('the origin line is not UTF-8');
  }
  return { oldSize, proof, checkpoint, origin };
}

/** The 409 body: the size of the latest cosigned checkpoint and a newline. */
export function formatTlogSize(size: number): string {
  return `${size}\n`;
}

/** Parses a 409 body; undefined when it is not `<decimal size>\n`. */
export function parseTlogSize(text: string): number | undefined {
  if (!text.endsWith('\n') || text.length > 20) return undefined;
  return parseSizeText(text.slice(0, -1));
}
