/**
 * A small deterministic PRNG for the fuzzer (sfc32, seeded through splitmix32). Input `i` of
 * target `t` under `--seed s` always comes from `inputRng(s, t, i)`, whatever the worker count,
 * the batch size or the other targets in the run: that is what makes `--seed` / `--handler`
 * reproduce a finding exactly.
 */

/** splitmix32 step: a well-mixed 32-bit value from any 32-bit state. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a of a string (the target name) as a 32-bit seed component. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seeds: readonly number[]) {
    let s = 0x6a09e667;
    for (const x of seeds) s = splitmix32(s ^ (x >>> 0));
    this.a = splitmix32(s);
    this.b = splitmix32(this.a);
    this.c = splitmix32(this.b);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer (sfc32). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n) (n >= 1). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** A length skewed towards small values: mostly 1..16, sometimes up to `max`. */
  smallLength(max: number): number {
    const cap = Math.max(1, max);
    return this.chance(0.8) ? this.between(1, Math.min(16, cap)) : this.between(1, cap);
  }
}

/** The generator of one input: independent of scheduling, so a (seed, target, index) triple replays it. */
export function inputRng(seed: number, target: string, index: number): Rng {
  return new Rng(seed, hashName(target), index);
}
