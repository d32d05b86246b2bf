import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, sha256Hex, usccCheckCharacter } from '@synthguard/core';
import { createDevelopmentChain, signManifest } from '@synthguard/c2pa';
import { handlerById } from '@synthguard/formats';
import { writeImplicitLabel } from '@synthguard/labels';
import { type Store, openStore } from '@synthguard/store';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LabelingContext,
  createKeyring,
  createTenant,
  detectContent,
  directoryVault,
  identityFromPem,
  loadC2paIdentity,
  inspectContent,
  labelContent,
  localOperator,
  memoryVault,
  propagateContent,
  propagatorCode,
  verifyContent,
} from './index.js';
import { codeOf } from './testing/errors.js';
import { type TestLedger, buildTestLedger } from './testing/ledger.js';

const clock = fixedClock('2026-11-21T08:00:00Z');
let store: Store;
let ctx: LabelingContext;
let ledger: TestLedger;
let png: Uint8Array;
let jpeg: Uint8Array;

beforeAll(async () => {
  store = await openStore({ driver: 'pglite', dataDir: undefined });
  ledger = await buildTestLedger(store, { clock });
  ctx = { store, keyring: createKeyring(store, memoryVault(), { clock }), clock, recorder: ledger.ledger };
  const image = sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366aa' } });
  png = new Uint8Array(await image.clone().png().toBuffer());
  jpeg = new Uint8Array(await image.clone().jpeg().toBuffer());
});
afterAll(async () => {
  await ledger.close();
  await store.close();
});

let usccSeq = 0;
/** A fresh valid USCC (GB 32100 check character) per call. */
function nextUscc(): string {
  const first17 = `91440300MA${String(100000 + usccSeq++).padStart(7, '0')}`;
  return first17 + usccCheckCharacter(first17)!;
}
async function tenant(name = 'provider') {
  return createTenant(store, { name, uscc: nextUscc() });
}

