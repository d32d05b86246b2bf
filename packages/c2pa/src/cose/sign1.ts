/**
 * COSE_Sign1 (RFC 9052 §4.2) as C2PA uses it for the claim signature (C2PA 2.x §13.2.1):
 * detached payload (the claim's CBOR bytes), algorithm (label 1) and the signer's certificate
 * chain `x5chain` (label 33, RFC 9360 §2; a single bstr when there is one certificate, else an
 * array, leaf first) in the protected header. The unprotected header holds only padding
 * (`pad`, then `pad2` if one field cannot hit the size), so the signature fills exactly the
 * space reserved for it in the manifest store (c2pa-rs `crypto/cose/sign.rs` `pad_cose_sig`).
 */
import { decodeCbor } from '../cbor/decode.js';
import { encodeCbor } from '../cbor/encode.js';
import { CborTag, type CborKey, type CborValue, isCborMap } from '../cbor/value.js';
import { c2paError } from '../errors.js';
import { COSE_ALG_ID, type CoseAlgorithm } from './algorithms.js';

export const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_X5CHAIN = 33;

/** RFC 9052 §4.4: the bytes that are actually signed. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

export function protectedHeader(alg: CoseAlgorithm, chain: readonly Uint8Array[]): Uint8Array {
  const h = new Map<CborKey, CborValue>();
  h.set(HEADER_ALG, COSE_ALG_ID[alg]);
  h.set(HEADER_X5CHAIN, chain.length === 1 ? chain[0]! : [...chain]);
  return encodeCbor(h);
}

function serialise(
  protectedBytes: Uint8Array,
  unprotected: Map<CborKey, CborValue>,
  signature: Uint8Array,
): Uint8Array {
  return encodeCbor(new CborTag(COSE_SIGN1_TAG, [protectedBytes, unprotected, null, signature]));
}

/**
 * The tagged COSE_Sign1 with a detached payload, padded to exactly `size` bytes when given.
 * Throws C2paError('c2pa.too_large') when the signature does not fit.
 */
export function buildSign1(protectedBytes: Uint8Array, signature: Uint8Array, size?: number): Uint8Array {
  const bare = serialise(protectedBytes, new Map(), signature);
  if (size === undefined || bare.length === size) return bare;
  const tooSmall = (): Error =>
    c2paError('c2pa.too_large', 'The COSE signature does not fit the reserved size; reserve more.', {
      size,
      needed: bare.length,
    });
  if (bare.length > size) throw tooSmall();
  // Adding `pad` grows the output by 4 (text key "pad") + bstr head (1, 2, 3 or 5) + length.
  for (const extra of [[], ['pad2']] as const) {
    for (const head of [1, 2, 3, 5]) {
      const unprotected = new Map<CborKey, CborValue>();
      for (const k of extra) unprotected.set(k, new Uint8Array(0));
      const base = serialise(protectedBytes, unprotected, signature).length;
      const padLength = size - base - 4 - head;
      if (padLength < 0) continue;
      const attempt = new Map<CborKey, CborValue>([['pad', new Uint8Array(padLength)], ...unprotected]);
      const out = serialise(protectedBytes, attempt, signature);
      if (out.length === size) return out;
    }
  }
  throw tooSmall();
}

export interface ParsedSign1 {
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: ReadonlyMap<CborKey, CborValue>;
  readonly unprotectedHeader: ReadonlyMap<CborKey, CborValue>;
  readonly signature: Uint8Array;
  /** Algorithm id from the protected header (RFC 9052 §3.1: MUST be protected). */
  readonly algId: unknown;
  /** DER certificates, leaf first (from the protected header, or the unprotected one for C2PA 1.x). */
  readonly x5chain: readonly Uint8Array[];
}

function corrupt(what: string): Error {
  return c2paError('c2pa.corrupt', `The claim signature is not a valid COSE_Sign1 (${what}).`);
}

function chainFrom(v: CborValue | undefined): Uint8Array[] | undefined {
  if (v instanceof Uint8Array) return [v];
  if (Array.isArray(v)) {
    const items = v as readonly CborValue[];
    if (items.length === 0 || items.length > 16 || !items.every((c) => c instanceof Uint8Array)) {
      throw corrupt('x5chain is not a list of 1..16 certificates');
    }
    return items as Uint8Array[];
  }
  if (v !== undefined) throw corrupt('x5chain has the wrong type');
  return undefined;
}

/** Parses a (tagged or untagged) COSE_Sign1. Throws C2paError('c2pa.corrupt'). */
export function parseSign1(bytes: Uint8Array): ParsedSign1 {
  let v = decodeCbor(bytes);
  if (v instanceof CborTag) {
    if (v.tag !== COSE_SIGN1_TAG) throw corrupt('wrong tag');
    v = v.value;
  }
  if (!Array.isArray(v) || v.length !== 4) throw corrupt('not a 4-element array');
  const [p, u, payload, signature] = v as readonly CborValue[];
  if (
    !(p instanceof Uint8Array) ||
    !(u !== undefined && isCborMap(u)) ||
    !(signature instanceof Uint8Array)
  ) {
    throw corrupt('wrong member types');
  }
  if (payload !== null && !(payload instanceof Uint8Array)) throw corrupt('payload is neither nil nor bstr');
  const ph = p.length === 0 ? new Map<CborKey, CborValue>() : decodeCbor(p);
  if (!isCborMap(ph)) throw corrupt('protected header is not a map');
  const x5chain = chainFrom(ph.get(HEADER_X5CHAIN)) ?? chainFrom(u.get(HEADER_X5CHAIN));
  if (x5chain === undefined) throw corrupt('no x5chain');
  return {
    protectedBytes: p,
    protectedHeader: ph,
    unprotectedHeader: u,
    signature,
    algId: ph.get(HEADER_ALG),
    x5chain,
  };
}
