/**
 * The log's side of C2SP tlog-witness: send each new checkpoint with a consistency proof to the
 * witnesses, check each cosignature against the witness's configured key before attaching it,
 * and publish the checkpoint with the cosignature lines appended (C2SP signed-note: extra
 * signature lines; verifiers ignore keys they do not know).
 *
 * A 409 Conflict tells the size the witness last cosigned (a witness we never talked to, or a
 * restart of the log process): we retry once from that size. A witness that fails or refuses is
 * reported and left out; the checkpoint is published with the cosignatures that did arrive.
 * HTTP is the global fetch of Node 20 (injectable for tests); every answer is hostile input.
 */
import { LedgerError } from '../errors.js';
import { readBodyCapped } from '../http-body.js';
import { parseCheckpoint } from '../checkpoint.js';
import { type NoteSignature, openNote } from '../note.js';
import {
  type Cosignature,
  type CosignatureVerifier,
  cosignatureTimestamp,
  parseCosignatureVerifierKey,
} from './cosignature.js';
import { TLOG_SIZE_CONTENT_TYPE, formatAddCheckpoint, parseTlogSize } from './protocol.js';

/** A witness as the log configures it. */
export interface WitnessEndpoint {
  /** Submission prefix: add-checkpoint is POSTed to `<url>/add-checkpoint`. */
  readonly url: string;
  /** The witness's cosignature/v1 verifier key (`<name>+<id>+base64(0x04 || key)`). */
  readonly verifierKey: string;
}

/** Consistency proof from the tree of `oldSize` leaves to the tree of `newSize` (0 < old < new). */
export type ConsistencyProofs = (oldSize: number, newSize: number) => Promise<readonly Uint8Array[]>;

export interface WitnessClientOptions {
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per request, default 10 s. */
  readonly timeoutMs?: number;
  /** ms since the epoch (default Date.now), to refuse cosignatures from the future. */
  readonly now?: () => number;
  /** Clock skew allowed to witnesses (default 300 s). */
  readonly maxFutureSeconds?: number;
}

/** A witness's answer to one add-checkpoint. */
export type SubmitResult =
  | { readonly kind: 'cosigned'; readonly line: string; readonly cosignature: Cosignature }
  | { readonly kind: 'conflict'; readonly size: number };

export interface PublishOutcome {
  /** The checkpoint note with the verified cosignature lines appended. */
  readonly note: string;
  readonly cosignatures: readonly (Cosignature & { readonly url: string })[];
  readonly failures: readonly { readonly url: string; readonly name: string; readonly error: unknown }[];
}

export interface WitnessPublisherOptions extends WitnessClientOptions {
  readonly witnesses: readonly WitnessEndpoint[];
  readonly proofs: ConsistencyProofs;
  /** Told about each witness that did not cosign (the checkpoint is published without it). */
  readonly onFailure?: (failure: PublishOutcome['failures'][number]) => void;
}

export interface WitnessPublisher {
  /** Collects cosignatures on `cp.note` (a checkpoint of `cp.size`); resolves with the cosigned note. */
  publish(cp: { readonly size: number; readonly note: string }): Promise<string>;
  /** Same, with each witness's outcome. */
  publishDetailed(cp: { readonly size: number; readonly note: string }): Promise<PublishOutcome>;
  /** The size each witness (by URL) last cosigned, as far as we know. */
  knownSizes(): ReadonlyMap<string, number>;
}

const MAX_RESPONSE_BYTES = 64 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A witness ready to be called: endpoint URL and parsed key. */
interface Target {
  readonly url: string;
  readonly endpoint: string;
  readonly verifier: CosignatureVerifier;
}

function failed(
  target: Target,
  problem: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): LedgerError {
  return new LedgerError('ledger.witness_failed', `The witness did not cosign: ${problem}.`, {
    cause,
    details: { witness: target.verifier.name, url: target.url, problem, ...details },
  });
}

function target(w: WitnessEndpoint): Target {
  let url: URL;
  try {
    url = new URL(w.url);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LedgerError('ledger.invalid_argument', 'A witness URL must be an http(s) URL.', {
      details: { field: 'witnesses.url' },
    });
  }
  const base = w.url.replace(/\/+$/, '');
  return {
    url: w.url,
    endpoint: `${base}/add-checkpoint`,
    verifier: parseCosignatureVerifierKey(w.verifierKey),
  };
}

