/**
 * Signer credential checks for a claim signature (C2PA 2.x §14.6 "Trust model", §15.7):
 * the x5chain (leaf first) must be well-formed, each certificate must be signed by the next
 * and valid at the validation time, the leaf must fit the signer profile, and the chain's top
 * must be signed by (or be) a configured trust anchor. Outcomes are C2PA status codes.
 */
import { X509Certificate } from 'node:crypto';
import { pemToDers } from './pem.js';
import { signerProfileProblems } from './profile.js';

export interface CredentialFinding {
  readonly code:
    | 'signingCredential.trusted'
    | 'signingCredential.untrusted'
    | 'signingCredential.invalid'
    | 'signingCredential.expired';
  readonly explanation: string;
}

export interface CredentialReport {
  readonly findings: readonly CredentialFinding[];
  /** The parsed leaf, when it parsed. */
  readonly leaf: X509Certificate | undefined;
}

/** Parses a certificate whose public key is usable too (the key getter throws on a bad SPKI). */
function parse(der: Uint8Array): X509Certificate | undefined {
  try {
    const cert = new X509Certificate(der);
    return cert.publicKey.asymmetricKeyType === undefined ? undefined : cert;
  } catch {
    return undefined;
  }
}

function validAt(cert: X509Certificate, when: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= when.getTime() && when.getTime() <= to;
}

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Parses PEM trust anchors (skipping blocks that do not parse). */
export function parseAnchors(pem: string | undefined): X509Certificate[] {
  if (pem === undefined) return [];
  return pemToDers(pem, 'CERTIFICATE', 256)
    .map(parse)
    .filter((c): c is X509Certificate => c !== undefined);
}

export function checkCredential(
  chainDer: readonly Uint8Array[],
  anchors: readonly X509Certificate[],
  when: Date,
): CredentialReport {
  const certs = chainDer.map(parse);
  const leaf = certs[0];
  if (leaf === undefined || certs.some((c) => c === undefined)) {
    return {
      leaf,
      findings: [{ code: 'signingCredential.invalid', explanation: 'certificate chain does not parse' }],
    };
  }
  const chain = certs as X509Certificate[];
  const findings: CredentialFinding[] = [];
  const problems = signerProfileProblems(chainDer[0]!);
  if (problems.length > 0)
    findings.push({ code: 'signingCredential.invalid', explanation: problems.join('; ') });
  let linked = true;
  for (let i = 0; i + 1 < chain.length && linked; i++) linked = signedBy(chain[i]!, chain[i + 1]!);
  if (!linked)
    findings.push({ code: 'signingCredential.invalid', explanation: 'certificate chain is broken' });
  if (chain.some((c) => !validAt(c, when))) {
    findings.push({
      code: 'signingCredential.expired',
      explanation: 'a certificate is outside its validity period',
    });
  }
  const top = chain[chain.length - 1]!;
  // A broken chain is never trusted, whatever its top certificate chains to.
  const trusted =
    linked &&
    anchors.some((a) => a.fingerprint256 === top.fingerprint256 || (signedBy(top, a) && validAt(a, when)));
  findings.push(
    trusted
      ? { code: 'signingCredential.trusted', explanation: 'chain ends at a configured trust anchor' }
      : { code: 'signingCredential.untrusted', explanation: 'no configured trust anchor issued this chain' },
  );
  return { leaf, findings };
}
