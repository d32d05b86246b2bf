/**
 * The claim signer: a private key and the X.509 chain that certifies it (leaf first, then
 * intermediates; the root stays out, C2PA 2.x §14.6: the validator holds trust anchors). The
 * development chain from `createDevelopmentChain` and a production chain from configuration
 * go through the same `createSigner`.
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { c2paError } from '../errors.js';
import { pemToDers } from '../x509/pem.js';
import { algorithmForKey, type CoseAlgorithm, signWith } from './algorithms.js';
import { buildSign1, protectedHeader, sigStructure } from './sign1.js';

export interface C2paSigner {
  readonly alg: CoseAlgorithm;
  /** DER certificates, leaf first. */
  readonly certificateChain: readonly Uint8Array[];
  /** Bytes of the COSE signature slot to reserve in the manifest store. */
  readonly reserveSize: number;
  /** Raw signature over `data` (RFC 9052 §4.4 Sig_structure bytes). */
  sign(data: Uint8Array): Uint8Array;
}

export interface SignerConfig {
  /** Leaf certificate first, then any intermediates (PEM, concatenated). */
  readonly certificateChainPem: string;
  /** The leaf's private key (PKCS#8 or traditional PEM). */
  readonly privateKeyPem: string;
}

function badSigner(message: string): Error {
  return c2paError('c2pa.bad_signer', message);
}

/** Builds a signer; throws C2paError('c2pa.bad_signer') if the key and the leaf do not match. */
export function createSigner(config: SignerConfig): C2paSigner {
  const chain = pemToDers(config.certificateChainPem, 'CERTIFICATE');
  if (chain.length === 0) throw badSigner('No certificate in the signer chain PEM; give the leaf first.');
  let key: KeyObject;
  let leafKey: KeyObject;
  try {
    key = createPrivateKey(config.privateKeyPem);
    leafKey = new X509Certificate(chain[0]!).publicKey;
  } catch {
    throw badSigner('The signer key or leaf certificate cannot be parsed; check the PEM files.');
  }
  const spki = (k: KeyObject): string => k.export({ type: 'spki', format: 'der' }).toString('base64');
  if (spki(createPublicKey(key)) !== spki(leafKey)) {
    throw badSigner('The private key does not belong to the leaf certificate (the first in the chain).');
  }
  const alg = algorithmForKey(key);
  if (alg === undefined) throw badSigner('Unsupported key type; use Ed25519, P-256/384/521 or RSA.');
  const certBytes = chain.reduce((n, c) => n + c.length, 0);
  return {
    alg,
    certificateChain: chain,
    // Certificates + signature (at most 512 for RSA-4096) + headers, rounded up with headroom.
    reserveSize: certBytes + 1024,
    sign: (data) => signWith(alg, key, data),
  };
}

/** The tagged COSE_Sign1 over `claim` (detached), padded to `size` bytes when given. */
export function signClaim(signer: C2paSigner, claim: Uint8Array, size?: number): Uint8Array {
  const ph = protectedHeader(signer.alg, signer.certificateChain);
  return buildSign1(ph, signer.sign(sigStructure(ph, claim)), size);
}
