/**
 * Signing keys for label SecurityData: Ed25519 (default; RFC 8032 through node:crypto) or SM2
 * with SM3 (GB/T 32918, see sm2.ts). Keys travel as standard DER/PEM so OpenSSL and other tools
 * read them: private keys as PKCS #8, public keys as SubjectPublicKeyInfo. A key id is derived
 * from the public key (the first 16 characters of base64url(SHA-256(SPKI))), so it cannot
 * disagree with the key it names.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import { concatBytes, startsWithAt } from '@synthguard/core';
import { LabelError } from '../errors.js';
import {
  SM2_PUBLIC_KEY_BYTES,
  isSm2PublicKey,
  sm2GeneratePrivateKey,
  sm2PublicKey,
  sm2Sign,
  sm2Verify,
} from './sm2.js';

export type SignatureAlgorithm = 'Ed25519' | 'SM2-SM3';
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['Ed25519', 'SM2-SM3'];

/** The hash a SecurityData content digest uses with each signature algorithm. */
export type DigestAlgorithm = 'SHA256' | 'SM3';
export function digestAlgorithmFor(alg: SignatureAlgorithm): DigestAlgorithm {
  return alg === 'SM2-SM3' ? 'SM3' : 'SHA256';
}

export interface PublicSigningKey {
  /** 16 base64url characters derived from the public key. */
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface SigningKey extends PublicSigningKey {
  sign(message: Uint8Array): Uint8Array;
  /** PKCS #8 PEM of the private key (write it with mode 0600). */
  toPkcs8Pem(): string;
}

const ED25519_SPKI_PREFIX = hex('302a300506032b6570032100');
const SM2_SPKI_PREFIX = hex('3059301306072a8648ce3d020106082a811ccf5501822d034200');
const SM2_PKCS8_PREFIX = hex('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420');
const SM2_PKCS8_MIDDLE = hex('a144034200');

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function keyIdOf(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('base64url').slice(0, 16);
}

function invalidKey(problem: string): LabelError {
  return new LabelError('label.invalid_key', `Not a supported signing key: ${problem}.`, {
    details: { problem },
  });
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function fromPem(text: string, label: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!m?.[1]) throw invalidKey(`no ${label} PEM block`);
  return Uint8Array.from(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

function ed25519Key(pkcs8: Uint8Array): SigningKey {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw invalidKey('unreadable PKCS #8');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw invalidKey('not an Ed25519 or SM2 key');
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  const pub = ed25519PublicKey(spki);
  return {
    ...pub,
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
    toPkcs8Pem: () => pem('PRIVATE KEY', pkcs8),
  };
}

function ed25519PublicKey(spki: Uint8Array): PublicSigningKey {
  const keyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return {
    kid: keyIdOf(spki),
    alg: 'Ed25519',
    spki,
    verify: (message, signature) => signature.length === 64 && verify(null, message, keyObject, signature),
  };
}

function sm2Key(d: Uint8Array): SigningKey {
  const point = sm2PublicKey(d);
  const pub = sm2PublicKeyFromPoint(point);
  const pkcs8 = concatBytes([SM2_PKCS8_PREFIX, d, SM2_PKCS8_MIDDLE, point]);
  return { ...pub, sign: (message) => sm2Sign(d, message), toPkcs8Pem: () => pem('PRIVATE KEY', pkcs8) };
}

function sm2PublicKeyFromPoint(point: Uint8Array): PublicSigningKey {
  const spki = concatBytes([SM2_SPKI_PREFIX, point]);
  return {
    kid: keyIdOf(spki),
    alg: 'SM2-SM3',
    spki,
    verify: (message, signature) => sm2Verify(point, message, signature),
  };
}

/** A new key pair from the system CSPRNG. */
export function generateSigningKey(alg: SignatureAlgorithm = 'Ed25519'): SigningKey {
  if (alg === 'SM2-SM3') return sm2Key(sm2GeneratePrivateKey());
  const { privateKey } = generateKeyPairSync('ed25519');
  return ed25519Key(new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
}

/** Reads a PKCS #8 PEM private key (as written by `toPkcs8Pem` or OpenSSL). Throws `label.invalid_key`. */
export function signingKeyFromPem(text: string): SigningKey {
  const der = fromPem(text, 'PRIVATE KEY');
  if (startsWithAt(der, SM2_PKCS8_PREFIX)) {
    const d = der.subarray(SM2_PKCS8_PREFIX.length, SM2_PKCS8_PREFIX.length + 32);
    const key = sm2Key(Uint8Array.from(d));
    const stored = der.subarray(SM2_PKCS8_PREFIX.length + 32 + SM2_PKCS8_MIDDLE.length);
    if (der.length !== SM2_PKCS8_PREFIX.length + 32 + SM2_PKCS8_MIDDLE.length + SM2_PUBLIC_KEY_BYTES) {
      throw invalidKey('unexpected SM2 PKCS #8 layout');
    }
    if (!Buffer.from(stored).equals(Buffer.from(key.spki.subarray(SM2_SPKI_PREFIX.length)))) {
      throw invalidKey('SM2 public key does not match the private key');
    }
    return key;
  }
  return ed25519Key(der);
}

/** A verification key from DER SubjectPublicKeyInfo. Throws `label.invalid_key`. */
export function publicKeyFromSpki(spki: Uint8Array): PublicSigningKey {
  if (spki.length === ED25519_SPKI_PREFIX.length + 32 && startsWithAt(spki, ED25519_SPKI_PREFIX)) {
    return ed25519PublicKey(Uint8Array.from(spki));
  }
  if (spki.length === SM2_SPKI_PREFIX.length + SM2_PUBLIC_KEY_BYTES && startsWithAt(spki, SM2_SPKI_PREFIX)) {
    const point = spki.subarray(SM2_SPKI_PREFIX.length);
    if (!isSm2PublicKey(point)) throw invalidKey('SM2 point not on the curve');
    return sm2PublicKeyFromPoint(Uint8Array.from(point));
  }
  throw invalidKey('only Ed25519 and SM2 public keys are supported');
}

/** SubjectPublicKeyInfo as PEM ("PUBLIC KEY"), for publishing. */
export function publicKeyPem(key: PublicSigningKey): string {
  return pem('PUBLIC KEY', key.spki);
}
