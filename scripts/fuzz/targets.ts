/**
 * The fuzz targets: every parser that reads hostile bytes, each wrapped as one `run(input)` that
 * exercises the whole surface and checks what must hold whatever the input:
 *
 * - every registered format handler (`formatHandlers`): `sniff` (of every handler: it must never
 *   throw), `validate`, the carrier reads (XMP, AIGC field, streaming), writes with a label and
 *   with `undefined` (removal), each read back; the streaming plan must give the in-memory
 *   write's bytes;
 * - the C2PA reader, once per container it supports: `readManifest`, `removeManifest`, and
 *   `signManifest` on the stripped file, read back;
 * - the label-level parsers of `@synthguard/labels`: `decodeAigcLabel`, `readAigcFromXmp`
 *   (with `setAigcInXmp` / `removeAigcFromXmp`), `decodeSecurityData`, each re-encoded and decoded;
 * - the hostile-input parsers of `@synthguard/ledger`: tile and entry-bundle paths, entry
 *   bundles, checkpoints (bare, and signed notes opened with the log's key), note keys, canonical
 *   JSON, each formatted back where the module has a formatter; and the proof verifiers fed
 *   mutated calls, compared with a reference verifier (ledger.ts).
 *
 * Only the target's typed error (FormatError / C2paError / LabelError / LedgerError with a
 * `ledger.*` code) may escape an operation; anything else, and any broken invariant, throws a
 * `FuzzFailure`: a finding. Runs in the worker threads (and in-process for `--replay`); the seeds
 * live in `seeds.ts` (main thread only).
 */
import { isDeepStrictEqual } from 'node:util';
import { bytesEqual, utf8Encode } from '@synthguard/core';
import {
  C2paError,
  type C2paSigner,
  c2paFormats,
  createDevelopmentChain,
  createSigner,
  readManifest,
  removeManifest,
  signManifest,
} from '@synthguard/c2pa';
import {
  applySplices,
  bytesSource,
  FormatError,
  type FormatHandler,
  formatHandlers,
} from '@synthguard/formats';
import {
  type AigcLabel,
  decodeAigcLabel,
  decodeSecurityData,
  encodeAigcLabel,
  LabelError,
  readAigcFromXmp,
  removeAigcFromXmp,
  setAigcInXmp,
} from '@synthguard/labels';
import {
  type Checkpoint,
  canonicalJson,
  canonicalJsonBytes,
  checkBundleAgainstTile,
  encodeProofBundle,
  encodeEntryBundle,
  encodeSignerKey,
  entriesPath,
  formatCheckpoint,
  LedgerError,
  leafHash,
  type NoteVerifier,
  openCheckpoint,
  openNote,
  parseCanonicalJson,
  parseCheckpoint,
  parseEntriesPath,
  parseEntryBundle,
  parseProofBundle,
  parseSignerKey,
  parseTilePath,
  parseVerifierKey,
  tilePath,
  verifyConsistency,
  verifyInclusion,
  verifyProofBundle,
} from '@synthguard/ledger';
import { encodeSecurityData } from '../../packages/labels/src/integrity/security-data.js';
import {
  decodeProofCall,
  FUZZ_LOG_ORIGIN,
  FUZZ_LOG_SIGNER_KEY,
  refVerifyConsistency,
  refVerifyInclusion,
} from './ledger.js';

/** A finding: an untyped error escaped an operation, or an invariant broke. */
export class FuzzFailure extends Error {
  constructor(
    readonly kind: 'crash' | 'invariant',
    readonly op: string,
    message: string,
    readonly original?: unknown,
  ) {
    super(`${op}: ${message}`);
    this.name = 'FuzzFailure';
  }
}

/** The outcome of one input: accepted by every operation, or rejected (typed) by at least one. */
export interface RunResult {
  /** The typed error codes the input drew, by operation ('' when every operation accepted it). */
  readonly rejected: string;
}

export interface FuzzTarget {
  /** `jpeg`, `c2pa.jpeg`, `labels.decodeAigcLabel`: also the findings directory. */
  readonly name: string;
  /** The one error class allowed to escape (shown in the summary). */
  readonly errorName: string;
  run(input: Uint8Array): RunResult;
}

