import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from '../errors.js';
import { parseCosignatureVerifierKey } from './cosignature.js';
import { formatAddCheckpoint, parseAddCheckpoint, parseTlogSize } from './protocol.js';
import { buildSignedLog, buildWitness } from './testing.js';

/** Flips, inserts or deletes a few bytes of `bytes`. */
function mutate(bytes: Uint8Array, edits: readonly [number, number, number][]): Uint8Array {
  const out = [...bytes];
  for (const [kind, at, value] of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 0) out[i] = value;
    else if (kind === 1) out.splice(i, 0, value);
    else out.splice(i, 1);
  }
  return Uint8Array.from(out);
}

const edits = fc.array(fc.tuple(fc.nat(2), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 });

describe('hostile add-checkpoint bodies', () => {
  it('parseAddCheckpoint throws only ledger.malformed_request', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseAddCheckpoint(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          expect((err as LedgerError).code).toBe('ledger.malformed_request');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a witness fed mutated requests throws only typed errors and never cosigns a changed checkpoint', async () => {
    const log = await buildSignedLog(9);
    const body = Buffer.from(formatAddCheckpoint(0, [], await log.checkpoint()));
    const grown = Buffer.from(await log.request(4));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), edits, async (second, e) => {
        const w = await buildWitness(log);
        if (second) await w.addCheckpoint(await log.request(0, 4));
        const original = second ? grown : body;
        const input = mutate(original, e);
        try {
          await w.addCheckpoint(input);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          return;
        }
        // Accepted: then the checkpoint itself (size, root, signed text) was not changed.
        expect(w.latest('example.com/log')?.size).toBe(9);
      }),
      { numRuns: 500 },
    );
  });

  it('parseTlogSize and parseCosignatureVerifierKey reject junk with typed results', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const n = parseTlogSize(text);
        if (n !== undefined) expect(`${n}\n`).toBe(text);
        try {
          parseCosignatureVerifierKey(text);
        } catch (err) {
          expect((err as LedgerError).code).toBe('ledger.invalid_key');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
