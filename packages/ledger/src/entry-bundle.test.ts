import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBundleAgainstTile, encodeEntryBundle, parseEntryBundle } from './entry-bundle.js';
import { LedgerError } from './errors.js';
import { buildLeafData, buildLogOfSize, hex } from './testing/merkle-reference.js';
import { readTileData } from './tiles.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'ok';
}

const entries = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 256 });

describe('entry bundles (tlog-tiles "Log entries")', () => {
  it('encodes uint16 big-endian length-prefixed entries', () => {
    const bytes = encodeEntryBundle([new Uint8Array([0xaa]), new Uint8Array(0), new Uint8Array(258)]);
    expect(hex(bytes.subarray(0, 5))).toBe('0001aa0000');
    expect(hex(bytes.subarray(5, 7))).toBe('0102');
    expect(bytes.length).toBe(3 + 2 + 2 + 258);
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(entries, (es) => {
        const parsed = parseEntryBundle(encodeEntryBundle(es), { index: 0, width: es.length });
        expect(parsed.map(hex)).toEqual(es.map(hex));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects truncation, trailing bytes, empty, too many and the wrong count', () => {
    const ok = encodeEntryBundle([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
    expect(code(() => parseEntryBundle(ok.subarray(0, ok.length - 1)))).toBe('ledger.invalid_bundle');
    expect(code(() => parseEntryBundle(new Uint8Array([...ok, 0])))).toBe('ledger.invalid_bundle');
    expect(code(() => parseEntryBundle(new Uint8Array(0)))).toBe('ledger.invalid_bundle');
    expect(code(() => parseEntryBundle(new Uint8Array(257 * 2)))).toBe('ledger.invalid_bundle');
    expect(code(() => parseEntryBundle(ok, { index: 0, width: 3 }))).toBe('ledger.invalid_bundle');
    expect(code(() => encodeEntryBundle([]))).toBe('ledger.invalid_bundle');
    expect(code(() => encodeEntryBundle([new Uint8Array(65536)]))).toBe('ledger.invalid_bundle');
    expect(encodeEntryBundle([new Uint8Array(65535)]).length).toBe(65537);
  });

  it('hostile bytes: parsed or ledger.invalid_bundle, and what parses re-encodes identically (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        let parsed: Uint8Array[];
        try {
          parsed = parseEntryBundle(bytes);
        } catch (err) {
          if (err instanceof LedgerError && err.code === 'ledger.invalid_bundle') return;
          throw err;
        }
        expect(hex(encodeEntryBundle(parsed))).toBe(hex(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('checks entries against their level-0 tile', async () => {
    const log = await buildLogOfSize(300);
    const es = Array.from({ length: 44 }, (_, i) => buildLeafData(256 + i));
    const tile = await readTileData({ level: 0, index: 1, width: 44 }, log.reader);
    expect(
      code(() => {
        checkBundleAgainstTile(es, tile);
      }),
    ).toBe('ok');
    const changed = es.map((e, i) => (i === 7 ? new Uint8Array([...e, 0]) : e));
    expect(
      code(() => {
        checkBundleAgainstTile(changed, tile);
      }),
    ).toBe('ledger.invalid_bundle');
    expect(
      code(() => {
        checkBundleAgainstTile(es.slice(1), tile);
      }),
    ).toBe('ledger.invalid_bundle');
  });
});
