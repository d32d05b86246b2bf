import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../checkpoint.js';
import { LedgerError } from '../errors.js';
import { emptyTreeHash, storedTreeHash } from '../merkle.js';
import { generateNoteKey, parseSignerKey } from '../note-keys.js';
import { openNote } from '../note.js';
import { consistencyProof } from '../proofs.js';
import { buildLeafData } from '../testing/merkle-reference.js';
import { cosignatureTimestamp } from './cosignature.js';
import { formatAddCheckpoint, parseAddCheckpoint } from './protocol.js';
import {
  WITNESS_STATE_FILE,
  type WitnessStateStore,
  decodeWitnessState,
  fileWitnessStateStore,
  memoryWitnessStateStore,
} from './state.js';
import {
  ORIGIN,
  buildSignedLog,
  buildTempDir,
  buildWitness,
  codeOf,
  removeTempDirs,
  witnessSigner,
} from './testing.js';

afterAll(removeTempDirs);

describe('add-checkpoint request format', () => {
  it('round-trips old size, proof and checkpoint', async () => {
    const log = await buildSignedLog(9);
    const proof = await log.proof(4, 9);
    const cp = await log.checkpoint();
    const req = parseAddCheckpoint(formatAddCheckpoint(4, proof, cp));
    expect(req.oldSize).toBe(4);
    expect(req.proof).toEqual(proof);
    expect(Buffer.from(req.checkpoint).toString()).toBe(cp);
    expect(req.origin).toBe(ORIGIN);
  });

  it('rejects malformed bodies with ledger.malformed_request', () => {
    const cp = 'example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— x AAAA\n';
    const bad = [
      `old 1\n${cp}`, // no blank line after the header
      `old 01\n\n${cp}`,
      `old -1\n\n${cp}`,
      `Old 1\n\n${cp}`,
      `old 1 \n\n${cp}`,
      `old 99999999999999999\n\n${cp}`,
      `old 1\nnot base64\n\n${cp}`,
      `old 1\nAAAA\n\n${cp}`,
      `old 1\r\n\n${cp}`,
      `old 1\n${'47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'.repeat(64)}\n${cp}`,
      'old 1\n\n\nrest',
      `old 1\n\n${'x'.repeat(70_000)}\n`,
    ];
    for (const body of bad) {
      expect(() => parseAddCheckpoint(body), JSON.stringify(body.slice(0, 40))).toThrow(
        expect.objectContaining({ code: 'ledger.malformed_request' }) as Error,
      );
    }
    expect(
      parseAddCheckpoint(`old 1\n${'47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'.repeat(63)}\n${cp}`)
        .proof,
    ).toHaveLength(63);
  });
});

