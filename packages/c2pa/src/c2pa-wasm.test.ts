/**
 * Cross-validation against the reference implementation (c2pa-rs compiled to WASM): a
 * manifest we write validates there, one it writes validates here, and flipping one content
 * byte is reported as a data-hash mismatch by both.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSigner } from './cose/signer.js';
import { readManifest, removeManifest } from './manifest/read.js';
import { signManifest } from './manifest/sign.js';
import { TRAINED_ALGORITHMIC_MEDIA } from './manifest/labels.js';
import {
  buildJfif,
  buildJpeg,
  buildMp3,
  buildMp4,
  buildPng,
  buildWav,
  buildWebp,
  contentOffset,
  flipByte,
} from './testing/fixtures.js';
import { WASM_FORMAT, wasmRead, wasmSign } from './testing/wasm.js';
import { createDevelopmentChain, type DevelopmentChain } from './x509/dev-chain.js';
import type { C2paSigner } from './cose/signer.js';

let chain: DevelopmentChain;
let signer: C2paSigner;

beforeAll(() => {
  chain = createDevelopmentChain();
  signer = createSigner({
    certificateChainPem: chain.leafCertificatePem,
    privateKeyPem: chain.leafPrivateKeyPem,
  });
});

/** What c2pa-rs signs for us: a created action (c2pa-rs refuses a manifest without one). */
const referenceDefinition = {
  claim_generator_info: [{ name: 'reference', version: '1' }],
  assertions: [
    {
      label: 'c2pa.actions.v2',
      data: { actions: [{ action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA }] },
    },
  ],
};

const cases = [
  { format: 'jpeg', build: buildJpeg },
  { format: 'png', build: buildPng },
  { format: 'webp', build: () => buildWebp(false) },
  { format: 'wav', build: () => Promise.resolve(buildWav()) },
  { format: 'mp3', build: () => Promise.resolve(buildMp3(true)) },
  { format: 'mp4', build: () => Promise.resolve(buildMp4()) },
] as const;

describe.each(cases)('$format', ({ format, build }) => {
  const mime = WASM_FORMAT[format];
  // ISO BMFF binds with c2pa.hash.bmff.v3, everything else with c2pa.hash.data.
  const hashCode = format === 'mp4' ? 'assertion.bmffHash' : 'assertion.dataHash';

  it('a manifest we write validates in c2pa-rs and in ours; remove restores the bytes', async () => {
    const original = await build();
    const signed = signManifest(original, format, { signer, produceId: 'P-1', label: '{"AIGC":{}}' });

    const theirs = await wasmRead(mime, signed, chain.rootCertificatePem);
    expect(theirs.validationState).toBe('Trusted');
    expect(theirs.statusCodes).toEqual(
      expect.arrayContaining(['claimSignature.validated', `${hashCode}.match`, 'signingCredential.trusted']),
    );
    expect(theirs.json).toContain(TRAINED_ALGORITHMIC_MEDIA);

    const ours = readManifest(signed, format, { trustAnchorsPem: chain.rootCertificatePem });
    expect(ours.validation?.state).toBe('trusted');
    expect(ours.validation?.failure).toEqual([]);
    const m = ours.manifests[0]!;
    expect(m.actions).toEqual([
      { action: 'c2pa.created', digitalSourceType: TRAINED_ALGORITHMIC_MEDIA, softwareAgent: 'synthguard' },
    ]);
    expect(m.aigc).toEqual({ produceId: 'P-1', label: '{"AIGC":{}}' });

    expect(removeManifest(signed, format)).toEqual(original);
  });

  it('a manifest c2pa-rs writes validates in ours', async () => {
    const original = await build();
    const signed = await wasmSign(mime, original, referenceDefinition, signer, chain.rootCertificatePem);
    const ours = readManifest(signed, format, { trustAnchorsPem: chain.rootCertificatePem });
    expect(ours.validation?.failure).toEqual([]);
    expect(ours.validation?.state).toBe('trusted');
    expect(ours.validation?.success.map((s) => s.code)).toEqual(
      expect.arrayContaining(['claimSignature.validated', 'assertion.hashedURI.match', `${hashCode}.match`]),
    );
    expect(ours.manifests[0]?.actions[0]?.digitalSourceType).toBe(TRAINED_ALGORITHMIC_MEDIA);
    // Without the anchor the signature is still valid, but not trusted.
    expect(readManifest(signed, format).validation?.state).toBe('valid');
  });

  it('one flipped content byte is a data-hash mismatch in both implementations', async () => {
    const original = await build();
    const ourSigned = signManifest(original, format, { signer });
    const theirSigned = await wasmSign(mime, original, referenceDefinition, signer, chain.rootCertificatePem);
    for (const signed of [ourSigned, theirSigned]) {
      const tampered = flipByte(signed, contentOffset(signed, format));
      const ours = readManifest(tampered, format, { trustAnchorsPem: chain.rootCertificatePem });
      expect(ours.validation?.state).toBe('invalid');
      expect(ours.validation?.failure.map((s) => s.code)).toContain(`${hashCode}.mismatch`);
      const theirs = await wasmRead(mime, tampered, chain.rootCertificatePem).catch((e: unknown) =>
        String(e),
      );
      const text = typeof theirs === 'string' ? theirs : theirs.json;
      expect(text).toContain(`${hashCode}.mismatch`);
    }
  });
});

describe('jpeg specifics', () => {
  it('a store split over several APP11 segments, after a JFIF APP0, validates in c2pa-rs', async () => {
    const original = await buildJfif();
    const label = 'x'.repeat(150_000);
    const signed = signManifest(original, 'jpeg', { signer, label });
    const theirs = await wasmRead(WASM_FORMAT.jpeg, signed, chain.rootCertificatePem);
    expect(theirs.validationState).toBe('Trusted');
    expect(
      readManifest(signed, 'jpeg', { trustAnchorsPem: chain.rootCertificatePem }).validation?.state,
    ).toBe('trusted');
    expect(removeManifest(signed, 'jpeg')).toEqual(original);
  });
});

describe('ES256 signer (ECDSA P-256 chain)', () => {
  it('validates both ways', async () => {
    const ecChain = createDevelopmentChain({ keyType: 'ES256' });
    const ecSigner = createSigner({
      certificateChainPem: ecChain.leafCertificatePem,
      privateKeyPem: ecChain.leafPrivateKeyPem,
    });
    expect(ecSigner.alg).toBe('ES256');
    const original = await buildJpeg();
    const ours = signManifest(original, 'jpeg', { signer: ecSigner });
    expect((await wasmRead(WASM_FORMAT.jpeg, ours, ecChain.rootCertificatePem)).validationState).toBe(
      'Trusted',
    );
    const theirs = await wasmSign(
      WASM_FORMAT.jpeg,
      original,
      referenceDefinition,
      ecSigner,
      ecChain.rootCertificatePem,
    );
    const result = readManifest(theirs, 'jpeg', { trustAnchorsPem: ecChain.rootCertificatePem });
    expect(result.validation?.state).toBe('trusted');
    expect(result.manifests[0]?.signer?.alg).toBe('ES256');
  });
});
