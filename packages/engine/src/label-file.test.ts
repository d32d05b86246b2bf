import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevelopmentChain } from '@synthguard/c2pa';
import { fixedClock, sha256Hex, usccCheckCharacter } from '@synthguard/core';
import { bytesSource, handlerById } from '@synthguard/formats';
import { readImplicitLabel, writeImplicitLabel } from '@synthguard/labels';
import { type Store, openStore } from '@synthguard/store';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBmffC2paStore } from './c2pa-store-source.js';
import { fileSource } from './file-source.js';
import {
  type LabelingContext,
  createKeyring,
  createTenant,
  identityFromPem,
  labelContent,
  labelFile,
  localOperator,
  memoryVault,
  verifyContent,
} from './index.js';
import { codeOf } from './testing/errors.js';
import { type TestLedger, buildTestLedger } from './testing/ledger.js';

const clock = fixedClock('2026-11-22T08:00:00Z');
const mp4 = handlerById('mp4')!;
let store: Store;
let ctx: LabelingContext;
let ledger: TestLedger;
let dir: string;
let tenantId: string;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function box(type: string, ...payload: Uint8Array[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/**
 * The smallest faststart MP4 the carrier labels: ftyp, moov (one track, stbl with only stco)
 * and mdat; labeling grows the moov, so every chunk moves and the offsets are patched.
 */
function buildMp4(chunks: readonly number[] = [500, 300, 200]): Uint8Array {
  const media = chunks.map((n, c) => Buffer.alloc(n, c + 1));
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(512), Buffer.from('isommp41', 'latin1'));
  const moovAt = (base: number): Buffer => {
    const offsets: number[] = [];
    let at = base;
    for (const m of media) {
      offsets.push(at);
      at += m.length;
    }
    const stco = box('stco', u32(0), u32(offsets.length), ...offsets.map(u32));
    return box('moov', box('trak', box('mdia', box('minf', box('stbl', stco)))));
  };
  const moovSize = moovAt(0).length;
  return new Uint8Array(Buffer.concat([ftyp, moovAt(ftyp.length + moovSize + 8), box('mdat', ...media)]));
}

function put(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function tempFiles(): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.tmp'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-label-file-'));
  store = await openStore({ driver: 'pglite', dataDir: undefined });
  ledger = await buildTestLedger(store, { clock });
  ctx = { store, keyring: createKeyring(store, memoryVault(), { clock }), clock, recorder: ledger.ledger };
  const first17 = '91440300MA5G00FL7';
  const t = await createTenant(store, { name: 'files', uscc: first17 + usccCheckCharacter(first17)! });
  tenantId = t.id;
});
afterAll(async () => {
  await ledger.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('labelFile', () => {
  it('streams an MP4: the output verifies as valid and the record has the streamed digests', async () => {
    const input = buildMp4();
    const inPath = put('in.mp4', input);
    const outPath = join(dir, 'out.mp4');
    const out = await labelFile(ctx, localOperator, { inputPath: inPath, outputPath: outPath, tenantId });
    expect(out).toMatchObject({ streamed: true, c2pa: false, previousLabel: undefined });
    const bytes = new Uint8Array(readFileSync(outPath));
    expect(out.record).toMatchObject({
      tenantId,
      format: 'mp4',
      mediaType: 'video/mp4',
      inputSha256: sha256Hex(input),
      inputBytes: input.length,
      outputSha256: sha256Hex(bytes),
      outputBytes: bytes.length,
      action: 'produce',
      previousLabel: null,
      signingKeyId: (await ctx.keyring.activeKey(tenantId)).kid,
    });
    expect(readImplicitLabel(mp4, bytes)?.label).toEqual(out.record.label);
    const v = await verifyContent(bytes, ctx.keyring);
    expect(v.status).toBe('valid');
    expect(v.label?.fields.ProduceID).toBe(out.record.produceId);
    // The output walks (chunk offsets inside the file) and ends with the input's media data.
    expect(() => {
      mp4.validate(bytes);
    }).not.toThrow();
    expect(Buffer.from(bytes.subarray(bytes.length - 1000)).equals(input.subarray(input.length - 1000))).toBe(
      true,
    );
    expect(readFileSync(inPath).equals(input)).toBe(true);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses a labeled MP4 unless relabel (recording the previous label), and a forged one always', async () => {
    const first = join(dir, 'first.mp4');
    await labelFile(ctx, localOperator, { inputPath: put('a.mp4', buildMp4()), outputPath: first, tenantId });
    const again = join(dir, 'again.mp4');
    expect(
      await codeOf(labelFile(ctx, localOperator, { inputPath: first, outputPath: again, tenantId })),
    ).toBe('content.already_labeled');
    expect(readdirSync(dir)).not.toContain('again.mp4');
    const prior = readImplicitLabel(mp4, readFileSync(first))!.label;
    const re = await labelFile(ctx, localOperator, {
      inputPath: first,
      outputPath: again,
      tenantId,
      relabel: true,
    });
    expect(re.streamed).toBe(true);
    expect(re.previousLabel).toEqual(prior);
    expect(re.record.previousLabel).toEqual(prior);
    expect((await verifyContent(readFileSync(again), ctx.keyring)).status).toBe('valid');

    // The signed fields changed, the signature copied over: forged, never relabeled.
    const forged = writeImplicitLabel(mp4, readFileSync(first), {
      ...prior,
      ProduceID: '01JD2Y7K3M9Q8R5T6V7W8X9Y1A',
    });
    const code = await codeOf(
      labelFile(ctx, localOperator, {
        inputPath: put('forged.mp4', forged),
        outputPath: join(dir, 'never.mp4'),
        tenantId,
        relabel: true,
      }),
    );
    expect(code).toBe('content.label_forged');
    expect(readdirSync(dir)).not.toContain('never.mp4');
    expect(tempFiles()).toEqual([]);
  });

  it('formats without a streaming carrier go through labelContent (PNG)', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } })
        .png()
        .toBuffer(),
    );
    const outPath = join(dir, 'out.png');
    const out = await labelFile(ctx, localOperator, {
      inputPath: put('in.png', png),
      outputPath: outPath,
      tenantId,
    });
    expect(out).toMatchObject({ streamed: false, c2pa: false });
    const bytes = readFileSync(outPath);
    expect(out.record.outputSha256).toBe(sha256Hex(bytes));
    expect((await verifyContent(bytes, ctx.keyring)).status).toBe('valid');
  });

  it('with C2PA on, a small MP4 goes in memory and gets a manifest; relabeling it keeps the label valid', async () => {
    const chain = createDevelopmentChain();
    const identity = identityFromPem(
      chain.leafCertificatePem,
      chain.leafPrivateKeyPem,
      chain.rootCertificatePem,
      true,
    );
    const c2paCtx = { ...ctx, c2pa: identity };
    const outPath = join(dir, 'c2pa.mp4');
    const out = await labelFile(c2paCtx, localOperator, {
      inputPath: put('c.mp4', buildMp4()),
      outputPath: outPath,
      tenantId,
    });
    expect(out).toMatchObject({ streamed: false, c2pa: true });
    const bytes = new Uint8Array(readFileSync(outPath));
    expect(hasBmffC2paStore(bytesSource(bytes))).toBe(true);
    expect((await verifyContent(bytes, ctx.keyring)).status).toBe('valid');

    // Without C2PA on, a file holding a store still goes in memory: its digest excludes the store.
    const re = await labelFile(ctx, localOperator, {
      inputPath: outPath,
      outputPath: join(dir, 'c2pa-re.mp4'),
      tenantId,
      relabel: true,
    });
    expect(re.streamed).toBe(false);
    expect((await verifyContent(readFileSync(join(dir, 'c2pa-re.mp4')), ctx.keyring)).status).toBe('valid');
  });

  it('file errors have stable codes, and nothing is recorded or left behind', async () => {
    expect(
      await codeOf(
        labelFile(ctx, localOperator, {
          inputPath: join(dir, 'missing.mp4'),
          outputPath: join(dir, 'x.mp4'),
          tenantId,
        }),
      ),
    ).toBe('file.unreadable');
    const inPath = put('ok.mp4', buildMp4());
    const before = (await store.contentRecords.list(tenantId)).length;
    expect(
      await codeOf(
        labelFile(ctx, localOperator, {
          inputPath: inPath,
          outputPath: join(dir, 'no', 'such', 'dir.mp4'),
          tenantId,
        }),
      ),
    ).toBe('file.unwritable');
    expect((await store.contentRecords.list(tenantId)).length).toBe(before);
    expect(
      await codeOf(
        labelFile(ctx, localOperator, {
          inputPath: put('cut.mp4', buildMp4().subarray(0, 60)),
          outputPath: join(dir, 'y.mp4'),
          tenantId,
        }),
      ),
    ).toBe('format.truncated');
    expect(tempFiles()).toEqual([]);
  });

  it('labelContent and labelFile agree on the label and record shape for the same MP4', async () => {
    const input = buildMp4([64, 64]);
    const mem = await labelContent(ctx, localOperator, { file: input, tenantId });
    const file = await labelFile(ctx, localOperator, {
      inputPath: put('same.mp4', input),
      outputPath: join(dir, 'same-out.mp4'),
      tenantId,
    });
    const bytes = readFileSync(join(dir, 'same-out.mp4'));
    // Same size and the same bytes outside the label value (ProduceID and signature differ).
    expect(bytes.length).toBe(mem.file.length);
    expect(Object.keys(file.record).sort()).toEqual(Object.keys(mem.record).sort());
    expect(file.record.inputSha256).toBe(mem.record.inputSha256);
  });
});

describe('fileSource', () => {
  it('reads ranges of a file, refuses reads past its end, and reports a file that shrank', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const path = put('src.bin', bytes);
    const fd = openSync(path, 'r');
    try {
      const src = fileSource(fd);
      expect(src.size).toBe(1000);
      expect(src.read(990, 10)).toEqual(bytes.subarray(990));
      expect(src.read(0, 0)).toEqual(new Uint8Array(0));
      expect(() => src.read(995, 6)).toThrow(RangeError);
      expect(() => src.read(-1, 1)).toThrow(RangeError);
      truncateSync(path, 500);
      expect(() => src.read(400, 200)).toThrow(expect.objectContaining({ code: 'file.changed' }));
    } finally {
      closeSync(fd);
    }
  });
});