describe('witness', () => {
  it('cosigns the first checkpoint (old 0), then one with a valid consistency proof', async () => {
    const log = await buildSignedLog(5);
    const store = memoryWitnessStateStore();
    const w = await buildWitness(log, store);
    const line = await w.addCheckpoint(await log.request(0));
    expect(line).toMatch(/^— witness\.example\/w1 \S+\n$/);
    const cp = await log.checkpoint();
    const opened = openNote(cp + line, [log.signer.verifier, witnessSigner.verifier]);
    expect(opened.signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness.example/w1']);
    expect(cosignatureTimestamp(opened.signatures[1]!)).toBe(1_700_000_000);
    expect(w.latest(ORIGIN)?.size).toBe(5);

    await log.grow(13);
    const line2 = await w.addCheckpoint(await log.request(5));
    openNote((await log.checkpoint()) + line2, [witnessSigner.verifier]);
    expect(store.saved().get(ORIGIN)?.size).toBe(13);
    // The stored note carries the log's signature and ours (served to monitors).
    const stored = openNote(store.saved().get(ORIGIN)!.checkpoint, [
      log.signer.verifier,
      witnessSigner.verifier,
    ]);
    expect(stored.signatures).toHaveLength(2);
  });

  it('re-cosigns the same checkpoint (old == size, same root)', async () => {
    const log = await buildSignedLog(6);
    const w = await buildWitness(log);
    await w.addCheckpoint(await log.request(0));
    const again = await w.addCheckpoint(await log.request(6));
    expect(again).toMatch(/^— witness\.example\/w1 /);
  });

  it('answers 409 (ledger.witness_conflict) with its size when the old size is not its own', async () => {
    const log = await buildSignedLog(8);
    const w = await buildWitness(log);
    await w.addCheckpoint(await log.request(0, 3));
    expect(await codeOf(w.addCheckpoint(await log.request(0, 8)))).toEqual({
      code: 'ledger.witness_conflict',
      details: { size: 3 },
    });
    expect(await codeOf(w.addCheckpoint(await log.request(5, 8)))).toMatchObject({ details: { size: 3 } });
    // Never cosigned anything: its size is 0.
    const fresh = await buildWitness(log);
    expect(await codeOf(fresh.addCheckpoint(await log.request(3, 8)))).toMatchObject({
      code: 'ledger.witness_conflict',
      details: { size: 0 },
    });
  });

  it('refuses rollbacks and forks (422) and keeps its state', async () => {
    const log = await buildSignedLog(10);
    const store = memoryWitnessStateStore();
    const w = await buildWitness(log, store);
    await w.addCheckpoint(await log.request(0, 4));
    await w.addCheckpoint(await log.request(4, 10));

    // A rollback: old size 10 with a smaller checkpoint is a malformed request (old > size).
    const smaller = formatAddCheckpoint(10, [], await log.checkpoint(7));
    expect((await codeOf(w.addCheckpoint(smaller))).code).toBe('ledger.malformed_request');

    // A fork: another log history of the same size, signed by the same log key.
    const fork = await buildSignedLog(0);
    for (let i = 0; i < 10; i++) await fork.tree.append(buildLeafData(1000 + i));
    const forked = signCheckpoint(
      { origin: ORIGIN, size: 10, rootHash: await storedTreeHash(10, fork.tree.reader), extensions: [] },
      [log.signer],
    );
    expect(await codeOf(w.addCheckpoint(formatAddCheckpoint(10, [], forked)))).toMatchObject({
      code: 'ledger.inconsistent_checkpoint',
    });
    // A fork that grew: a proof from its own tree does not connect to our root.
    await fork.tree.append(buildLeafData(2000));
    const grown = signCheckpoint(
      { origin: ORIGIN, size: 11, rootHash: await storedTreeHash(11, fork.tree.reader), extensions: [] },
      [log.signer],
    );
    const forkProof = await consistencyProof(10, 11, fork.tree.reader);
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(10, forkProof, grown)))).code).toBe(
      'ledger.inconsistent_checkpoint',
    );
    // A proof of the wrong length is inconsistent too (not a 500).
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(10, [], grown)))).code).toBe(
      'ledger.inconsistent_checkpoint',
    );
    expect(store.saved().get(ORIGIN)?.size).toBe(10);
  });

  it('422 for a non-empty proof from size 0, a proof between equal sizes, a bad empty root', async () => {
    const log = await buildSignedLog(4);
    const w = await buildWitness(log);
    const cp = await log.checkpoint();
    const someHash = new Uint8Array(32).fill(1);
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(0, [someHash], cp)))).code).toBe(
      'ledger.inconsistent_checkpoint',
    );
    await w.addCheckpoint(await log.request(0));
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(4, [someHash], cp)))).code).toBe(
      'ledger.inconsistent_checkpoint',
    );
    const badEmpty = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: someHash, extensions: [] }, [
      log.signer,
    ]);
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(0, [], badEmpty)))).code).toBe(
      'ledger.inconsistent_checkpoint',
    );
    const goodEmpty = signCheckpoint({ origin: ORIGIN, size: 0, rootHash: emptyTreeHash(), extensions: [] }, [
      log.signer,
    ]);
    // Size 0 after size 4: old 4 > size 0.
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(4, [], goodEmpty)))).code).toBe(
      'ledger.malformed_request',
    );
  });

  it('403 for a checkpoint not signed by the log key, 404 for an unknown origin', async () => {
    const log = await buildSignedLog(3);
    const w = await buildWitness(log);
    const other = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    const byOther = formatAddCheckpoint(0, [], await log.checkpoint(3, other));
    expect((await codeOf(w.addCheckpoint(byOther))).code).toBe('ledger.unknown_key');
    // A signature that claims the log's key but does not verify.
    const good = await log.checkpoint();
    const lines = good.split('\n');
    const sigLine = lines[lines.length - 2]!;
    const raw = Buffer.from(sigLine.slice(sigLine.lastIndexOf(' ') + 1), 'base64');
    raw[10] = raw[10]! ^ 1;
    const forged = good.replace(
      sigLine,
      `${sigLine.slice(0, sigLine.lastIndexOf(' ') + 1)}${raw.toString('base64')}`,
    );
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(0, [], forged)))).code).toBe(
      'ledger.invalid_signature',
    );
    const elsewhere = good.replace(`${ORIGIN}\n`, 'example.com/other\n');
    expect((await codeOf(w.addCheckpoint(formatAddCheckpoint(0, [], elsewhere)))).code).toBe(
      'ledger.witness_unknown_log',
    );
    expect(w.latest(ORIGIN)).toBeUndefined();
  });

  it('persists before answering: a failed save returns no cosignature and changes nothing', async () => {
    const log = await buildSignedLog(5);
    const inner = memoryWitnessStateStore();
    let fail = false;
    const store: WitnessStateStore = {
      load: () => inner.load(),
      save: (s) =>
        fail
          ? Promise.reject(new LedgerError('ledger.storage_full', 'disk full', { details: { path: 'x' } }))
          : inner.save(s),
    };
    const w = await buildWitness(log, store);
    await w.addCheckpoint(await log.request(0, 2));
    fail = true;
    expect((await codeOf(w.addCheckpoint(await log.request(2, 5)))).code).toBe('ledger.storage_full');
    expect(w.latest(ORIGIN)?.size).toBe(2);
    fail = false;
    await w.addCheckpoint(await log.request(2, 5));
    expect(inner.saved().get(ORIGIN)?.size).toBe(5);
  });

  it('never dates a cosignature before the previous one (ledger.clock_backwards)', async () => {
    const log = await buildSignedLog(5);
    let t = 1_700_000_100_000;
    const w = await buildWitness(log, memoryWitnessStateStore(), () => t);
    await w.addCheckpoint(await log.request(0, 2));
    t -= 5_000;
    expect(await codeOf(w.addCheckpoint(await log.request(2, 5)))).toMatchObject({
      code: 'ledger.clock_backwards',
    });
    t += 5_000; // the same second again is fine
    await w.addCheckpoint(await log.request(2, 5));
  });

  it('serializes requests per log: of two racing requests from the same old size, one wins', async () => {
    const log = await buildSignedLog(20);
    const w = await buildWitness(log);
    await w.addCheckpoint(await log.request(0, 4));
    // The spec's rollback race: B (4→20) and A (4→10) both checked against size 4.
    const [a, b] = await Promise.all([
      codeOf(w.addCheckpoint(await log.request(4, 10))),
      codeOf(w.addCheckpoint(await log.request(4, 20))),
    ]);
    expect(a.code).toBe('no error');
    expect(b).toEqual({ code: 'ledger.witness_conflict', details: { size: 10 } });
    expect(w.latest(ORIGIN)?.size).toBe(10);
    // Many concurrent requests: exactly one per old size succeeds, the size only grows.
    const results = await Promise.all(
      [11, 12, 13, 14, 15].map(async (n) => codeOf(w.addCheckpoint(await log.request(10, n)))),
    );
    expect(results.filter((r) => r.code === 'no error')).toHaveLength(1);
    expect(w.latest(ORIGIN)!.size).toBeGreaterThan(10);
  });

  it('keeps its state in a JSON file, written atomically, and reloads it', async () => {
    const dir = join(buildTempDir(), 'witness');
    const log = await buildSignedLog(7);
    const w = await buildWitness(log, fileWitnessStateStore(dir));
    await w.addCheckpoint(await log.request(0, 7));
    expect(readdirSync(dir)).toEqual([WITNESS_STATE_FILE]); // no temp file left
    expect(statSync(join(dir, WITNESS_STATE_FILE)).mode & 0o777).toBe(0o600);
    const state = decodeWitnessState(readFileSync(join(dir, WITNESS_STATE_FILE), 'utf8'));
    expect(state.get(ORIGIN)?.size).toBe(7);

    // A restarted witness remembers: old 0 is now a conflict.
    const again = await buildWitness(log, fileWitnessStateStore(dir));
    expect(await codeOf(again.addCheckpoint(await log.request(0, 7)))).toMatchObject({
      details: { size: 7 },
    });

    writeFileSync(join(dir, WITNESS_STATE_FILE), '{"v":1,"logs":{"x":{"size":-1}}}');
    expect((await codeOf(buildWitness(log, fileWitnessStateStore(dir)))).code).toBe('ledger.corrupt');
    writeFileSync(join(dir, WITNESS_STATE_FILE), 'not json');
    expect((await codeOf(buildWitness(log, fileWitnessStateStore(dir)))).code).toBe('ledger.corrupt');
  });

  it('reports an unwritable state directory as ledger.storage_failed', async () => {
    const file = join(buildTempDir(), 'a-file');
    writeFileSync(file, 'x');
    const bad = fileWitnessStateStore(join(file, 'witness'));
    const log = await buildSignedLog(2);
    expect((await codeOf(buildWitness(log, bad))).code).toBe('ledger.storage_failed');
    const w = await buildWitness(log, { load: () => Promise.resolve(new Map()), save: (s) => bad.save(s) });
    expect((await codeOf(w.addCheckpoint(await log.request(0)))).code).toBe('ledger.storage_failed');
    expect(w.latest(ORIGIN)).toBeUndefined();
  });
});
