import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { createSigner, signClaim, type C2paSigner } from '../cose/signer.js';
import {
  buildJpeg,
  buildMp3,
  buildMp4,
  buildPng,
  buildWav,
  buildWebp,
  contentOffset,
  flipByte,
} from '../testing/fixtures.js';
import { createDevelopmentChain, type DevelopmentChain } from '../x509/dev-chain.js';
import { jpegEmbedding } from '../embed/jpeg.js';
import { isSuperBox, type JumbfSuperBox } from '../jumbf/boxes.js';
import { readManifest, removeManifest } from './read.js';
import { contentBox, parseStore } from './store.js';
import { embedManifest, GENERATOR, signManifest } from './sign.js';
import { buildClaim, buildStore } from './build.js';
import { cborMap } from '../cbor/value.js';

let chain: DevelopmentChain;
let signer: C2paSigner;
let jpeg: Uint8Array;

beforeAll(async () => {
  chain = createDevelopmentChain();
  signer = createSigner({
    certificateChainPem: chain.leafCertificatePem,
    privateKeyPem: chain.leafPrivateKeyPem,
  });
  jpeg = await buildJpeg();
});

const codes = (
  file: Uint8Array,
  anchors?: string,
): { state?: string; failure: string[]; success: string[] } => {
  const v = readManifest(file, 'jpeg', anchors === undefined ? {} : { trustAnchorsPem: anchors }).validation;
  return {
    state: v?.state,
    failure: v?.failure.map((s) => s.code) ?? [],
    success: v?.success.map((s) => s.code) ?? [],
  };
};

/** Flips a byte of the first occurrence of `text` in `file`. */
function tamperText(file: Uint8Array, text: string): Uint8Array {
  const at = Buffer.from(file).indexOf(Buffer.from(text, 'latin1'));
  if (at < 0) throw new Error(`fixture lacks ${text}`);
  return flipByte(file, at + text.length - 1);
}

