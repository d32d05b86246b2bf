/** Test-only helpers for hostile-input tests: typed-error catching, byte mutations, cut offsets. */
import fc from 'fast-check';
import { FormatError } from '../errors.js';

/** Runs `fn`; a FormatError is returned, any other exception is re-thrown (and fails the test). */
export function catchFormatError(fn: () => unknown): FormatError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw err;
  }
}

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

/**
 * Size of the smallest window of `before` that, replaced, turns it into `after`
 * (prefix and suffix clamped so they do not overlap in either array).
 */
export function changedWindow(before: Uint8Array, after: Uint8Array): number {
  const p = commonPrefix(before, after);
  const s = Math.min(commonSuffix(before, after), before.length - p, after.length - p);
  return before.length - p - s;
}

/** Cut offsets: all of them for small files, else the first/last 96 plus an even sample. */
export function cutOffsets(length: number): number[] {
  if (length <= 3000) return Array.from({ length }, (_, i) => i);
  const set = new Set<number>();
  for (let i = 0; i < 96; i++) {
    set.add(i);
    set.add(length - 1 - i);
  }
  const step = Math.max(1, Math.floor(length / 400));
  for (let i = 0; i < length; i += step) set.add(i);
  return [...set].sort((a, b) => a - b);
}

export type Mutation =
  | { kind: 'flip'; at: number; xor: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const offsetArb = fc.oneof(fc.nat({ max: 400 }), fc.nat());
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: offsetArb, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: offsetArb,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  // Marker-like insertions (0xFF xx) reach deeper into marker-based formats.
  fc.record({
    kind: fc.constant('insert' as const),
    at: offsetArb,
    bytes: fc.integer({ min: 0, max: 255 }).map((b) => Uint8Array.of(0xff, b)),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: offsetArb, count: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

export function applyMutation(file: Uint8Array, m: Mutation): Uint8Array {
  if (file.length === 0) return m.kind === 'insert' ? m.bytes.slice() : file;
  const at = m.at % file.length;
  switch (m.kind) {
    case 'flip': {
      const out = file.slice();
      out[at] = out[at]! ^ m.xor;
      return out;
    }
    case 'insert': {
      const out = new Uint8Array(file.length + m.bytes.length);
      out.set(file.subarray(0, at));
      out.set(m.bytes, at);
      out.set(file.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'delete': {
      const out = new Uint8Array(file.length - Math.min(m.count, file.length - at));
      out.set(file.subarray(0, at));
      out.set(file.subarray(at + m.count), at);
      return out;
    }
    case 'truncate':
      return file.slice(0, at);
  }
}
