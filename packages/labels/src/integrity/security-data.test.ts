import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLabel } from '../testing/labels.js';
import { LabelError } from '../errors.js';
import { generateSigningKey, publicKeyFromSpki, signingKeyFromPem } from './keys.js';
import { PRODUCER_BINDINGS, decodeSecurityData, formatDigest, signedMessage } from './security-data.js';
import { createSecurityData } from '../signed-label.js';

const key = generateSigningKey();
const valid = createSecurityData(key, PRODUCER_BINDINGS, buildLabel(), new Uint8Array(32).fill(7));

function outcome(text: string): 'ok' | 'invalid' {
  try {
    decodeSecurityData(text);
    return 'ok';
  } catch (err) {
    if (err instanceof LabelError && err.code === 'label.invalid_security_data') return 'invalid';
    throw err;
  }
}

describe('SecurityData codec', () => {
  it('decodes what it writes, with the key, digest and signature', () => {
    const d = decodeSecurityData(valid);
    expect(d.key.kid).toBe(key.kid);
    expect(d.digestAlgorithm).toBe('SHA256');
    expect(Buffer.from(d.digest).toString('hex')).toBe('07'.repeat(32));
    const message = signedMessage(
      d.data.Bindings,
      buildLabel(),
      'Ed25519',
      key.kid,
      formatDigest('SHA256', d.digest),
    );
    expect(d.key.verify(message, d.signature)).toBe(true);
  });

  it('keys round-trip through PKCS #8 PEM and SPKI for both algorithms', () => {
    for (const alg of ['Ed25519', 'SM2-SM3'] as const) {
      const k = generateSigningKey(alg);
      const again = signingKeyFromPem(k.toPkcs8Pem());
      expect(again.kid).toBe(k.kid);
      const msg = new TextEncoder().encode('m');
      expect(publicKeyFromSpki(k.spki).verify(msg, again.sign(msg))).toBe(true);
    }
  });

  it.each([
    ['extra key', (o: Record<string, unknown>) => ({ ...o, Extra: 1 })],
    ['wrong Type', (o: Record<string, unknown>) => ({ ...o, Type: 'Hash' })],
    ['duplicate binding', (o: Record<string, unknown>) => ({ ...o, Bindings: ['Label', 'Label'] })],
    ['unknown binding', (o: Record<string, unknown>) => ({ ...o, Bindings: ['Secret'] })],
    [
      'SM3 digest with Ed25519',
      (o: Record<string, unknown>) => ({ ...o, PubSD: { ...(o.PubSD as object), Digest: 'SM3:AAAA' } }),
    ],
    [
      'short signature',
      (o: Record<string, unknown>) => ({ ...o, PubSD: { ...(o.PubSD as object), Sig: 'AAAA' } }),
    ],
  ])('rejects %s', (_name, change) => {
    expect(outcome(JSON.stringify(change(JSON.parse(valid) as Record<string, unknown>)))).toBe('invalid');
  });

  it('hostile input: any string or mutation is decoded or rejected with label.invalid_security_data (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (s) => {
        outcome(s);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.string({ maxLength: 3 }),
        (at, insert) => {
          outcome(valid.slice(0, at) + insert + valid.slice(at + 1));
        },
      ),
      { numRuns: 2000 },
    );
    expect(outcome('x'.repeat(100_000))).toBe('invalid');
  });
});
