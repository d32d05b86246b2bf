import { handlerById } from '@synthguard/formats';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AigcLabel } from './aigc/label.js';
import { readImplicitLabel, writeImplicitLabel } from './implicit-label.js';
import { generateSigningKey, type SignatureAlgorithm } from './integrity/keys.js';
import { decodeSecurityData } from './integrity/security-data.js';
import {
  type SignatureCheck,
  contentWithoutLabel,
  verifyImplicitLabel,
  writePropagatedLabel,
  writeSignedLabel,
} from './signed-label.js';
import { buildLabel } from './testing/labels.js';

const jpeg = handlerById('jpeg')!;
const png = handlerById('png')!;
const wav = handlerById('wav')!;

/** A PCM WAV: RIFF, fmt (16-bit mono 8 kHz), data with a ramp of samples. */
function buildWav(samples = 400): Uint8Array {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE((i * 97) % 30000, i * 2);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

let jpegFile: Uint8Array;
let pngFile: Uint8Array;
const wavFile = buildWav();

beforeAll(async () => {
  const image = sharp({
    create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 90 } },
  });
  jpegFile = new Uint8Array(
    await image
      .clone()
      .jpeg()
      .withExifMerge({ IFD0: { Artist: 'camera' } })
      .toBuffer(),
  );
  pngFile = new Uint8Array(await image.clone().png().toBuffer());
});

function checked(c: SignatureCheck): Extract<SignatureCheck, { status: 'checked' }> {
  if (c.status !== 'checked') throw new Error(`expected a checked signature, got ${c.status}`);
  return c;
}

const label: AigcLabel = buildLabel();

describe.each<SignatureAlgorithm>(['Ed25519', 'SM2-SM3'])('signed labels with %s', (alg) => {
  const key = generateSigningKey(alg);
  const cases = () =>
    [
      ['jpeg', jpeg, jpegFile],
      ['png', png, pngFile],
      ['wav', wav, wavFile],
    ] as const;

  it('verifies: signature valid, content unchanged, bindings complete, key named', () => {
    for (const [name, handler, file] of cases()) {
      const out = writeSignedLabel(handler, file, label, key);
      const v = verifyImplicitLabel(handler, out.file)!;
      expect(v.label.label, name).toEqual(out.label);
      const p = checked(v.producer);
      expect([p.signatureValid, p.contentUnchanged, p.bindingsComplete], name).toEqual([true, true, true]);
      expect(p.keyId).toBe(key.kid);
      expect(p.alg).toBe(alg);
      expect(v.propagator.status).toBe('absent');
      expect(out.label.ReservedCode1.length).toBeLessThan(512);
    }
  });

  it('one changed content byte: content changed, signature still valid (the label was not touched)', () => {
    const out = writeSignedLabel(wav, wavFile, label, key);
    const tampered = out.file.slice();
    tampered[60]! ^= 0x01; // a sample byte (RIFF 12 + fmt 24 + data header 8 = 44)
    const p = checked(verifyImplicitLabel(wav, tampered)!.producer);
    expect(p.signatureValid).toBe(true);
    expect(p.contentUnchanged).toBe(false);
  });

  it('a changed JPEG entropy-coded byte is a content change', () => {
    const out = writeSignedLabel(jpeg, jpegFile, label, key);
    const tampered = out.file.slice();
    tampered[tampered.length - 10]! ^= 0x10;
    expect(checked(verifyImplicitLabel(jpeg, tampered)!.producer).contentUnchanged).toBe(false);
  });

  it('a forged field (ProduceID, Label) with the signature copied over fails the signature', () => {
    const out = writeSignedLabel(png, pngFile, label, key);
    for (const change of [{ ProduceID: '01JD2Y7K3M9Q8R5T6V7W8X9Y1A' }, { Label: '3' as const }]) {
      const forged = writeImplicitLabel(png, out.file, { ...out.label, ...change });
      const p = checked(verifyImplicitLabel(png, forged)!.producer);
      expect(p.signatureValid).toBe(false);
      expect(p.contentUnchanged).toBe(true);
    }
  });

  it('a signature moved to another file of the same kind: content changed', async () => {
    const out = writeSignedLabel(png, pngFile, label, key);
    const other = new Uint8Array(
      await sharp({ create: { width: 48, height: 32, channels: 3, background: '#123456' } })
        .png()
        .toBuffer(),
    );
    const moved = writeImplicitLabel(png, other, out.label);
    const p = checked(verifyImplicitLabel(png, moved)!.producer);
    expect([p.signatureValid, p.contentUnchanged]).toEqual([true, false]);
  });

  it('a platform propagates: both signatures verify, the producer fields are kept', () => {
    const platformKey = generateSigningKey('Ed25519');
    const produced = writeSignedLabel(jpeg, jpegFile, label, key);
    const fields = { ContentPropagator: '001191440300708461136T2PLAT', PropagateID: 'P-0001' };
    const spread = writePropagatedLabel(jpeg, produced.file, fields, platformKey);
    const v = verifyImplicitLabel(jpeg, spread.file)!;
    expect(v.label.label).toMatchObject({ ...fields, ReservedCode1: produced.label.ReservedCode1 });
    const [p, q] = [checked(v.producer), checked(v.propagator)];
    expect([p.signatureValid, p.contentUnchanged, q.signatureValid, q.contentUnchanged]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(q.keyId).toBe(platformKey.kid);
  });
});

describe('SecurityData that is not ours or is broken', () => {
  const key = generateSigningKey();

  it('reports foreign reserved codes without failing the read', () => {
    const file = writeImplicitLabel(
      wav,
      wavFile,
      buildLabel({ ReservedCode1: 'sha256:abcdef', ReservedCode2: '' }),
    );
    const v = verifyImplicitLabel(wav, file)!;
    expect(v.producer).toEqual({ status: 'foreign', problem: 'not JSON' });
  });

  it('a swapped public key (with its key id) no longer verifies', () => {
    const out = writeSignedLabel(wav, wavFile, label, key);
    const other = generateSigningKey();
    const sd = JSON.parse(out.label.ReservedCode1) as { PubSD: Record<string, string> };
    sd.PubSD.Key = Buffer.from(other.spki).toString('base64url');
    sd.PubSD.KeyID = other.kid;
    const forged = writeImplicitLabel(wav, out.file, { ...out.label, ReservedCode1: JSON.stringify(sd) });
    expect(checked(verifyImplicitLabel(wav, forged)!.producer).signatureValid).toBe(false);
  });

  it('a key id that does not match the key is rejected as malformed', () => {
    const out = writeSignedLabel(wav, wavFile, label, key);
    const sd = JSON.parse(out.label.ReservedCode1) as { PubSD: Record<string, string> };
    sd.PubSD.KeyID = 'AAAAAAAAAAAAAAAA';
    expect(() => decodeSecurityData(JSON.stringify(sd))).toThrow(
      expect.objectContaining({ code: 'label.invalid_security_data' }),
    );
  });

  it('the digest covers the file without its label: relabeling leaves it unchanged', () => {
    const a = writeSignedLabel(png, pngFile, label, key).file;
    const b = writeImplicitLabel(png, a, buildLabel({ ProduceID: 'X' }));
    expect(Buffer.from(contentWithoutLabel(png, a)).equals(Buffer.from(contentWithoutLabel(png, b)))).toBe(
      true,
    );
    expect(readImplicitLabel(png, b)?.label.ProduceID).toBe('X');
  });
});
