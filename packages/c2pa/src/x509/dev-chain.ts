/**
 * A development certificate chain for C2PA signing: a self-signed root CA and a leaf signed by
 * it, both Ed25519 (or both ECDSA P-256, the ES256 path production chains often use). The leaf
 * carries what the C2PA certificate profile (C2PA 2.x §14.5.1, as checked by c2pa-rs
 * `crypto/cose/certificate_profile.rs`) demands of a claim signer: X.509 v3, keyUsage
 * digitalSignature (critical, no keyCertSign), extendedKeyUsage id-kp-c2pa-claimSigning
 * 1.3.6.1.4.1.62558.2.1 (plus id-kp-documentSigning), basicConstraints CA:FALSE, subject and
 * authority key identifiers. Validators trust it only when the root is configured as a trust
 * anchor; it is for development and tests, never for production.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  octetString,
  oid,
  readElement,
  seq,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
  children,
} from '../asn1/der.js';
import { OID } from './oids.js';
import { derToPem } from './pem.js';

export interface DevelopmentChain {
  /** Root CA certificate (PEM): configure it as a trust anchor where the manifest is verified. */
  readonly rootCertificatePem: string;
  /** Leaf certificate (PEM) that signs claims. */
  readonly leafCertificatePem: string;
  /** Leaf private key, PKCS#8 PEM. */
  readonly leafPrivateKeyPem: string;
}

export interface DevelopmentChainOptions {
  /** Organisation written into both subjects. */
  readonly organization?: string;
  /** Start of validity (default: now minus one hour, to absorb clock skew). */
  readonly notBefore?: Date;
  /** Validity in days (default 365). */
  readonly validDays?: number;
  /** Key type of both certificates (default Ed25519; ES256 = ECDSA P-256). */
  readonly keyType?: DevelopmentKeyType;
}

function name(cn: string, org: string): Uint8Array {
  return seq(set(seq(oid(OID.commonName), utf8String(cn))), set(seq(oid(OID.organization), utf8String(org))));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), boolean(true), octetString(value)) : seq(oid(id), octetString(value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const spki = children(readElement(spkiDer, 0));
  const bits = spki[1]!.content.subarray(1);
  return new Uint8Array(createHash('sha1').update(bits).digest());
}

interface CertSpec {
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  readonly publicKey: KeyObject;
  readonly signingKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly Uint8Array[];
  /** Key type of `signingKey` (the issuer's). */
  readonly issuerKeyType: DevelopmentKeyType;
}

export type DevelopmentKeyType = 'Ed25519' | 'ES256';

/** Signature AlgorithmIdentifier (RFC 8410 §3: no parameters; RFC 5758 §3.2: none for ECDSA). */
const SIGNATURE_ALG: Readonly<Record<DevelopmentKeyType, Uint8Array>> = {
  Ed25519: seq(oid(OID.ed25519)),
  ES256: seq(oid(OID.ecdsaWithSha256)),
};

function newKeyPair(type: DevelopmentKeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  return type === 'Ed25519'
    ? generateKeyPairSync('ed25519')
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function buildCertificate(spec: CertSpec): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = serial[0]! & 0x7f;
  const spki = new Uint8Array(spec.publicKey.export({ type: 'spki', format: 'der' }));
  const tbs = seq(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    SIGNATURE_ALG[spec.issuerKeyType],
    spec.issuer,
    seq(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spki,
    explicit(3, seq(...spec.extensions)),
  );
  // X.509 carries ECDSA signatures DER-encoded (RFC 5758 §3.2), node's default encoding.
  const signature = new Uint8Array(
    sign(spec.issuerKeyType === 'ES256' ? 'sha256' : null, tbs, spec.signingKey),
  );
  return seq(tbs, SIGNATURE_ALG[spec.issuerKeyType], bitString(signature));
}

/** Generates a fresh root + leaf pair (Ed25519 unless asked). Persisting it is the caller's job. */
export function createDevelopmentChain(options: DevelopmentChainOptions = {}): DevelopmentChain {
  const org = options.organization ?? 'synthguard development';
  const notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  const notAfter = new Date(notBefore.getTime() + (options.validDays ?? 365) * 86_400_000);
  const keyType = options.keyType ?? 'Ed25519';
  const root = newKeyPair(keyType);
  const leaf = newKeyPair(keyType);
  const rootId = keyIdentifier(new Uint8Array(root.publicKey.export({ type: 'spki', format: 'der' })));
  const leafId = keyIdentifier(new Uint8Array(leaf.publicKey.export({ type: 'spki', format: 'der' })));
  const rootName = name('synthguard development root CA', org);
  const aki = seq(new Uint8Array([0x80, rootId.length, ...rootId]));

  const rootCert = buildCertificate({
    subject: rootName,
    issuer: rootName,
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    issuerKeyType: keyType,
    notBefore,
    notAfter: new Date(notAfter.getTime() + 86_400_000),
    extensions: [
      extension(OID.basicConstraints, true, seq(boolean(true))),
      // keyCertSign (bit 5) + cRLSign (bit 6): 0b0000_0110, one unused bit.
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x06), 1)),
      extension(OID.subjectKeyId, false, octetString(rootId)),
      extension(OID.authorityKeyId, false, aki),
    ],
  });
  const leafCert = buildCertificate({
    subject: name('synthguard development claim signer', org),
    issuer: rootName,
    publicKey: leaf.publicKey,
    signingKey: root.privateKey,
    issuerKeyType: keyType,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      // digitalSignature (bit 0): 0b1000_0000, seven unused bits.
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
      extension(OID.extKeyUsage, false, seq(oid(OID.ekuC2paClaimSigning), oid(OID.ekuDocumentSigning))),
      extension(OID.subjectKeyId, false, octetString(leafId)),
      extension(OID.authorityKeyId, false, aki),
    ],
  });
  return {
    rootCertificatePem: derToPem(rootCert, 'CERTIFICATE'),
    leafCertificatePem: derToPem(leafCert, 'CERTIFICATE'),
    leafPrivateKeyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
