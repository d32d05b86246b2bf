/**
 * The mutation engine: turns a valid seed file into a hostile one, deterministically from an
 * `Rng`. Format-agnostic, but aimed at what container parsers trust: length fields (32-bit in
 * RIFF/ISO BMFF/PNG/ID3 frames, 16-bit in JPEG), length-prefixed chunks (duplicated or dropped
 * whole), boundary byte values, truncations and splices of two seeds. Each input applies 1 to 4
 * stacked operators; their names go into a finding's JSON.
 */
import type { Rng } from './rng.js';

export interface MutationContext {
  readonly rng: Rng;
  /** All seeds of the target (splice partners). */
  readonly seeds: readonly Uint8Array[];
  /** Inputs never grow past this (duplications would otherwise snowball). */
  readonly maxLength: number;
  /**
   * Fixes checksums and enclosing sizes (PNG CRCs, the RIFF size), applied to half the inputs so
   * mutations also reach past the integrity checks (the conformance suites' `reseal`).
   */
  readonly reseal?: ((file: Uint8Array) => Uint8Array) | undefined;
}

type Operator = (file: Uint8Array, ctx: MutationContext) => Uint8Array;

const BOUNDARY_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe] as const;

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function readU32(file: Uint8Array, at: number, le: boolean): number {
  const b0 = file[at]!;
  const b1 = file[at + 1]!;
  const b2 = file[at + 2]!;
  const b3 = file[at + 3]!;
  return (le ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

function writeU32(file: Uint8Array, at: number, value: number, le: boolean): void {
  for (let k = 0; k < 4; k++) file[at + (le ? k : 3 - k)] = (value >>> (8 * k)) & 0xff;
}

function writeU16(file: Uint8Array, at: number, value: number, le: boolean): void {
  file[at + (le ? 0 : 1)] = value & 0xff;
  file[at + (le ? 1 : 0)] = (value >>> 8) & 0xff;
}

/**
 * A length-prefixed region at a sampled offset: `[start, end)` of a plausible chunk, box or
 * segment. Tries the layouts of our containers: ISO BMFF / EBML-free box (u32 BE size including
 * the header), RIFF chunk (FourCC, u32 LE size, data, pad byte), PNG chunk (u32 BE length, type,
 * data, CRC), JPEG marker segment (FF xx, u16 BE length including itself), ID3v2.3 frame (ID,
 * u32 BE size, 2 flag bytes). Samples up to 64 offsets; undefined when none looks like one.
 */
function findRegion(file: Uint8Array, rng: Rng): { start: number; end: number } | undefined {
  const n = file.length;
  if (n < 12) return undefined;
  for (let tries = 0; tries < 64; tries++) {
    const o = rng.below(n - 8);
    const layout = rng.below(5);
    if (layout === 0) {
      const size = readU32(file, o, false);
      if (size >= 8 && o + size <= n) return { start: o, end: o + size };
    } else if (layout === 1) {
      const size = readU32(file, o + 4, true);
      const end = o + 8 + size + (size & 1);
      if (size > 0 && end <= n) return { start: o, end };
    } else if (layout === 2) {
      const size = readU32(file, o, false);
      if (size > 0 && o + 12 + size <= n) return { start: o, end: o + 12 + size };
    } else if (layout === 3) {
      if (file[o] !== 0xff || file[o + 1]! < 0xc0 || file[o + 1] === 0xff) continue;
      const size = (file[o + 2]! << 8) | file[o + 3]!;
      if (size >= 2 && o + 2 + size <= n) return { start: o, end: o + 2 + size };
    } else {
      const size = readU32(file, o + 4, false);
      if (size > 0 && o + 10 + size <= n) return { start: o, end: o + 10 + size };
    }
  }
  return undefined;
}

/** A region to duplicate or delete: a plausible chunk when one is found, else a random range. */
function region(file: Uint8Array, rng: Rng): { start: number; end: number } {
  const found = rng.chance(0.8) ? findRegion(file, rng) : undefined;
  if (found !== undefined) return found;
  const start = rng.below(file.length + 1);
  return { start, end: Math.min(file.length, start + rng.smallLength(Math.max(1, file.length >> 2))) };
}

/** An offset whose u32 (either byte order) looks like a length: small and inside the file. */
function lengthFieldOffset(file: Uint8Array, rng: Rng): { at: number; le: boolean } {
  const le = rng.chance(0.5);
  for (let tries = 0; tries < 32; tries++) {
    const at = rng.below(file.length - 3);
    const v = readU32(file, at, le);
    if (v > 0 && v <= file.length) return { at, le };
  }
  return { at: rng.below(file.length - 3), le };
}

const bitFlip: Operator = (file, { rng }) => {
  const out = file.slice();
  if (out.length === 0) return out;
  const flips = rng.between(1, 8);
  for (let k = 0; k < flips; k++) {
    const at = rng.below(out.length);
    out[at] = out[at]! ^ (1 << rng.below(8));
  }
  return out;
};

const boundaryByte: Operator = (file, { rng }) => {
  const out = file.slice();
  if (out.length === 0) return out;
  const count = rng.between(1, 4);
  for (let k = 0; k < count; k++) out[rng.below(out.length)] = rng.pick(BOUNDARY_BYTES);
  return out;
};

const length32: Operator = (file, { rng }) => {
  if (file.length < 4) return file.slice();
  const out = file.slice();
  const { at, le } = lengthFieldOffset(out, rng);
  const old = readU32(out, at, le);
  const values = [
    0,
    1,
    0xffffffff,
    0xfffffffe,
    0x7fffffff,
    0x80000000,
    old + 1,
    old - 1,
    old + 2,
    old - 8,
    out.length,
    out.length - at,
    out.length - at + 1,
  ];
  writeU32(out, at, rng.pick(values) >>> 0, le);
  return out;
};

const length16: Operator = (file, { rng }) => {
  if (file.length < 2) return file.slice();
  const out = file.slice();
  const at = rng.below(out.length - 1);
  const le = rng.chance(0.3);
  const old = le ? out[at]! | (out[at + 1]! << 8) : (out[at]! << 8) | out[at + 1]!;
  writeU16(out, at, rng.pick([0, 1, 2, 0xffff, 0x7fff, 0x8000, old + 1, old - 1]) & 0xffff, le);
  return out;
};

const duplicateRegion: Operator = (file, { rng }) => {
  const { start, end } = region(file, rng);
  const piece = file.subarray(start, end);
  const at = rng.chance(0.7) ? end : rng.below(file.length + 1);
  return concat(file.subarray(0, at), piece, file.subarray(at));
};

const deleteRegion: Operator = (file, { rng }) => {
  const { start, end } = region(file, rng);
  return concat(file.subarray(0, start), file.subarray(end));
};

const truncate: Operator = (file, { rng }) => {
  if (file.length === 0) return file.slice();
  // Mostly near the end (a cut download), sometimes anywhere.
  const cut = rng.chance(0.5) ? file.length - rng.smallLength(file.length) : rng.below(file.length);
  return file.slice(0, cut);
};

const splice: Operator = (file, { rng, seeds }) => {
  const other = rng.pick(seeds);
  const a = rng.below(file.length + 1);
  const b = rng.below(other.length + 1);
  return concat(file.subarray(0, a), other.subarray(b));
};

const insertRandom: Operator = (file, { rng }) => {
  const bytes = new Uint8Array(rng.smallLength(64));
  for (let k = 0; k < bytes.length; k++) bytes[k] = rng.below(256);
  const at = rng.below(file.length + 1);
  return concat(file.subarray(0, at), bytes, file.subarray(at));
};

/** Copies a slice of the file over another place of it (moves tags, magic numbers, headers around). */
const copyWithin: Operator = (file, { rng }) => {
  if (file.length < 2) return file.slice();
  const out = file.slice();
  const length = rng.smallLength(Math.max(1, out.length >> 3));
  const from = rng.below(out.length);
  out.copyWithin(rng.below(out.length), from, from + length);
  return out;
};

export const OPERATORS: Readonly<Record<string, Operator>> = {
  bitFlip,
  boundaryByte,
  length32,
  length16,
  duplicateRegion,
  deleteRegion,
  truncate,
  splice,
  insertRandom,
  copyWithin,
};

/** Relative weights: length fields and structure edits reach deeper than blind flips. */
const WEIGHTS: readonly (readonly [string, number])[] = [
  ['bitFlip', 4],
  ['boundaryByte', 3],
  ['length32', 4],
  ['length16', 2],
  ['duplicateRegion', 3],
  ['deleteRegion', 3],
  ['truncate', 2],
  ['splice', 2],
  ['insertRandom', 2],
  ['copyWithin', 2],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((n, [, w]) => n + w, 0);

function pickOperator(rng: Rng): string {
  let r = rng.below(TOTAL_WEIGHT);
  for (const [name, w] of WEIGHTS) {
    if (r < w) return name;
    r -= w;
  }
  return WEIGHTS[0]![0];
}

export interface Mutant {
  readonly bytes: Uint8Array;
  /** Index of the seed it started from. */
  readonly seed: number;
  /** The operators applied, in order. */
  readonly ops: readonly string[];
}

/** One hostile input: a seed with 1-4 stacked mutations (mostly 1), capped at `maxLength`. */
export function mutate(ctx: MutationContext): Mutant {
  const { rng } = ctx;
  const seed = rng.below(ctx.seeds.length);
  let bytes = ctx.seeds[seed]!;
  const count = rng.chance(0.6) ? 1 : rng.between(2, 4);
  const ops: string[] = [];
  for (let k = 0; k < count; k++) {
    const name = pickOperator(rng);
    ops.push(name);
    bytes = OPERATORS[name]!(bytes, ctx);
    if (bytes.length > ctx.maxLength) bytes = bytes.slice(0, ctx.maxLength);
  }
  if (ctx.reseal !== undefined && rng.chance(0.5)) {
    bytes = ctx.reseal(bytes);
    ops.push('reseal');
  }
  return { bytes, seed, ops };
}
