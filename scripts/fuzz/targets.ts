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
 *   (with `setAigcInXmp` / `removeAigcFromXmp`), `decodeSecurityData`, each re-encoded and decoded.
 *
 * Only the target's typed error (FormatError / C2paError / LabelError) may escape an operation;
 * anything else, and any broken invariant, throws a `FuzzFailure`: a finding. Runs in the worker
 * threads (and in-process for `--replay`); the seeds live in `seeds.ts` (main thread only).
 */
import { isDeepStrictEqual } from 'node:util';
import { bytesEqual } from '@synthguard/core';
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
import { encodeSecurityData } from '../../packages/labels/src/integrity/security-data.js';

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

export interface TargetOptions {
  /** Validation time of C2PA reads (the run's start: certificates are checked against it). */
  readonly now: Date;
}

/** Every target, in a stable order: handlers in registry order, then C2PA, then labels. */
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
  ];
}
