/**
 * COSE signature algorithms C2PA allows (C2PA 2.x §13.2 "Digital signatures": ES256/384/512,
 * PS256/384/512, Ed25519), with their IANA COSE ids (RFC 9053 §2, RFC 8230 §2) and the
 * node:crypto parameters that sign and verify them. ECDSA signatures are IEEE P1363 (r||s), as
 * RFC 9053 §2.1 requires; RSASSA-PSS uses MGF1 with the same hash and a salt of hash length.
 */
import { constants, type KeyObject, sign, type SignKeyObjectInput, verify } from 'node:crypto';

export type CoseAlgorithm = 'Ed25519' | 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512';

export const COSE_ALG_ID: Readonly<Record<CoseAlgorithm, number>> = {
  Ed25519: -8,
  ES256: -7,
  ES384: -35,
  ES512: -36,
  PS256: -37,
  PS384: -38,
  PS512: -39,
};

export function algorithmFromId(id: unknown): CoseAlgorithm | undefined {
  for (const [name, value] of Object.entries(COSE_ALG_ID)) if (value === id) return name as CoseAlgorithm;
  return undefined;
}

function hashOf(alg: CoseAlgorithm): string | null {
  if (alg === 'Ed25519') return null;
  return `sha${alg.slice(2)}`;
}

function keyParams(alg: CoseAlgorithm, key: KeyObject): SignKeyObjectInput | KeyObject {
  if (alg.startsWith('ES')) return { key, dsaEncoding: 'ieee-p1363' };
  if (alg.startsWith('PS')) {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 };
  }
  return key;
}

/** The algorithm a private or public key signs with (its curve / type), or undefined. */
export function algorithmForKey(key: KeyObject): CoseAlgorithm | undefined {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
    return undefined;
  }
  if (type === 'rsa' || type === 'rsa-pss') return 'PS256';
  return undefined;
}

export function signWith(alg: CoseAlgorithm, key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(hashOf(alg), data, keyParams(alg, key)));
}

/** True when `signature` verifies; false for any failure, including a key of the wrong type. */
export function verifyWith(
  alg: CoseAlgorithm,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (algorithmForKey(key) !== alg && !(alg.startsWith('PS') && algorithmForKey(key) === 'PS256'))
    return false;
  try {
    return verify(hashOf(alg), data, keyParams(alg, key), signature);
  } catch {
    return false;
  }
}
