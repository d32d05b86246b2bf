/**
 * SecurityData: the integrity object the TC260 integrity guide (TC260-PG-202511A) puts in
 * ReservedCode1 (producer) and ReservedCode2 (propagator): `Type`, `Version`, `Bindings` and the
 * publicly verifiable part `PubSD`. Ours is a digital signature:
 *
 *   {"Type":"DigitalSignature","Version":"1.0",
 *    "Bindings":["Label","ContentProducer","ProduceID","Content"],
 *    "PubSD":{"Alg":"Ed25519","KeyID":"…","Key":"<SPKI, base64url>",
 *             "Digest":"SHA256:<base64url>","Sig":"<base64url>"}}
 *
 * `Bindings` names the label fields the signature covers, plus `Content`: the digest of the file
 * without its label (see signed-label.ts). The public key travels with the signature so anyone
 * can check it offline; whether the key belongs to the provider is a separate question answered
 * by the provider's published key list (KeyID). The signed message is a JSON array built by
 * `signedMessage`, so field values cannot be shifted between fields.
 *
 * The object is compact JSON: ReservedCode1/2 are the one documented deviation from the
 * label's "no quotes" character rule (see aigc/label.ts).
 */
import { LabelError } from '../errors.js';
import type { AigcField, AigcLabel } from '../aigc/label.js';
import {
  type DigestAlgorithm,
  type PublicSigningKey,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  digestAlgorithmFor,
  publicKeyFromSpki,
} from './keys.js';

export const SECURITY_DATA_TYPE = 'DigitalSignature';
export const SECURITY_DATA_VERSION = '1.0';
/** Longer than any object we write (about 440 characters with an SM2 key). */
export const SECURITY_DATA_MAX_LENGTH = 2048;

export type SecurityBinding =
  | Extract<AigcField, 'Label' | 'ContentProducer' | 'ProduceID' | 'ContentPropagator' | 'PropagateID'>
  | 'Content';

/** What the producer's signature (ReservedCode1) covers. */
export const PRODUCER_BINDINGS: readonly SecurityBinding[] = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'Content',
];
/** What a propagating platform's signature (ReservedCode2) covers. */
export const PROPAGATOR_BINDINGS: readonly SecurityBinding[] = [
  'ContentPropagator',
  'PropagateID',
  'Content',
];

export interface SecurityData {
  readonly Type: typeof SECURITY_DATA_TYPE;
  readonly Version: typeof SECURITY_DATA_VERSION;
  readonly Bindings: readonly SecurityBinding[];
  readonly PubSD: {
    readonly Alg: SignatureAlgorithm;
    readonly KeyID: string;
    /** DER SubjectPublicKeyInfo, base64url. */
    readonly Key: string;
    /** `SHA256:` or `SM3:` + base64url digest of the file without its label. */
    readonly Digest: string;
    /** Signature over `signedMessage`, base64url (Ed25519: 64 bytes; SM2: r || s, 64 bytes). */
    readonly Sig: string;
  };
}

export interface DecodedSecurityData {
  readonly data: SecurityData;
  readonly key: PublicSigningKey;
  readonly digestAlgorithm: DigestAlgorithm;
  /** The raw digest bytes. */
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
}

function invalid(problem: string): LabelError {
  return new LabelError('label.invalid_security_data', `The label's SecurityData is not valid: ${problem}.`, {
    details: { problem },
  });
}

