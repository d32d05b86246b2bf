import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSigningKey, publicKeyPem } from './keys.js';
import {
  SM2_DEFAULT_ID,
  sm2GeneratePrivateKey,
  sm2PublicKey,
  sm2Sign,
  sm2SignatureToDer,
  sm2Verify,
} from './sm2.js';

const message = new TextEncoder().encode('GB 45438-2025 SecurityData');

describe('SM2 with SM3', () => {
  const d = sm2GeneratePrivateKey();
  const pub = sm2PublicKey(d);

  it('verifies its own signatures and rejects any other message, key or identity', () => {
    const sig = sm2Sign(d, message);
    expect(sig.length).toBe(64);
    expect(sm2Verify(pub, message, sig)).toBe(true);
    expect(sm2Verify(pub, new TextEncoder().encode('other'), sig)).toBe(false);
    expect(sm2Verify(sm2PublicKey(sm2GeneratePrivateKey()), message, sig)).toBe(false);
    expect(sm2Verify(pub, message, sig, 'another-id')).toBe(false);
  });

  it('rejects every single-bit change of the signature (property)', () => {
    const sig = sm2Sign(d, message);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 511 }), (bit) => {
        const bad = sig.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        return !sm2Verify(pub, message, bad);
      }),
      { numRuns: 64 },
    );
  });

  it('rejects malformed public keys and signatures without throwing', () => {
    const sig = sm2Sign(d, message);
    expect(sm2Verify(new Uint8Array(65), message, sig)).toBe(false);
    expect(sm2Verify(pub.subarray(0, 64), message, sig)).toBe(false);
    expect(sm2Verify(pub, message, new Uint8Array(64))).toBe(false);
    expect(sm2Verify(pub, message, new Uint8Array(64).fill(0xff))).toBe(false);
  });
});

// OpenSSL 3 implements SM2 independently; agreeing with it in both directions proves the
// signature equation, Z_A and the GM/T 0009 default identity.
function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn(
      'openssl not installed: skipping the SM2 cross-check with OpenSSL (apt-get install openssl)',
    );
    return false;
  }
}

describe.runIf(hasOpenssl())('SM2 agrees with OpenSSL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-sm2-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const key = generateSigningKey('SM2-SM3');
  writeFileSync(join(dir, 'key.pem'), key.toPkcs8Pem(), { mode: 0o600 });
  writeFileSync(join(dir, 'pub.pem'), publicKeyPem(key));
  writeFileSync(join(dir, 'msg'), message);
  const distid = `distid:${SM2_DEFAULT_ID}`;

  it('OpenSSL verifies our signature (PKCS #8 and SPKI it can read)', () => {
    writeFileSync(join(dir, 'ours.sig'), sm2SignatureToDer(key.sign(message)));
    const out = execFileSync(
      'openssl',
      [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        join(dir, 'pub.pem'),
        '-rawin',
        '-digest',
        'sm3',
        '-pkeyopt',
        distid,
        '-in',
        join(dir, 'msg'),
        '-sigfile',
        join(dir, 'ours.sig'),
      ],
      { encoding: 'utf8' },
    );
    expect(out).toContain('Signature Verified Successfully');
  });

  it('we verify a signature OpenSSL made with our private key', () => {
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'key.pem'),
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      distid,
      '-in',
      join(dir, 'msg'),
      '-out',
      join(dir, 'theirs.sig'),
    ]);
    const der = readFileSync(join(dir, 'theirs.sig'));
    expect(key.verify(message, derToRaw(der))).toBe(true);
  });
});

function derToRaw(der: Uint8Array): Uint8Array {
  // SEQUENCE { INTEGER r, INTEGER s } with short lengths (SM2 signatures are < 128 bytes).
  const out = new Uint8Array(64);
  let at = 2;
  for (const half of [0, 32]) {
    const len = der[at + 1]!;
    let int = der.subarray(at + 2, at + 2 + len);
    while (int.length > 32 && int[0] === 0) int = int.subarray(1);
    out.set(int, half + 32 - int.length);
    at += 2 + len;
  }
  return out;
}