describe('labelContent signs and records', () => {
  it('writes a signed label, records it with hashes, time and key, and verifies as valid', async () => {
    const t = await tenant();
    const out = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    expect(out.record).toMatchObject({
      tenantId: t.id,
      format: 'png',
      inputSha256: sha256Hex(png),
      outputSha256: sha256Hex(out.file),
      createdBy: 'cli',
      action: 'produce',
      previousLabel: null,
    });
    expect(out.record.createdAt.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    const key = await ctx.keyring.activeKey(t.id);
    expect(out.record.signingKeyId).toBe(key.kid);
    expect(inspectContent(out.file).label?.fields.ProduceID).toBe(out.record.produceId);

    const v = await verifyContent(out.file, ctx.keyring);
    expect(v.status).toBe('valid');
    expect(v.producer).toMatchObject({
      status: 'checked',
      keyId: key.kid,
      keyKnown: true,
      keyStatus: 'active',
      keyProvider: t.providerCode,
      keyMatchesLabel: true,
    });
  });

  it('refuses an already labeled file unless relabel is asked for, and records the replaced label', async () => {
    const t = await tenant();
    const first = await labelContent(ctx, localOperator, { file: jpeg, tenantId: t.id });
    expect(await codeOf(labelContent(ctx, localOperator, { file: first.file, tenantId: t.id }))).toBe(
      'content.already_labeled',
    );
    const second = await labelContent(ctx, localOperator, {
      file: first.file,
      tenantId: t.id,
      relabel: true,
    });
    expect(second.previousLabel?.ProduceID).toBe(first.record.produceId);
    expect(second.record.previousLabel?.ProduceID).toBe(first.record.produceId);
    expect((await verifyContent(second.file, ctx.keyring)).status).toBe('valid');
  });

  it('never overwrites a forged label, even with relabel', async () => {
    const t = await tenant();
    const signed = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    const label = inspectContent(signed.file).label!.fields;
    const forged = writeImplicitLabel(handlerById('png')!, signed.file, { ...label, Label: '3' });
    expect((await verifyContent(forged, ctx.keyring)).status).toBe('forged');
    expect(
      await codeOf(labelContent(ctx, localOperator, { file: forged, tenantId: t.id, relabel: true })),
    ).toBe('content.label_forged');
  });
});

describe('verifyContent', () => {
  it('reports content_changed, unsigned, unlabeled and key_unknown', async () => {
    const t = await tenant();
    const out = await labelContent(ctx, localOperator, { file: jpeg, tenantId: t.id });
    const changed = out.file.slice();
    changed[changed.length - 20]! ^= 0x04; // entropy-coded image data
    expect((await verifyContent(changed, ctx.keyring)).status).toBe('content_changed');

    const label = inspectContent(out.file).label!.fields;
    const unsigned = writeImplicitLabel(handlerById('jpeg')!, jpeg, { ...label, ReservedCode1: '' });
    expect((await verifyContent(unsigned, ctx.keyring)).status).toBe('unsigned');
    expect((await verifyContent(jpeg, ctx.keyring)).status).toBe('unlabeled');

    const nobody = { lookup: () => Promise.resolve(undefined) };
    expect((await verifyContent(out.file, nobody)).status).toBe('key_unknown');
  });

  it('a retired key still verifies what it signed; new labels use the rotated key', async () => {
    const t = await tenant();
    const before = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    const rotated = await ctx.keyring.rotate(t.id, 'SM2-SM3');
    const after = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    expect(after.record.signingKeyId).toBe(rotated.kid);
    const old = await verifyContent(before.file, ctx.keyring);
    expect(old.status).toBe('valid');
    expect(old.producer).toMatchObject({ keyStatus: 'retired' });
    const fresh = await verifyContent(after.file, ctx.keyring);
    expect(fresh.producer).toMatchObject({ status: 'checked', alg: 'SM2-SM3', keyStatus: 'active' });
    expect(fresh.status).toBe('valid');
  });
});

describe('detectContent (Measures Art. 6)', () => {
  it('"1" for a valid label, "2" for a declaration only, "3" for a forged label, none for a clean file', async () => {
    const t = await tenant();
    const out = await labelContent(ctx, localOperator, { file: png, tenantId: t.id });
    const one = await detectContent(out.file, { keys: ctx.keyring });
    expect(one.verdict).toBe('1');
    expect(one.wording?.zh).toBe('该内容为人工智能生成合成内容');

    const two = await detectContent(png, { keys: ctx.keyring, declared: true });
    expect([two.verdict, two.evidence.map((e) => e.kind)]).toEqual(['2', ['declaration']]);

    const label = inspectContent(out.file).label!.fields;
    const forged = writeImplicitLabel(handlerById('png')!, out.file, {
      ...label,
      ContentProducer: '001191110108MA01G0FB091XGW3',
    });
    const three = await detectContent(forged, { keys: ctx.keyring });
    expect(three.verdict).toBe('3');
    expect(three.wording?.basis).toContain('Art. 6(3)');

    const none = await detectContent(png, { keys: ctx.keyring });
    expect([none.verdict, none.evidence]).toEqual([null, []]);
  });
});

describe('verification and detection of broken labels', () => {
  it('a forged platform signature (ReservedCode2) makes the file forged, and detection untrusted', async () => {
    const t = await tenant();
    const platform = await tenant('platform');
    const produced = await labelContent(ctx, localOperator, { file: jpeg, tenantId: t.id });
    const spread = await propagateContent(ctx, localOperator, { file: produced.file, tenantId: platform.id });
    const label = inspectContent(spread.file).label!.fields;
    const forged = writeImplicitLabel(handlerById('jpeg')!, spread.file, {
      ...label,
      PropagateID: 'P-forged',
    });
    expect((await verifyContent(forged, ctx.keyring)).status).toBe('forged');
    expect((await detectContent(forged, { keys: ctx.keyring })).verdict).toBe('3');
  });

  it('two labels in one file: verdict "3" with the reason, not an error', async () => {
    const file = buildTwoLabelWav();
    const d = await detectContent(file, { keys: ctx.keyring });
    expect(d.verdict).toBe('3');
    expect(d.evidence).toEqual([
      expect.objectContaining({ kind: 'unreadable_label', code: 'format.duplicate_metadata' }),
    ]);
  });
});

/** A PCM WAV with two `AIGC` chunks, the way a forger would hide a second label. */
function buildTwoLabelWav(): Uint8Array {
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const label = Buffer.from('{"Label":"1","ContentProducer":"x","ProduceID":"y"}');
  const body = Buffer.concat([
    Buffer.from('WAVE'),
    chunk('fmt ', fmt),
    chunk('data', Buffer.alloc(200)),
    chunk('AIGC', label),
    chunk('AIGC', label),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

describe('propagateContent (platform mode)', () => {
  it('adds the platform fields signed in ReservedCode2; both signatures verify', async () => {
    const producer = await tenant('producer');
    const platform = await tenant('platform');
    const produced = await labelContent(ctx, localOperator, { file: jpeg, tenantId: producer.id });
    const spread = await propagateContent(ctx, localOperator, { file: produced.file, tenantId: platform.id });
    const fields = inspectContent(spread.file).label!.fields;
    expect(fields).toMatchObject({
      ProduceID: produced.record.produceId,
      ReservedCode1: produced.record.label.ReservedCode1,
      ContentPropagator: propagatorCode(platform.providerCode),
      PropagateID: spread.record.produceId,
    });
    expect(spread.record).toMatchObject({ action: 'propagate', tenantId: platform.id });
    const v = await verifyContent(spread.file, ctx.keyring);
    expect(v.status).toBe('valid');
    expect(v.propagator).toMatchObject({
      status: 'checked',
      signatureValid: true,
      contentUnchanged: true,
      keyMatchesLabel: true,
    });
  });

  it('refuses a file without a label', async () => {
    const platform = await tenant('platform');
    expect(await codeOf(propagateContent(ctx, localOperator, { file: png, tenantId: platform.id }))).toBe(
      'content.not_labeled',
    );
  });
});

describe('keyring on disk', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('creates the key on first use as a 0600 PKCS #8 file in a 0700 directory, and reloads it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sg-keys-')), 'signing-keys');
    dirs.push(dir);
    const t = await tenant();
    const fresh = await openStore({ driver: 'pglite', dataDir: undefined });
    try {
      const own = await fresh.tenants.create({ name: t.name, uscc: t.uscc, providerCode: t.providerCode });
      const keyring = createKeyring(fresh, directoryVault(dir), { clock });
      const key = await keyring.activeKey(own.id);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir)).toEqual([`${key.kid}.pem`]);
      expect(statSync(join(dir, `${key.kid}.pem`)).mode & 0o777).toBe(0o600);
      const again = await createKeyring(fresh, directoryVault(dir), { clock }).activeKey(own.id);
      expect(again.kid).toBe(key.kid);
      expect((await keyring.published()).map((k) => [k.kid, k.providerCode])).toEqual([
        [key.kid, own.providerCode],
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('two first uses at once agree on one key', async () => {
    const t = await tenant();
    const fresh = createKeyring(store, memoryVault(), { clock });
    const [a, b] = await Promise.all([fresh.activeKey(t.id), fresh.activeKey(t.id)]);
    expect(a.kid).toBe(b.kid);
  });
});

describe('C2PA beside the label', () => {
  const chain = createDevelopmentChain();
  const identity = identityFromPem(
    chain.leafCertificatePem,
    chain.leafPrivateKeyPem,
    chain.rootCertificatePem,
    true,
  );

  it('writes a manifest after the signed label: both verify; one changed byte breaks both', async () => {
    const t = await tenant();
    const c2paCtx = { ...ctx, c2pa: identity };
    const out = await labelContent(c2paCtx, localOperator, { file: jpeg, tenantId: t.id });
    expect(out.c2pa).toBe(true);
    const v = await verifyContent(out.file, ctx.keyring, { c2paTrustAnchorsPem: identity.trustAnchorsPem });
    expect(v.status).toBe('valid');
    expect(v.c2pa).toMatchObject({
      present: true,
      state: 'trusted',
      failures: [],
      produceId: out.record.produceId,
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
    });
    const changed = out.file.slice();
    changed[changed.length - 20]! ^= 0x04;
    const bad = await verifyContent(changed, ctx.keyring, { c2paTrustAnchorsPem: identity.trustAnchorsPem });
    expect(bad.status).toBe('content_changed');
    expect(bad.c2pa).toMatchObject({ state: 'invalid', failures: ['assertion.dataHash.mismatch'] });
  });

  it('relabel and propagation replace our own manifest, so it keeps matching the file', async () => {
    const t = await tenant();
    const platform = await tenant('platform');
    const c2paCtx = { ...ctx, c2pa: identity };
    const anchors = { c2paTrustAnchorsPem: identity.trustAnchorsPem };
    const first = await labelContent(c2paCtx, localOperator, { file: png, tenantId: t.id });
    const again = await labelContent(c2paCtx, localOperator, {
      file: first.file,
      tenantId: t.id,
      relabel: true,
    });
    const v = await verifyContent(again.file, ctx.keyring, anchors);
    expect([v.status, v.c2pa?.state, v.c2pa?.produceId]).toEqual([
      'valid',
      'trusted',
      again.record.produceId,
    ]);
    const spread = await propagateContent(c2paCtx, localOperator, {
      file: again.file,
      tenantId: platform.id,
    });
    const w = await verifyContent(spread.file, ctx.keyring, anchors);
    expect([w.status, w.c2pa?.state, w.c2pa?.produceId]).toEqual([
      'valid',
      'trusted',
      again.record.produceId,
    ]);
  });

  it('formats without a C2PA embedding get the label only', async () => {
    const t = await tenant();
    const gif = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .gif()
        .toBuffer(),
    );
    const out = await labelContent({ ...ctx, c2pa: identity }, localOperator, { file: gif, tenantId: t.id });
    expect(out.c2pa).toBe(false);
    expect((await verifyContent(out.file, ctx.keyring)).c2pa).toBeUndefined();
  });

  it('a C2PA manifest saying trainedAlgorithmicMedia, without a GB 45438 label, is verdict "3"', async () => {
    const only = signManifest(png, 'png', { signer: identity.signer });
    const d = await detectContent(only, { keys: ctx.keyring, c2paTrustAnchorsPem: identity.trustAnchorsPem });
    expect(d.verdict).toBe('3');
    expect(d.evidence).toEqual([expect.objectContaining({ kind: 'c2pa' })]);
  });
});

describe('formats without magic bytes', () => {
  it('labels a Markdown file found by its name, and verifies it', async () => {
    const t = await tenant();
    const md = new TextEncoder().encode('# 生成的文章\n\n正文。\n');
    expect(await codeOf(labelContent(ctx, localOperator, { file: md, tenantId: t.id }))).toBe(
      'format.unsupported',
    );
    const out = await labelContent(ctx, localOperator, { file: md, tenantId: t.id, fileName: 'article.md' });
    expect(new TextDecoder().decode(out.file)).toMatch(/^---\nAIGC: '\{"Label":"1"/);
    // Once it has front matter, the bytes alone identify it.
    expect((await verifyContent(out.file, ctx.keyring)).status).toBe('valid');
  });
});

describe('C2PA configuration', () => {
  it('a configured chain file that cannot be read is runtime.c2pa_unusable, naming the file', async () => {
    const missing = join(tmpdir(), 'sg-no-such-chain.pem');
    const err = await loadC2paIdentity(tmpdir(), {
      certificateChainFile: missing,
      privateKeyFile: missing,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'runtime.c2pa_unusable', details: { path: missing } });
  });
});