export function formatDigest(alg: DigestAlgorithm, digest: Uint8Array): string {
  return `${alg}:${Buffer.from(digest).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function base64url(value: unknown, what: string, max: number): Uint8Array {
  if (typeof value !== 'string' || value.length > max || !BASE64URL.test(value))
    throw invalid(`${what} is not base64url`);
  return Uint8Array.from(Buffer.from(value, 'base64url'));
}

/** The bytes a signature covers: the bound field values in binding order, with the key and digest. */
export function signedMessage(
  bindings: readonly SecurityBinding[],
  label: AigcLabel,
  alg: SignatureAlgorithm,
  keyId: string,
  digest: string,
): Uint8Array {
  const fields = bindings.filter((b) => b !== 'Content').map((b) => [b, label[b]]);
  return new TextEncoder().encode(
    JSON.stringify([
      'GB45438-SecurityData',
      SECURITY_DATA_TYPE,
      SECURITY_DATA_VERSION,
      alg,
      keyId,
      digest,
      fields,
    ]),
  );
}

export function encodeSecurityData(data: SecurityData): string {
  const { Alg, KeyID, Key, Digest, Sig } = data.PubSD;
  return JSON.stringify({
    Type: data.Type,
    Version: data.Version,
    Bindings: data.Bindings,
    PubSD: { Alg, KeyID, Key, Digest, Sig },
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactKeys(obj: Record<string, unknown>, keys: readonly string[], what: string): void {
  const have = Object.keys(obj);
  if (have.length !== keys.length || !keys.every((k) => Object.hasOwn(obj, k))) {
    throw invalid(`${what} must have exactly the keys ${keys.join(', ')}`);
  }
}

/**
 * Parses ReservedCode1/2 text as our SecurityData. Throws `label.invalid_security_data` for
 * anything else (another provider's format is reported as unverifiable, never trusted).
 */
export function decodeSecurityData(text: string): DecodedSecurityData {
  if (text.length > SECURITY_DATA_MAX_LENGTH) throw invalid('too long');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (!isRecord(parsed)) throw invalid('not a JSON object');
  exactKeys(parsed, ['Type', 'Version', 'Bindings', 'PubSD'], 'SecurityData');
  if (parsed.Type !== SECURITY_DATA_TYPE) throw invalid(`unknown Type (expected ${SECURITY_DATA_TYPE})`);
  if (parsed.Version !== SECURITY_DATA_VERSION)
    throw invalid(`unknown Version (expected ${SECURITY_DATA_VERSION})`);
  const bindings = parsed.Bindings;
  const allowed: readonly string[] = [...PRODUCER_BINDINGS, ...PROPAGATOR_BINDINGS];
  if (
    !Array.isArray(bindings) ||
    bindings.length === 0 ||
    bindings.length > allowed.length ||
    !bindings.every((b): b is SecurityBinding => typeof b === 'string' && allowed.includes(b)) ||
    new Set(bindings).size !== bindings.length
  ) {
    throw invalid('Bindings must list distinct label fields and Content');
  }
  const pub = parsed.PubSD;
  if (!isRecord(pub)) throw invalid('PubSD is not an object');
  exactKeys(pub, ['Alg', 'KeyID', 'Key', 'Digest', 'Sig'], 'PubSD');
  const alg = pub.Alg;
  if (typeof alg !== 'string' || !(SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalid('unsupported Alg');
  }
  const signatureAlgorithm = alg as SignatureAlgorithm;
  let key: PublicSigningKey;
  try {
    key = publicKeyFromSpki(base64url(pub.Key, 'Key', 200));
  } catch (err) {
    if (err instanceof LabelError && err.code === 'label.invalid_security_data') throw err;
    throw invalid('Key is not a supported public key');
  }
  if (key.alg !== signatureAlgorithm) throw invalid('Key does not match Alg');
  if (pub.KeyID !== key.kid) throw invalid('KeyID does not match Key');
  const digestAlgorithm = digestAlgorithmFor(signatureAlgorithm);
  if (typeof pub.Digest !== 'string' || !pub.Digest.startsWith(`${digestAlgorithm}:`)) {
    throw invalid(`Digest must be ${digestAlgorithm}:<base64url>`);
  }
  const digest = base64url(pub.Digest.slice(digestAlgorithm.length + 1), 'Digest', 64);
  if (digest.length !== 32) throw invalid('Digest must be 32 bytes');
  const signature = base64url(pub.Sig, 'Sig', 200);
  if (signature.length !== 64) throw invalid('Sig must be 64 bytes');
  const data: SecurityData = {
    Type: SECURITY_DATA_TYPE,
    Version: SECURITY_DATA_VERSION,
    Bindings: bindings,
    PubSD: {
      Alg: signatureAlgorithm,
      KeyID: key.kid,
      Key: pub.Key as string,
      Digest: pub.Digest,
      Sig: pub.Sig as string,
    },
  };
  return { data, key, digestAlgorithm, digest, signature };
}
