/**
 * The C2PA certificate profile for a claim signer (C2PA 2.x §14.5.1, mirrored from c2pa-rs
 * `crypto/cose/certificate_profile.rs`): X.509 v3; signature algorithm among those C2PA
 * allows; no issuer/subject unique ids; an end-entity (not CA) certificate; keyUsage with
 * digitalSignature and without keyCertSign; extendedKeyUsage present, without
 * anyExtendedKeyUsage, with at least one accepted purpose, and not mixing OCSP signing or time
 * stamping with other purposes; an authority key identifier; no unknown critical extension.
 * Returns the problems found (empty when the certificate fits); malformed DER is a problem,
 * never an exception.
 */
import { children, type DerElement, expect, oidText, readElement, TAG } from '../asn1/der.js';
import { OID } from './oids.js';

const ALLOWED_SIGNATURE_ALGS = new Set([
  '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
  '1.2.840.113549.1.1.10', // RSASSA-PSS
  OID.ed25519,
]);

/** Extended key usages C2PA accepts for claim signing (c2pa-rs valid_eku_oids.cfg). */
export const ACCEPTED_EKUS: readonly string[] = [
  '1.3.6.1.5.5.7.3.4', // id-kp-emailProtection
  OID.ekuDocumentSigning,
  '1.3.6.1.5.5.7.3.8', // id-kp-timeStamping
  '1.3.6.1.5.5.7.3.9', // id-kp-OCSPSigning
  '1.3.6.1.4.1.311.76.59.1.9', // Microsoft C2PA signing
  OID.ekuC2paClaimSigning,
];
const ANY_EKU = '2.5.29.37.0';
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

/** Extensions we understand; an unknown one marked critical fails the profile. */
const KNOWN_EXTENSIONS = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyId,
  OID.authorityKeyId,
  '2.5.29.17', // subjectAltName
  '2.5.29.32', // certificatePolicies
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '2.5.29.30', // nameConstraints
  '2.5.29.33', // policyMappings
  '2.5.29.36', // policyConstraints
  '2.5.29.54', // inhibitAnyPolicy
]);

interface Extension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: DerElement;
}

function parseExtensions(tbsItems: readonly DerElement[]): Extension[] {
  const wrapper = tbsItems.find((e) => e.tag === 0xa3);
  if (wrapper === undefined) return [];
  const list = expect(children(wrapper)[0], TAG.SEQUENCE, 'extensions');
  return children(list).map((ext) => {
    const parts = children(expect(ext, TAG.SEQUENCE, 'an extension'));
    const critical = parts.length === 3 && parts[1]!.tag === TAG.BOOLEAN && parts[1]!.content[0] !== 0;
    const octets = expect(parts[parts.length - 1], TAG.OCTET_STRING, 'extension value');
    return { id: oidText(parts[0]!), critical, value: readElement(octets.content, 0) };
  });
}

/** keyUsage bits (RFC 5280 §4.2.1.3): bit 0 = digitalSignature, bit 5 = keyCertSign. */
function keyUsageBits(value: DerElement): {
  digitalSignature: boolean;
  keyCertSign: boolean;
  nonRepudiation: boolean;
} {
  expect(value, TAG.BIT_STRING, 'key usage bits');
  const first = value.content[1] ?? 0;
  return {
    digitalSignature: (first & 0x80) !== 0,
    nonRepudiation: (first & 0x40) !== 0,
    keyCertSign: (first & 0x04) !== 0,
  };
}

function isCa(exts: readonly Extension[]): boolean {
  const bc = exts.find((e) => e.id === OID.basicConstraints);
  if (bc === undefined) return false;
  const first = children(expect(bc.value, TAG.SEQUENCE, 'basic constraints'))[0];
  return first?.tag === TAG.BOOLEAN && first.content[0] !== 0;
}

/** Problems with `der` as a C2PA claim-signing (end-entity) certificate; [] when it fits. */
export function signerProfileProblems(der: Uint8Array): string[] {
  try {
    const cert = children(expect(readElement(der, 0), TAG.SEQUENCE, 'certificate'));
    const tbs = children(expect(cert[0], TAG.SEQUENCE, 'tbsCertificate'));
    const problems: string[] = [];
    const version = tbs[0]?.tag === 0xa0 ? children(tbs[0])[0]?.content[0] : 0;
    if (version !== 2) problems.push('certificate is not X.509 v3');
    const sigAlg = oidText(children(expect(cert[1], TAG.SEQUENCE, 'signatureAlgorithm'))[0]!);
    if (!ALLOWED_SIGNATURE_ALGS.has(sigAlg)) problems.push('certificate signature algorithm not allowed');
    if (tbs.some((e) => e.tag === 0x81 || e.tag === 0xa1 || e.tag === 0x82 || e.tag === 0xa2)) {
      problems.push('issuer/subject unique ids are not allowed');
    }
    const exts = parseExtensions(tbs);
    if (isCa(exts)) problems.push('signer certificate is a CA certificate');
    const ku = exts.find((e) => e.id === OID.keyUsage);
    if (ku === undefined) problems.push('keyUsage missing');
    else {
      const bits = keyUsageBits(ku.value);
      if (!bits.digitalSignature && !bits.nonRepudiation) problems.push('keyUsage lacks digitalSignature');
      if (bits.keyCertSign) problems.push('keyUsage keyCertSign on an end-entity certificate');
    }
    const eku = exts.find((e) => e.id === OID.extKeyUsage);
    if (eku === undefined) problems.push('extendedKeyUsage missing');
    else {
      const purposes = children(expect(eku.value, TAG.SEQUENCE, 'extended key usage')).map(oidText);
      if (purposes.includes(ANY_EKU)) problems.push('anyExtendedKeyUsage is not allowed');
      if (!purposes.some((p) => ACCEPTED_EKUS.includes(p))) problems.push('no accepted extendedKeyUsage');
      const ts = purposes.includes(TIME_STAMPING);
      const ocsp = purposes.includes(OCSP_SIGNING);
      if ((ts && ocsp) || ((ts || ocsp) && purposes.length > 1))
        problems.push('OCSP signing / time stamping mixed with other purposes');
    }
    if (!exts.some((e) => e.id === OID.authorityKeyId)) problems.push('authorityKeyIdentifier missing');
    if (exts.some((e) => e.critical && !KNOWN_EXTENSIONS.has(e.id)))
      problems.push('unknown critical extension');
    return problems;
  } catch {
    return ['certificate is malformed'];
  }
}
