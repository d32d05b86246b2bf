import { describe, expect, it } from 'vitest';
import { mutate, OPERATORS } from './mutate.js';
import { inputRng, Rng } from './rng.js';

const seeds = [
  Uint8Array.from({ length: 300 }, (_, i) => (i * 31) & 0xff),
  new Uint8Array(0),
  Uint8Array.of(0x89, 0x50, 0x4e),
];

describe('fuzz mutations', () => {
  it('are deterministic per (seed, target, index) and independent of other inputs', () => {
    const make = (index: number) => mutate({ rng: inputRng(7, 'png', index), seeds, maxLength: 1024 });
    const first = [0, 1, 2, 3].map(make);
    const again = [3, 2, 1, 0].map(make).reverse();
    expect(again).toEqual(first);
    expect(mutate({ rng: inputRng(8, 'png', 0), seeds, maxLength: 1024 })).not.toEqual(first[0]);
  });

  it('never throw, never modify the seeds and respect maxLength, whatever the input size', () => {
    const copies = seeds.map((s) => s.slice());
    for (let index = 0; index < 2000; index++) {
      const m = mutate({ rng: inputRng(1, 't', index), seeds, maxLength: 400, reseal: (f) => f.slice() });
      expect(m.bytes.length).toBeLessThanOrEqual(400);
      expect(m.ops.length).toBeGreaterThan(0);
    }
    for (const [name, op] of Object.entries(OPERATORS)) {
      for (const length of [0, 1, 2, 3, 4, 11, 12, 64]) {
        const rng = new Rng(length, name.length);
        expect(() => op(new Uint8Array(length), { rng, seeds, maxLength: 400 }), name).not.toThrow();
      }
    }
    expect(seeds).toEqual(copies);
  });

  it('hit 32-bit length fields with boundary values', () => {
    const file = new Uint8Array(64);
    new DataView(file.buffer).setUint32(20, 12); // one plausible length in a zero file
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const out = OPERATORS.length32!(file, { rng: new Rng(i), seeds: [file], maxLength: 64 });
      const view = new DataView(out.buffer);
      seen.add(view.getUint32(20));
      seen.add(view.getUint32(20, true));
    }
    for (const v of [0, 0xffffffff, 0x80000000, 13, 11]) expect(seen).toContain(v);
  });
});