/** The signed text of a note: everything up to and including the newline before the last blank line. */
function noteText(note: string): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) {
    throw new LedgerError(
      'ledger.malformed_note',
      'The signed note is malformed: no signature block; reject it.',
      {
        details: { problem: 'no blank line before the signatures' },
      },
    );
  }
  return note.slice(0, split + 1);
}

async function submit(
  t: Target,
  note: string,
  oldSize: number,
  proof: readonly Uint8Array[],
  options: WitnessClientOptions,
): Promise<SubmitResult> {
  const doFetch = options.fetch ?? fetch;
  let res: Response;
  let body: Uint8Array | undefined;
  try {
    res = await doFetch(t.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: formatAddCheckpoint(oldSize, proof, note),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    body = await readBodyCapped(res, MAX_RESPONSE_BYTES);
  } catch (cause) {
    const timeout = (cause as { name?: unknown } | null)?.name === 'TimeoutError';
    throw failed(t, timeout ? 'no answer in time' : 'unreachable', {}, cause);
  }
  if (body === undefined) throw failed(t, 'the answer is too large', { status: res.status });
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw failed(t, 'the answer is not UTF-8', { status: res.status });
  }
  if (res.status === 409) {
    const size = parseTlogSize(text);
    const type = res.headers.get('content-type') ?? '';
    if (size === undefined || !type.startsWith(TLOG_SIZE_CONTENT_TYPE)) {
      throw failed(t, 'a 409 answer without a text/x.tlog.size body', { status: 409 });
    }
    return { kind: 'conflict', size };
  }
  if (res.status !== 200) {
    const why: Record<number, string> = {
      400: 'it calls the request malformed',
      403: "it does not accept the log's signature (is the log key configured there?)",
      404: 'it does not follow this log',
      422: 'it finds the checkpoint inconsistent with what it cosigned before (a fork?)',
    };
    throw failed(t, why[res.status] ?? 'unexpected HTTP status', { status: res.status });
  }
  return { kind: 'cosigned', ...checkCosignature(t, note, text, options) };
}

/** Verifies the 200 body against the witness's key; returns our line and its timestamp. */
function checkCosignature(
  t: Target,
  note: string,
  lines: string,
  options: WitnessClientOptions,
): { line: string; cosignature: Cosignature } {
  const v = t.verifier;
  let sig: NoteSignature;
  try {
    if (lines === '' || !lines.endsWith('\n')) throw new Error('not signature lines');
    // Appended to the signed text, the answer must be a note the witness's key signed.
    const opened = openNote(`${noteText(note)}\n${lines}`, [v]);
    sig = opened.signatures[0]!;
  } catch (cause) {
    throw new LedgerError(
      'ledger.invalid_cosignature',
      "The witness's answer holds no valid cosignature by its configured key: check the witness key.",
      { cause, details: { witness: v.name, url: t.url, problem: 'does not verify' } },
    );
  }
  const timestamp = cosignatureTimestamp(sig);
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  if (timestamp === 0 || timestamp > now + (options.maxFutureSeconds ?? 300)) {
    throw new LedgerError(
      'ledger.invalid_cosignature',
      'The cosignature timestamp is zero or in the future: check the witness clock.',
      { details: { witness: v.name, url: t.url, problem: 'bad timestamp', timestamp } },
    );
  }
  return {
    line: `\u2014 ${sig.name} ${sig.base64}\n`,
    cosignature: { name: v.name, keyHash: v.keyHash, verifierKey: v.verifierKey, timestamp },
  };
}

/**
 * Sends one add-checkpoint request to a witness and checks its cosignature. Resolves with the
 * verified cosignature line, or with the witness's size on 409. Throws `ledger.witness_failed`
 * (unreachable, timeout, any other status; details.status) or `ledger.invalid_cosignature`.
 */
export async function submitToWitness(
  witness: WitnessEndpoint,
  note: string,
  oldSize: number,
  proof: readonly Uint8Array[],
  options: WitnessClientOptions = {},
): Promise<SubmitResult> {
  return submit(target(witness), note, oldSize, proof, options);
}

