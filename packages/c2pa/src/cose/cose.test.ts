import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { createDevelopmentChain } from '../x509/dev-chain.js';
import { algorithmFromId, type CoseAlgorithm, signWith, verifyWith } from './algorithms.js';
import { buildSign1, parseSign1, protectedHeader, sigStructure } from './sign1.js';
import { createSigner, signClaim } from './signer.js';

const chain = createDevelopmentChain();
const signer = createSigner({
  certificateChainPem: chain.leafCertificatePem,
  privateKeyPem: chain.leafPrivateKeyPem,
});

describe('COSE_Sign1', () => {
  it('signs the claim detached and verifies with the x5chain leaf', () => {
    const claim = new TextEncoder().encode('claim bytes');
    const cose = signClaim(signer, claim);
    const parsed = parseSign1(cose);
    expect(algorithmFromId(parsed.algId)).toBe('Ed25519');
    expect(parsed.x5chain).toEqual(signer.certificateChain);
    const key = createSigner({
      certificateChainPem: chain.leafCertificatePem,
      privateKeyPem: chain.leafPrivateKeyPem,
    });
    expect(key.alg).toBe('Ed25519');
    const data = sigStructure(parsed.protectedBytes, claim);
    const leafKey = new X509Certificate(parsed.x5chain[0]!).publicKey;
    expect(verifyWith('Ed25519', leafKey, data, parsed.signature)).toBe(true);
    expect(
      verifyWith(
        'Ed25519',
        leafKey,
        sigStructure(parsed.protectedBytes, new Uint8Array(1)),
        parsed.signature,
      ),
    ).toBe(false);
  });

  it('pads to every exact size from the minimum up (pad, then pad2 across CBOR head boundaries)', () => {
    const ph = protectedHeader('Ed25519', signer.certificateChain);
    const sig = new Uint8Array(64);
    const bare = buildSign1(ph, sig).length;
    for (let size = bare + 6; size < bare + 300; size++) {
      const out = buildSign1(ph, sig, size);
      expect(out.length).toBe(size);
      expect(parseSign1(out).signature).toEqual(sig);
    }
    expect(() => buildSign1(ph, sig, bare - 1)).toThrow(expect.objectContaining({ code: 'c2pa.too_large' }));
  });

  it.each(['ES256', 'ES384', 'ES512', 'PS256'] as CoseAlgorithm[])('%s signs and verifies', (alg) => {
    const pair =
      alg === 'PS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', {
            namedCurve: { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg as 'ES256'],
          });
    const data = Uint8Array.of(1, 2, 3);
    const sig = signWith(alg, pair.privateKey, data);
    expect(verifyWith(alg, pair.publicKey, data, sig)).toBe(true);
    expect(verifyWith(alg, pair.publicKey, Uint8Array.of(9), sig)).toBe(false);
    expect(verifyWith('Ed25519', pair.publicKey, data, sig)).toBe(false);
  });

  it('refuses a key that does not belong to the leaf', () => {
    const other = createDevelopmentChain();
    expect(() =>
      createSigner({ certificateChainPem: chain.leafCertificatePem, privateKeyPem: other.leafPrivateKeyPem }),
    ).toThrow(expect.objectContaining({ code: 'c2pa.bad_signer' }));
    expect(() => createSigner({ certificateChainPem: '', privateKeyPem: chain.leafPrivateKeyPem })).toThrow(
      expect.objectContaining({ code: 'c2pa.bad_signer' }),
    );
  });

  it('hostile input: only typed errors escape', () => {
    const good = signClaim(signer, Uint8Array.of(1));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(good.length),
        (edits, cut) => {
          const bytes = good.slice(0, cut);
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            parseSign1(bytes);
          } catch (err) {
            expect(isAppError(err, 'c2pa.corrupt', 'c2pa.too_large')).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