/** A well-formed label (GB 45438-2025 Annex E fields), as the engine writes it. */
export const FUZZ_LABEL: AigcLabel = {
  Label: '1',
  ContentProducer: '001191440300708461136T1XGW3',
  ProduceID: '01JD2Y7K3M9Q8R5T6V7W8X9Y0Z',
  ReservedCode1: '',
  ContentPropagator: '',
  PropagateID: '',
  ReservedCode2: '',
};

const REJECTED = Symbol('rejected');
type Rejected = typeof REJECTED;

/** Runs the operations of one input, recording typed rejections and turning anything else into a finding. */
class Session {
  private readonly codes: string[] = [];

  constructor(private readonly allowed: (err: unknown) => err is Error & { code: string }) {}

  attempt<T>(op: string, fn: () => T): T | Rejected {
    try {
      return fn();
    } catch (err) {
      if (err instanceof FuzzFailure) throw err;
      if (this.allowed(err)) {
        this.codes.push(`${op}:${err.code}`);
        return REJECTED;
      }
      const message =
        err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(err)}`;
      throw new FuzzFailure('crash', op, message, err);
    }
  }

  /** An operation that must not throw at all (sniff, re-encoding a value we decoded). */
  must<T>(op: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof FuzzFailure) throw err;
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new FuzzFailure('crash', op, `must not throw, threw ${message}`, err);
    }
  }

  /** An operation that must fail with the typed error (a wrong width): not counted as a rejection. */
  mustReject(op: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof FuzzFailure) throw err;
      if (this.allowed(err)) return;
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new FuzzFailure('crash', op, `must reject with the typed error, threw ${message}`, err);
    }
    throw new FuzzFailure('invariant', op, 'accepted what it must reject');
  }

  result(): RunResult {
    return { rejected: this.codes.join(' ') };
  }
}

function check(condition: boolean, op: string, message: string): asserts condition {
  if (!condition) throw new FuzzFailure('invariant', op, message);
}

const isFormatError = (err: unknown): err is FormatError => err instanceof FormatError;
const isC2paError = (err: unknown): err is C2paError => err instanceof C2paError;
const isLabelError = (err: unknown): err is LabelError => err instanceof LabelError;
const isLedgerError = (err: unknown): err is LedgerError =>
  err instanceof LedgerError && err.code.startsWith('ledger.');

/** A label write (`write(file, value)`) and its read back; `undefined` removes. */
function checkCarrier<V>(
  s: Session,
  h: FormatHandler,
  name: string,
  input: Uint8Array,
  valid: boolean,
  value: V,
  read: (file: Uint8Array) => V | undefined,
  write: (file: Uint8Array, value: V | undefined) => Uint8Array,
  same: (a: V | undefined, b: V | undefined) => boolean,
): Uint8Array | undefined {
  const current = s.attempt(`${name}.read`, () => read(input));
  // Contract (handler.ts): every read and write validates the whole file first.
  if (current !== REJECTED) check(valid, `${name}.read`, 'read a file that validate rejects');
  let labelled: Uint8Array | undefined;
  for (const v of [value, undefined]) {
    const op = `${name}.write(${v === undefined ? 'undefined' : 'label'})`;
    const out = s.attempt(op, () => write(input, v));
    if (out === REJECTED) continue;
    check(valid, op, 'wrote a file that validate rejects');
    s.must(`${op} -> validate`, () => {
      h.validate(out);
    });
    const back = s.attempt(`${op} -> read`, () => read(out));
    check(back !== REJECTED, `${op} -> read`, 'rejects what was written');
    check(same(back, v), `${op} -> read`, 'does not read back what was written');
    if (v !== undefined) labelled = out;
  }
  return labelled;
}

function handlerTarget(h: FormatHandler, xmpPacket: Uint8Array, aigcValue: string): FuzzTarget {
  return {
    name: h.id,
    errorName: 'FormatError',
    run(input) {
      const s = new Session(isFormatError);
      for (const other of formatHandlers) {
        const sniffed = s.must(`${other.id}.sniff`, () => other.sniff(input));
        check(typeof sniffed === 'boolean', `${other.id}.sniff`, 'did not return a boolean');
      }
      const valid =
        s.attempt('validate', () => {
          h.validate(input);
        }) !== REJECTED;
      const { xmp, aigc, streaming } = h;
      if (xmp !== undefined) {
        checkCarrier(
          s,
          h,
          'xmp',
          input,
          valid,
          xmpPacket,
          (f) => xmp.readXmp(f),
          (f, p) => xmp.writeXmp(f, p),
          (a, b) => (a === undefined || b === undefined ? a === b : bytesEqual(a, b)),
        );
      }
      let written: Uint8Array | undefined;
      if (aigc !== undefined) {
        written = checkCarrier(
          s,
          h,
          'aigc',
          input,
          valid,
          aigcValue,
          (f) => aigc.readAigc(f),
          (f, v) => aigc.writeAigc(f, v),
          (a, b) => a === b,
        );
      }
      if (streaming !== undefined) {
        const src = bytesSource(input);
        s.attempt('streaming.read', () => streaming.readAigc(src));
        const plan = s.attempt('streaming.plan', () => streaming.planAigc(src, aigcValue));
        if (plan !== REJECTED) {
          const out = s.must('streaming.apply', () => applySplices(input, plan));
          // handler.ts: applying the plan gives exactly the bytes `aigc.writeAigc` returns.
          if (written !== undefined) {
            check(bytesEqual(out, written), 'streaming.plan', 'plan differs from aigc.writeAigc');
          }
          const back = s.attempt('streaming.plan -> read', () => streaming.readAigc(bytesSource(out)));
          check(back !== REJECTED, 'streaming.plan -> read', 'rejects what was planned');
          check(back === aigcValue, 'streaming.plan -> read', 'does not read back what was planned');
        }
      }
      return s.result();
    },
  };
}

function c2paTarget(format: string, signer: C2paSigner, now: Date): FuzzTarget {
  const label = encodeAigcLabel(FUZZ_LABEL);
  return {
    name: `c2pa.${format}`,
    errorName: 'C2paError',
    run(input) {
      const s = new Session(isC2paError);
      s.attempt('readManifest', () => readManifest(input, format, { now }));
      const stripped = s.attempt('removeManifest', () => removeManifest(input, format));
      if (stripped !== REJECTED) {
        const after = s.attempt('removeManifest -> readManifest', () =>
          readManifest(stripped, format, { now }),
        );
        check(after !== REJECTED, 'removeManifest -> readManifest', 'rejects the stripped file');
        check(!after.present, 'removeManifest -> readManifest', 'a store is still found');
        const signed = s.attempt('signManifest', () => signManifest(stripped, format, { signer, label }));
        if (signed !== REJECTED) {
          const back = s.attempt('signManifest -> readManifest', () => readManifest(signed, format, { now }));
          check(back !== REJECTED, 'signManifest -> readManifest', 'rejects the signed file');
          check(back.present, 'signManifest -> readManifest', 'the new store is not found');
          const failures = (back.validation?.failure ?? []).map((f) => f.code);
          check(
            failures.every((c) => c === 'signingCredential.untrusted'),
            'signManifest -> readManifest',
            `our own manifest does not validate: ${failures.join(', ')}`,
          );
        }
      }
      return s.result();
    },
  };
}

const utf8 = new TextDecoder('utf-8');

function labelTargets(xmpValue: string): FuzzTarget[] {
  return [
    {
      name: 'labels.decodeAigcLabel',
      errorName: 'LabelError',
      run(input) {
        const s = new Session(isLabelError);
        const decoded = s.attempt('decodeAigcLabel', () => decodeAigcLabel(utf8.decode(input)));
        if (decoded !== REJECTED && decoded.problems.length === 0) {
          // A label the lenient reader finds fully valid must encode, and decode to itself.
          const text = s.must('encodeAigcLabel', () => encodeAigcLabel(decoded.label));
          const again = s.must('encodeAigcLabel -> decodeAigcLabel', () => decodeAigcLabel(text));
          check(
            isDeepStrictEqual(again.label, decoded.label) && again.problems.length === 0,
            'encodeAigcLabel -> decodeAigcLabel',
            'does not decode to the label encoded',
          );
        }
        return s.result();
      },
    },
    {
      name: 'labels.readAigcFromXmp',
      errorName: 'LabelError',
      run(input) {
        const s = new Session(isLabelError);
        s.attempt('readAigcFromXmp', () => readAigcFromXmp(input));
        const set = s.attempt('setAigcInXmp', () => setAigcInXmp(input, xmpValue));
        if (set !== REJECTED) {
          const back = s.attempt('setAigcInXmp -> readAigcFromXmp', () => readAigcFromXmp(set));
          check(back !== REJECTED, 'setAigcInXmp -> readAigcFromXmp', 'rejects the packet it set');
          check(back === xmpValue, 'setAigcInXmp -> readAigcFromXmp', 'does not read back what was set');
        }
        const removed = s.attempt('removeAigcFromXmp', () => removeAigcFromXmp(input));
        if (removed !== REJECTED && removed !== undefined) {
          const back = s.attempt('removeAigcFromXmp -> readAigcFromXmp', () => readAigcFromXmp(removed));
          check(back !== REJECTED, 'removeAigcFromXmp -> readAigcFromXmp', 'rejects the packet it stripped');
          check(back === undefined, 'removeAigcFromXmp -> readAigcFromXmp', 'a label is still read');
        }
        return s.result();
      },
    },
    {
      name: 'labels.decodeSecurityData',
      errorName: 'LabelError',
      run(input) {
        const s = new Session(isLabelError);
        const decoded = s.attempt('decodeSecurityData', () => decodeSecurityData(utf8.decode(input)));
        if (decoded !== REJECTED) {
          const text = s.must('encodeSecurityData', () => encodeSecurityData(decoded.data));
          const again = s.must('encodeSecurityData -> decodeSecurityData', () => decodeSecurityData(text));
          check(
            isDeepStrictEqual(again.data, decoded.data),
            'encodeSecurityData -> decodeSecurityData',
            'does not decode to the object encoded',
          );
        }
        return s.result();
      },
    },
  ];
}

/** The ledger targets (`ledger.<name>`), each one exported parser of `@synthguard/ledger`. */
export const LEDGER_TARGETS = [
  'parseTilePath',
  'parseEntriesPath',
  'parseEntryBundle',
  'parseCheckpoint',
  'openCheckpoint',
  'parseVerifierKey',
  'parseSignerKey',
  'parseCanonicalJson',
  'verifyInclusion',
  'verifyConsistency',
  'parseProofBundle',
] as const;
export type LedgerTarget = (typeof LEDGER_TARGETS)[number];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const SPACE_OR_PLUS = /[\p{White_Space}+]/u;
const PROBE = utf8Encode('synthguard fuzz probe\n');

/** `name+hex+base64` at its first two `+`, the key ID in lower case (as the encoders write it). */
function canonicalKeyText(text: string): { name: string; hex: string; key64: string } | undefined {
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a < 0 || b < 0) return undefined;
  return { name: text.slice(0, a), hex: text.slice(a + 1, b).toLowerCase(), key64: text.slice(b + 1) };
}

/** A parsed checkpoint formats back to `text`, unless its origin is one we would not write. */
function checkCheckpointText(s: Session, op: string, c: Checkpoint, text: string): void {
  if (SPACE_OR_PLUS.test(c.origin)) {
    // formatCheckpoint is stricter than the parser (the spec's SHOULD for the origin).
    s.mustReject(`${op} -> formatCheckpoint`, () => formatCheckpoint(c));
    return;
  }
  const back = s.must(`${op} -> formatCheckpoint`, () => formatCheckpoint(c));
  check(back === text, `${op} -> formatCheckpoint`, 'does not give back the parsed text');
}

function proofResult(s: Session, op: string, got: boolean | Rejected, want: boolean | 'invalid'): void {
  if (got === REJECTED) {
    check(
      want === 'invalid',
      op,
      `throws on a well-formed call the reference ${want ? 'accepts' : 'refutes'}`,
    );
    return;
  }
  check(typeof got === 'boolean', op, 'did not return a boolean');
  check(got === want, op, `returned ${got}, the reference ${want === 'invalid' ? 'throws' : String(want)}`);
}

function ledgerTargets(): FuzzTarget[] {
  const logSigner = parseSignerKey(FUZZ_LOG_SIGNER_KEY);
  const logVerifier = parseVerifierKey(logSigner.verifier.verifierKey);
  const known: readonly NoteVerifier[] = [logVerifier];

  const runs: Readonly<Record<LedgerTarget, (s: Session, input: Uint8Array) => void>> = {
    parseTilePath(s, input) {
      const path = utf8.decode(input);
      const tile = s.attempt('parseTilePath', () => parseTilePath(path));
      if (tile === REJECTED) return;
      const back = s.must('parseTilePath -> tilePath', () => tilePath(tile));
      check(back === path, 'parseTilePath -> tilePath', 'does not give back the parsed path');
    },
    parseEntriesPath(s, input) {
      const path = utf8.decode(input);
      const bundle = s.attempt('parseEntriesPath', () => parseEntriesPath(path));
      if (bundle === REJECTED) return;
      const back = s.must('parseEntriesPath -> entriesPath', () => entriesPath(bundle));
      check(back === path, 'parseEntriesPath -> entriesPath', 'does not give back the parsed path');
      // The bundle's level-0 tile has the same coordinates.
      const tile = s.must('tilePath -> parseTilePath', () =>
        parseTilePath(tilePath({ level: 0, ...bundle })),
      );
      check(
        tile.index === bundle.index && tile.width === bundle.width,
        'tilePath -> parseTilePath',
        'the level-0 tile has other coordinates',
      );
    },
    parseEntryBundle(s, input) {
      const entries = s.attempt('parseEntryBundle', () => parseEntryBundle(input));
      if (entries === REJECTED) return;
      const back = s.must('parseEntryBundle -> encodeEntryBundle', () => encodeEntryBundle(entries));
      check(
        bytesEqual(back, input),
        'parseEntryBundle -> encodeEntryBundle',
        'does not give back the bundle',
      );
      const width = entries.length;
      s.must('parseEntryBundle(width)', () => parseEntryBundle(input, { index: 0, width }));
      s.mustReject('parseEntryBundle(other width)', () =>
        parseEntryBundle(input, { index: 0, width: width === 256 ? 255 : width + 1 }),
      );
      const tile = new Uint8Array(32 * width);
      entries.forEach((e, i) => {
        tile.set(leafHash(e), 32 * i);
      });
      s.must('checkBundleAgainstTile', () => {
        checkBundleAgainstTile(entries, tile);
      });
    },
    parseCheckpoint(s, input) {
      const text = utf8.decode(input);
      const c = s.attempt('parseCheckpoint', () => parseCheckpoint(text));
      if (c !== REJECTED) checkCheckpointText(s, 'parseCheckpoint', c, text);
    },
    openCheckpoint(s, input) {
      const note = s.attempt('openNote', () => openNote(input, known));
      const opened = s.attempt('openCheckpoint', () => openCheckpoint(input, FUZZ_LOG_ORIGIN, known));
      if (note === REJECTED) {
        check(opened === REJECTED, 'openCheckpoint', 'opens a note openNote rejects');
      } else {
        check(note.text.endsWith('\n'), 'openNote', 'the text does not end in a newline');
        check(note.signatures.length > 0, 'openNote', 'opened without a verified signature');
        // Independently: the message starts with the text and a blank line, and the log key
        // signed exactly the text's bytes.
        const textBytes = utf8Encode(note.text);
        check(
          bytesEqual(input.subarray(0, textBytes.length), textBytes) && input[textBytes.length] === 0x0a,
          'openNote',
          'the text is not the start of the note',
        );
        for (const sig of note.signatures) {
          check(
            sig.name === logVerifier.name && sig.keyHash === logVerifier.keyHash,
            'openNote',
            'a verified signature is not by the known key',
          );
          const raw = Buffer.from(sig.base64, 'base64').subarray(4);
          check(logVerifier.verify(textBytes, raw), 'openNote', 'a verified signature does not verify');
        }
        const body = s.attempt('openNote -> parseCheckpoint', () => parseCheckpoint(note.text));
        const expected = body !== REJECTED && body.origin === FUZZ_LOG_ORIGIN;
        check(
          (opened !== REJECTED) === expected,
          'openCheckpoint',
          expected ? 'rejects a signed checkpoint of the log' : 'accepts what is not a checkpoint of the log',
        );
        if (opened !== REJECTED) {
          check(opened.note.text === note.text, 'openCheckpoint', 'opened another text than openNote');
          checkCheckpointText(s, 'openCheckpoint', opened.checkpoint, note.text);
        }
      }
      // The same message as a string: valid UTF-8 opens alike; anything else is exercised only.
      let message: string | undefined;
      try {
        message = strictUtf8.decode(input);
      } catch {
        message = undefined;
      }
      if (message === undefined) {
        s.attempt('openNote(string)', () => openNote(utf8.decode(input), known));
        return;
      }
      const again = s.attempt('openNote(string)', () => openNote(message, known));
      check(
        again === REJECTED ? note === REJECTED : note !== REJECTED && again.text === note.text,
        'openNote(string)',
        'differs from openNote on the bytes',
      );
    },
    parseVerifierKey(s, input) {
      const text = utf8.decode(input);
      const v = s.attempt('parseVerifierKey', () => parseVerifierKey(text));
      if (v === REJECTED) return;
      const parts = canonicalKeyText(text);
      check(
        parts !== undefined && v.verifierKey === `${parts.name}+${parts.hex}+${parts.key64}`,
        'parseVerifierKey -> verifierKey',
        'does not give back the parsed key',
      );
      const again = s.must('verifierKey -> parseVerifierKey', () => parseVerifierKey(v.verifierKey));
      check(
        again.name === v.name && again.keyHash === v.keyHash && bytesEqual(again.publicKey, v.publicKey),
        'verifierKey -> parseVerifierKey',
        'parses to another key',
      );
      // The parsed public key in use (mutated keys may not be points): a boolean, never a throw.
      const verified = s.must('verify', () => v.verify(PROBE, new Uint8Array(64)));
      check(typeof verified === 'boolean', 'verify', 'did not return a boolean');
    },
    parseSignerKey(s, input) {
      const text = utf8.decode(input);
      const signer = s.attempt('parseSignerKey', () => parseSignerKey(text));
      if (signer === REJECTED) return;
      const parts = canonicalKeyText(text.slice('PRIVATE+KEY+'.length));
      check(parts !== undefined, 'parseSignerKey', 'accepted a key without name+keyid+key');
      const seed = new Uint8Array(Buffer.from(parts.key64, 'base64').subarray(1));
      const back = s.must('parseSignerKey -> encodeSignerKey', () => encodeSignerKey(signer.name, seed));
      check(
        back === `PRIVATE+KEY+${parts.name}+${parts.hex}+${parts.key64}`,
        'parseSignerKey -> encodeSignerKey',
        'does not give back the parsed key',
      );
      const signature = s.must('sign', () => signer.sign(PROBE));
      check(signer.verifier.verify(PROBE, signature), 'sign', 'its verifier rejects its signature');
      const verifier = s.must('verifierKey -> parseVerifierKey', () =>
        parseVerifierKey(signer.verifier.verifierKey),
      );
      check(verifier.keyHash === signer.keyHash, 'verifierKey -> parseVerifierKey', 'another key ID');
    },
    parseCanonicalJson(s, input) {
      const text = utf8.decode(input);
      const value = s.attempt('parseCanonicalJson', () => parseCanonicalJson(text));
      if (value === REJECTED) return;
      const back = s.must('parseCanonicalJson -> canonicalJson', () => canonicalJson(value));
      check(back === text, 'parseCanonicalJson -> canonicalJson', 'does not give back the parsed text');
      const bytes = s.must('canonicalJsonBytes', () => canonicalJsonBytes(value));
      check(bytesEqual(bytes, utf8Encode(text)), 'canonicalJsonBytes', 'is not the UTF-8 of the text');
    },
    verifyInclusion(s, input) {
      const { a, b, first, second, proof } = decodeProofCall(input);
      const got = s.attempt('verifyInclusion', () => verifyInclusion(a, b, first, proof, second));
      proofResult(s, 'verifyInclusion', got, refVerifyInclusion(a, b, first, proof, second));
    },
    verifyConsistency(s, input) {
      const { a, b, first, second, proof } = decodeProofCall(input);
      const got = s.attempt('verifyConsistency', () => verifyConsistency(a, b, proof, first, second));
      proofResult(s, 'verifyConsistency', got, refVerifyConsistency(a, b, proof, first, second));
    },
    parseProofBundle(s, input) {
      const bundle = s.attempt('parseProofBundle', () => parseProofBundle(input));
      if (bundle === REJECTED) return;
      // Canonical text: what parses encodes back to the same text (or, for a checkpoint part
      // that does not end in a newline, is refused by the stricter encoder).
      if (bundle.checkpoint.endsWith('\n')) {
        const back = s.must('parseProofBundle -> encodeProofBundle', () => encodeProofBundle(bundle));
        check(
          back === utf8.decode(input),
          'parseProofBundle -> encodeProofBundle',
          'does not give back the text',
        );
      } else {
        s.mustReject('parseProofBundle -> encodeProofBundle', () => encodeProofBundle(bundle));
      }
      const verified = s.attempt('verifyProofBundle', () =>
        verifyProofBundle(bundle, { verifierKeys: known, origin: FUZZ_LOG_ORIGIN }),
      );
      if (verified === REJECTED) return;
      // Independently: the reference verifier accepts the same leaf, proof and signed root.
      const want = refVerifyInclusion(
        bundle.index,
        verified.size,
        leafHash(verified.entry),
        bundle.proof,
        verified.root,
      );
      check(want === true, 'verifyProofBundle', 'accepted a proof the reference verifier rejects');
    },
  };
  return LEDGER_TARGETS.map((name) => ({
    name: `ledger.${name}`,
    errorName: 'LedgerError',
    run(input) {
      const s = new Session(isLedgerError);
      runs[name](s, input);
      return s.result();
    },
  }));
}

export interface TargetOptions {
  /** Validation time of C2PA reads (the run's start: certificates are checked against it). */
  readonly now: Date;
}

/** Every target, in a stable order: handlers in registry order, then C2PA, labels, ledger. */
export function buildTargets(options: TargetOptions): FuzzTarget[] {
  const label = encodeAigcLabel(FUZZ_LABEL);
  const packet = setAigcInXmp(undefined, label);
  const chain = createDevelopmentChain({ notBefore: new Date(options.now.getTime() - 3_600_000) });
  const signer = createSigner({
    certificateChainPem: chain.leafCertificatePem,
    privateKeyPem: chain.leafPrivateKeyPem,
  });
  return [
    ...formatHandlers.map((h) => handlerTarget(h, packet, label)),
    ...c2paFormats.map((f) => c2paTarget(f, signer, options.now)),
    ...labelTargets(label),
    ...ledgerTargets(),
  ];
}

/** Target names and their typed error, without building them (the main thread's view). */
export function targetNames(): { readonly name: string; readonly errorName: string }[] {
  return [
    ...formatHandlers.map((h) => ({ name: h.id, errorName: 'FormatError' })),
    ...c2paFormats.map((f) => ({ name: `c2pa.${f}`, errorName: 'C2paError' })),
    ...['decodeAigcLabel', 'readAigcFromXmp', 'decodeSecurityData'].map((f) => ({
      name: `labels.${f}`,
      errorName: 'LabelError',
    })),
    ...LEDGER_TARGETS.map((f) => ({ name: `ledger.${f}`, errorName: 'LedgerError' })),
  ];
}
