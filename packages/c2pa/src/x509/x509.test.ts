import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDevelopmentChain } from './dev-chain.js';
import { checkCredential, parseAnchors } from './chain.js';
import { pemToDers } from './pem.js';
import { signerProfileProblems } from './profile.js';

const der = (pem: string): Uint8Array => pemToDers(pem, 'CERTIFICATE')[0]!;

describe('development chain', () => {
  const chain = createDevelopmentChain({ organization: 'Test Org' });
  const root = new X509Certificate(chain.rootCertificatePem);
  const leaf = new X509Certificate(chain.leafCertificatePem);

  it('is a root CA and an Ed25519 leaf it issued', () => {
    expect(root.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.4.1.62558.2.1']));
    expect(leaf.subject).toContain('O=Test Org');
  });

  it('fits the C2PA signer profile; the root does not', () => {
    expect(signerProfileProblems(der(chain.leafCertificatePem))).toEqual([]);
    expect(signerProfileProblems(der(chain.rootCertificatePem))).toEqual(
      expect.arrayContaining(['signer certificate is a CA certificate', 'extendedKeyUsage missing']),
    );
    expect(signerProfileProblems(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toEqual([
      'certificate is malformed',
    ]);
    const ec = createDevelopmentChain({ keyType: 'ES256' });
    expect(signerProfileProblems(der(ec.leafCertificatePem))).toEqual([]);
    const ecRoot = new X509Certificate(ec.rootCertificatePem);
    expect(new X509Certificate(ec.leafCertificatePem).verify(ecRoot.publicKey)).toBe(true);
  });

  it('is trusted only under its own root and only within its validity', () => {
    const leafDer = der(chain.leafCertificatePem);
    const now = new Date();
    const codes = (anchors: string | undefined, when = now): string[] =>
      checkCredential([leafDer], parseAnchors(anchors), when).findings.map((f) => f.code);
    expect(codes(chain.rootCertificatePem)).toEqual(['signingCredential.trusted']);
    expect(codes(undefined)).toEqual(['signingCredential.untrusted']);
    expect(codes(createDevelopmentChain().rootCertificatePem)).toEqual(['signingCredential.untrusted']);
    expect(codes(chain.rootCertificatePem, new Date(now.getTime() + 400 * 86_400_000))).toContain(
      'signingCredential.expired',
    );
  });

  it('reports a broken chain and garbage certificates as invalid', () => {
    const other = createDevelopmentChain();
    const broken = checkCredential(
      [der(chain.leafCertificatePem), der(other.rootCertificatePem)],
      [],
      new Date(),
    );
    expect(broken.findings.map((f) => f.code)).toEqual([
      'signingCredential.invalid',
      'signingCredential.untrusted',
    ]);
    // Even when the top certificate is an anchor, a broken link is not trusted.
    const anchored = checkCredential(
      [der(chain.leafCertificatePem), der(other.rootCertificatePem)],
      parseAnchors(other.rootCertificatePem),
      new Date(),
    );
    expect(anchored.findings.map((f) => f.code)).toEqual([
      'signingCredential.invalid',
      'signingCredential.untrusted',
    ]);
    const garbage = checkCredential([new Uint8Array([1, 2, 3])], [], new Date());
    expect(garbage.findings.map((f) => f.code)).toEqual(['signingCredential.invalid']);
  });
});