async function cosignOne(
  t: Target,
  note: string,
  size: number,
  known: number | undefined,
  proofs: ConsistencyProofs,
  options: WitnessClientOptions,
  learn: (size: number) => void,
): Promise<{ line: string; cosignature: Cosignature }> {
  let old = known ?? 0;
  for (let attempt = 0; ; attempt++) {
    if (old > size) {
      throw new LedgerError(
        'ledger.witness_conflict',
        'The witness has cosigned a larger tree than this checkpoint: the log lost entries or was forked.',
        { details: { witness: t.verifier.name, url: t.url, size: old, checkpointSize: size } },
      );
    }
    const proof = old === 0 || old === size ? [] : await proofs(old, size);
    const r = await submit(t, note, old, proof, options);
    if (r.kind === 'cosigned') {
      learn(size);
      return r;
    }
    learn(r.size);
    if (attempt === 1 || (r.size === old && r.size <= size)) {
      throw new LedgerError(
        'ledger.witness_conflict',
        'The witness keeps answering 409 Conflict: its state and the log disagree.',
        { details: { witness: t.verifier.name, url: t.url, size: r.size, checkpointSize: size } },
      );
    }
    old = r.size;
  }
}

/**
 * Asks every witness to cosign `note` (a signed checkpoint), each from `oldSizes[i]` (the size
 * it last cosigned, if known; else 0 and the 409 answer tells), in parallel. Resolves with the
 * note carrying the verified cosignature lines (in witness order) and the failures.
 */
export async function publishToWitnesses(
  note: string,
  witnesses: readonly WitnessEndpoint[],
  oldSizes: readonly (number | undefined)[],
  proofs: ConsistencyProofs,
  options: WitnessClientOptions = {},
  learn: (url: string, size: number) => void = () => undefined,
): Promise<PublishOutcome> {
  const { size } = parseCheckpoint(noteText(note));
  const targets = witnesses.map(target);
  const results = await Promise.allSettled(
    targets.map((t, i) =>
      cosignOne(t, note, size, oldSizes[i], proofs, options, (s) => {
        learn(t.url, s);
      }),
    ),
  );
  const lines: string[] = [];
  const cosignatures: (Cosignature & { url: string })[] = [];
  const failures: { url: string; name: string; error: unknown }[] = [];
  results.forEach((r, i) => {
    const t = targets[i]!;
    if (r.status === 'rejected') {
      failures.push({ url: t.url, name: t.verifier.name, error: r.reason });
      return;
    }
    if (!note.includes(r.value.line) && !lines.includes(r.value.line)) lines.push(r.value.line);
    cosignatures.push({ ...r.value.cosignature, url: t.url });
  });
  return { note: note + lines.join(''), cosignatures, failures };
}

/**
 * The log's publisher: remembers what each witness last cosigned and sends each new checkpoint
 * with a proof from there. Publishes one checkpoint at a time, in call order.
 *
 * @example
 *   const witnesses = witnessPublisher({
 *     witnesses: [{ url: 'https://witness.example/', verifierKey: 'witness.example+1a2b3c4d+BO...' }],
 *     proofs: (old, size) => log.consistencyProof(old, size),
 *   });
 *   log.onCheckpoint(async (cp) => publish(await witnesses.publish(cp)));
 */
export function witnessPublisher(options: WitnessPublisherOptions): WitnessPublisher {
  const targets = options.witnesses.map(target); // validates URLs and keys now
  const sizes = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();
  const publishDetailed = (cp: { readonly size: number; readonly note: string }): Promise<PublishOutcome> => {
    const run = queue.then(async () => {
      const { size } = parseCheckpoint(noteText(cp.note));
      if (size !== cp.size) {
        throw new LedgerError('ledger.invalid_argument', 'The checkpoint size does not match its note.', {
          details: { field: 'size' },
        });
      }
      const out = await publishToWitnesses(
        cp.note,
        options.witnesses,
        targets.map((t) => sizes.get(t.url)),
        options.proofs,
        options,
        (url, s) => {
          sizes.set(url, s);
        },
      );
      for (const f of out.failures) options.onFailure?.(f);
      return out;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    publishDetailed,
    publish: async (cp) => (await publishDetailed(cp)).note,
    knownSizes: () => new Map(sizes),
  };
}