describe('signManifest / readManifest', () => {
  it('reports absence without a store', () => {
    expect(readManifest(jpeg, 'jpeg')).toEqual({ present: false, manifests: [] });
  });

  it('writes a manifest that validates and is trusted only under its root', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    const trusted = codes(signed, chain.rootCertificatePem);
    expect(trusted.state).toBe('trusted');
    expect(trusted.failure).toEqual([]);
    for (const code of [
      'claimSignature.validated',
      'claimSignature.insideValidity',
      'signingCredential.trusted',
      'assertion.hashedURI.match',
      'assertion.dataHash.match',
    ]) {
      expect(trusted.success).toContain(code);
    }
    expect(codes(signed).state).toBe('valid');
    expect(codes(signed).failure).toEqual(['signingCredential.untrusted']);
    const result = readManifest(signed, 'jpeg');
    expect(result.manifests).toHaveLength(1);
    expect(result.manifests[0]).toMatchObject({
      claimVersion: 2,
      claimGenerator: 'synthguard',
      assertions: ['c2pa.hash.data', 'c2pa.actions.v2'],
    });
    expect(result.manifests[0]?.signer?.alg).toBe('Ed25519');
    expect(result.manifests[0]?.signer?.subject).toContain('synthguard development claim signer');
    expect(result.activeManifest).toBe(result.manifests[0]?.label);
  });

  it('refuses to sign over an existing store; remove then sign works and restores', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    expect(() => signManifest(signed, 'jpeg', { signer })).toThrow(
      expect.objectContaining({ code: 'c2pa.duplicate_store' }),
    );
    const again = signManifest(removeManifest(signed, 'jpeg'), 'jpeg', { signer });
    expect(removeManifest(again, 'jpeg')).toEqual(jpeg);
  });

  it('content change -> assertion.dataHash.mismatch', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    expect(codes(flipByte(signed, contentOffset(signed, 'jpeg')), chain.rootCertificatePem)).toMatchObject({
      state: 'invalid',
      failure: ['assertion.dataHash.mismatch'],
    });
  });

  it('claim change -> claimSignature.mismatch', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    expect(codes(tamperText(signed, 'xmp:iid:'), chain.rootCertificatePem).failure).toEqual([
      'claimSignature.mismatch',
    ]);
  });

  it('assertion change -> assertion.hashedURI.mismatch', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer, produceId: 'PRODUCE-1' });
    expect(codes(tamperText(signed, 'PRODUCE-1'), chain.rootCertificatePem).failure).toEqual([
      'assertion.hashedURI.mismatch',
    ]);
  });

  it('an actions assertion must start with c2pa.created or c2pa.opened', () => {
    const edited = cborMap({ actions: [cborMap({ action: 'c2pa.edited' })] });
    const signed = embedManifest(jpeg, 'jpeg', signer, [{ label: 'c2pa.actions.v2', data: edited }]);
    expect(codes(signed, chain.rootCertificatePem).failure).toEqual(['assertion.action.malformed']);
  });

  it('a manifest without a hard binding is invalid (claim.hardBindings.missing)', () => {
    const label = 'urn:c2pa:00000000-0000-4000-8000-000000000000';
    const created = cborMap({ actions: [cborMap({ action: 'c2pa.created' })] });
    const { claimBytes, assertionBoxes } = buildClaim(
      { manifestLabel: label, instanceId: 'xmp:iid:test', generator: GENERATOR, alg: 'sha256' },
      [{ label: 'c2pa.actions.v2', data: created }],
    );
    const store = buildStore(label, assertionBoxes, claimBytes, signClaim(signer, claimBytes));
    const { file } = jpegEmbedding.insert(jpeg, store);
    expect(codes(file, chain.rootCertificatePem).failure).toEqual(['claim.hardBindings.missing']);
  });

  it('an unparseable store is present and invalid (claim.malformed)', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    const broken = tamperText(signed, 'jumd');
    expect(readManifest(broken, 'jpeg')).toMatchObject({
      present: true,
      manifests: [],
      validation: { state: 'invalid' },
    });
  });

  it('rejects formats without an embedding', () => {
    expect(() => readManifest(jpeg, 'gif')).toThrow(
      expect.objectContaining({ code: 'c2pa.unsupported_format' }),
    );
    expect(() => signManifest(jpeg, 'toString', { signer })).toThrow(
      expect.objectContaining({ code: 'c2pa.unsupported_format' }),
    );
  });

  it('PNG round trip', async () => {
    const png = await buildPng();
    const signed = signManifest(png, 'png', { signer });
    expect(readManifest(signed, 'png', { trustAnchorsPem: chain.rootCertificatePem }).validation?.state).toBe(
      'trusted',
    );
    expect(removeManifest(signed, 'png')).toEqual(png);
  });

  it('every single-byte change to the claim or the assertions breaks validation', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer, produceId: 'P', label: 'L' });
    const found = jpegEmbedding.find(signed)!;
    // One APP11 segment: store offset k is file offset start + 4 (marker, length) + 8 (CI, En, Z) + k.
    const base = found.range.start + 12;
    const [manifest] = parseStore(found.store);
    const claimBox = manifest!.box.contents.find(
      (c) => isSuperBox(c) && c.description.label === 'c2pa.claim.v2',
    );
    // The signed claim bytes, and each assertion superbox's payload (what its hashed URI covers).
    const regions = [
      contentBox(claimBox as JumbfSuperBox, 'cbor')!,
      ...manifest!.assertionStore!.contents.filter(isSuperBox),
    ];
    expect(regions).toHaveLength(4);
    for (const region of regions) {
      const payloadStart = region.end - region.payload.length;
      for (let k = payloadStart; k < region.end; k++) {
        const state = readManifest(flipByte(signed, base + k), 'jpeg', {
          trustAnchorsPem: chain.rootCertificatePem,
        }).validation?.state;
        expect(state, `flip at store offset ${k}`).toBe('invalid');
      }
    }
  });

  it('hostile store bytes: only typed errors escape', () => {
    const signed = signManifest(jpeg, 'jpeg', { signer });
    const found = jpegEmbedding.find(signed)!;
    const first = found.range.start + 12;
    const last = found.range.start + found.range.length - 1;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: first, max: last }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const bytes = signed.slice();
          for (const [at, v] of edits) bytes[at] = v;
          try {
            readManifest(bytes, 'jpeg', { trustAnchorsPem: chain.rootCertificatePem });
          } catch (err) {
            expect(isAppError(err, 'c2pa.corrupt', 'c2pa.too_large', 'c2pa.duplicate_store')).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe.each([
  { format: 'jpeg', build: buildJpeg },
  { format: 'png', build: buildPng },
  { format: 'webp', build: () => buildWebp(true) },
  { format: 'wav', build: () => Promise.resolve(buildWav()) },
  { format: 'mp3', build: () => Promise.resolve(buildMp3(true)) },
  { format: 'mp4', build: () => Promise.resolve(buildMp4()) },
] as const)('$format: hostile signed files', ({ format, build }) => {
  it('round-trips, and any byte edits or truncation yield a result or a typed error', async () => {
    const original = await build();
    const signed = signManifest(original, format, { signer });
    expect(
      readManifest(signed, format, { trustAnchorsPem: chain.rootCertificatePem }).validation?.state,
    ).toBe('trusted');
    expect(removeManifest(signed, format)).toEqual(original);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(signed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(signed.length),
        (edits, cut) => {
          const bytes = signed.slice(0, Math.max(cut, signed.length - 64));
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            readManifest(bytes, format, { trustAnchorsPem: chain.rootCertificatePem });
            removeManifest(bytes, format);
          } catch (err) {
            expect(
              isAppError(
                err,
                'c2pa.corrupt',
                'c2pa.too_large',
                'c2pa.duplicate_store',
                'c2pa.unsupported_format',
              ),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
