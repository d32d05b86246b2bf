/**
 * RFC 6962 §2.1 / RFC 9162 §2.1.1 Merkle Tree Hash (SHA-256), and the "stored hashes" layout of
 * Go's `golang.org/x/mod/sumdb/tlog` (Crosby & Wallach, "Efficient Data Structures for
 * Tamper-Evident Logging", §3.3): every complete subtree hash of the log is kept once, in a dense
 * linear order, so the log grows by appending hashes only.
 *
 * Stored hash (level, n) is the hash of the complete subtree of 2^level leaves that starts at
 * leaf n * 2^level. Appending leaf n stores its leaf hash followed by the hashes of the subtrees
 * it completes (one per trailing 1 bit of n), at indexes storedHashIndex(0, n), +1, +2, ...
 *
 * Indexes and sizes are JavaScript numbers; trees are capped at MAX_TREE_SIZE = 2^52 leaves so
 * every stored hash index (< 2 * size) stays a safe integer. Bit operators are 32-bit in
 * JavaScript, so this file divides by powers of two instead of shifting.
 */
import { createHash } from 'node:crypto';
import { LedgerError } from './errors.js';

/** SHA-256 output size in bytes. */
export const HASH_SIZE = 32;

/** Largest supported tree size (2^52 leaves): stored hash indexes stay below 2^53. */
export const MAX_TREE_SIZE = 2 ** 52;

/**
 * Reads stored hashes by their stored hash index (see storedHashIndex). MUST return exactly one
 * 32-byte hash per requested index, in the same order, or throw. Callers ask for indexes in
 * increasing order. May be synchronous (an array) or asynchronous (a tile store on disk).
 */
export type HashReader = (
  indexes: readonly number[],
) => readonly Uint8Array[] | Promise<readonly Uint8Array[]>;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** RFC 6962 §2.1: MTH({}) = SHA-256() (the empty tree). A fresh copy each call. */
export function emptyTreeHash(): Uint8Array {
  return new Uint8Array(createHash('sha256').digest());
}

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(LEAF_PREFIX).update(data).digest());
}

/** RFC 6962 §2.1: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest());
}

/** RFC 6962 §2.1: k, the largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * RFC 6962 §2.1 Merkle Tree Hash of a list of leaf hashes (each already SHA-256(0x00 || d)).
 * Iterative: folds complete subtrees left to right, then the right fringe bottom-up.
 */
export function treeHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  leafHashes.forEach((h, i) => {
    assertHash(h, `leafHashes[${i}]`);
  });
  if (leafHashes.length === 0) return emptyTreeHash();
  // Stack of (hash, size) for complete subtrees, sizes strictly decreasing: a binary counter.
  const stack: { hash: Uint8Array; size: number }[] = [];
  for (const h of leafHashes) {
    let entry = { hash: h, size: 1 };
    let top = stack.at(-1);
    while (top !== undefined && top.size === entry.size) {
      stack.pop();
      entry = { hash: nodeHash(top.hash, entry.hash), size: top.size * 2 };
      top = stack.at(-1);
    }
    stack.push(entry);
  }
  // MTH splits at the largest power of two: the remaining subtrees, right to left, nest rightwards.
  let acc = stack.pop()!.hash;
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    acc = nodeHash(entry.hash, acc);
  }
  return acc;
}

/**
 * Stored hash index of (level, n): the hash of leaves [n * 2^level, (n + 1) * 2^level).
 * A subtree hash is written right after the hashes of the leaf that completes it (its last leaf,
 * m = (n + 1) * 2^level - 1), at m + m/2 + m/4 + ... (integer halving) + level.
 */
export function storedHashIndex(level: number, n: number): number {
  checkInt(level, 'level', 63);
  checkInt(n, 'n', MAX_TREE_SIZE - 1);
  if ((n + 1) * 2 ** level > MAX_TREE_SIZE) {
    throw new LedgerError('ledger.out_of_range', 'The subtree lies beyond the largest supported tree.', {
      details: { level, max: MAX_TREE_SIZE },
    });
  }
  // The last leaf of the subtree, (n + 1) * 2^level - 1, completes it.
  let m = (n + 1) * 2 ** level - 1;
  let i = 0;
  for (; m > 0; m = Math.floor(m / 2)) i += m;
  return i + level;
}

/** Inverse of storedHashIndex: the (level, n) stored at `index`. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  checkInt(index, 'index', storedHashCount(MAX_TREE_SIZE) - 1);
  // storedHashIndex(0, n) <= 2n, so the leaf that wrote `index` is in [index/2, index/2 + 53].
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    // Leaf n writes 1 + trailingZeros(n + 1) hashes.
    const next = indexN + 1 + trailingZeros(n + 1);
    if (next > index) break;
    n++;
    indexN = next;
  }
  const level = index - indexN;
  return { level, n: Math.floor(n / 2 ** level) };
}

/** Number of stored hashes in a tree of `size` leaves. */
export function storedHashCount(size: number): number {
  checkInt(size, 'size', MAX_TREE_SIZE);
  if (size === 0) return 0;
  // Everything up to the last leaf hash, plus the subtrees that leaf completes.
  let count = leafStoredIndex(size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = Math.floor(i / 2)) count++;
  return count;
}

/**
 * The hashes to store when appending leaf `n` (0-based) whose data is `data`: its leaf hash, then
 * one node hash per subtree it completes. Store them from storedHashIndex(0, n) on. Reads at most
 * log2(n) earlier hashes from `reader`.
 */
export async function storedHashes(n: number, data: Uint8Array, reader: HashReader): Promise<Uint8Array[]> {
  return storedHashesForLeafHash(n, leafHash(data), reader);
}

/** Like storedHashes, given the leaf hash SHA-256(0x00 || data) instead of the data. */
export async function storedHashesForLeafHash(
  n: number,
  hash: Uint8Array,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkInt(n, 'n', MAX_TREE_SIZE - 1);
  assertHash(hash, 'leafHash');
  // Each trailing 1 bit of n completes a subtree whose left sibling is already stored.
  const m = trailingZeros(n + 1);
  const indexes: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    indexes.push(storedHashIndex(i, Math.floor(n / 2 ** i) - 1));
  }
  const siblings = await readHashes(reader, indexes);
  const out = [hash];
  let h = hash;
  for (let i = 0; i < m; i++) {
    h = nodeHash(siblings[m - 1 - i]!, h);
    out.push(h);
  }
  return out;
}

/**
 * Root hash of the tree of `size` leaves, from stored hashes: one read of at most 1 + log2(size)
 * hashes (the complete subtrees the tree decomposes into).
 */
export async function storedTreeHash(size: number, reader: HashReader): Promise<Uint8Array> {
  checkInt(size, 'size', MAX_TREE_SIZE);
  if (size === 0) return emptyTreeHash();
  const indexes = subtreeIndexes(0, size, []);
  const hashes = await readHashes(reader, indexes);
  return combineSubtrees(hashes);
}

/**
 * Appends to `need` the stored indexes of the complete subtrees that [lo, hi) decomposes into,
 * largest first (`lo` must be a multiple of the first subtree's size, as it is in RFC 6962 trees).
 */
export function subtreeIndexes(lo: number, hi: number, need: number[]): number[] {
  while (lo < hi) {
    const { size, level } = largestSubtree(hi - lo);
    need.push(storedHashIndex(level, lo / size));
    lo += size;
  }
  return need;
}

/** Number of complete subtrees [lo, hi) decomposes into (the popcount of hi - lo). */
export function subtreeCount(lo: number, hi: number): number {
  let count = 0;
  for (let rest = hi - lo; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

/** Hash of a range from its complete subtrees (largest first): they nest to the right. */
export function combineSubtrees(hashes: readonly Uint8Array[]): Uint8Array {
  let acc = hashes.at(-1);
  if (acc === undefined) {
    throw new LedgerError('ledger.invalid_argument', 'combineSubtrees needs at least one hash.');
  }
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** Calls `reader` and checks its answer: one 32-byte hash per index. */
export async function readHashes(
  reader: HashReader,
  indexes: readonly number[],
): Promise<readonly Uint8Array[]> {
  if (indexes.length === 0) return [];
  const hashes = await reader(indexes);
  if (hashes.length !== indexes.length) {
    throw new LedgerError('ledger.read_failed', 'The hash reader returned the wrong number of hashes.', {
      details: { expected: indexes.length, got: hashes.length },
    });
  }
  hashes.forEach((h) => {
    if (h.length !== HASH_SIZE) {
      throw new LedgerError('ledger.read_failed', 'The hash reader returned a hash of the wrong length.', {
        details: { expected: HASH_SIZE, got: h.length },
      });
    }
  });
  return hashes;
}

/** Throws ledger.invalid_argument unless `h` is a 32-byte hash. */
export function assertHash(h: Uint8Array, field: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new LedgerError('ledger.invalid_argument', `${field} must be a 32-byte SHA-256 hash.`, {
      details: { field },
    });
  }
}

/** Throws ledger.invalid_argument unless `v` is an integer in [0, max]. */
export function checkInt(v: number, field: string, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new LedgerError('ledger.invalid_argument', `${field} must be an integer from 0 to ${max}.`, {
      details: { field, max },
    });
  }
}

/** Number of trailing zero bits of a positive safe integer. */
export function trailingZeros(v: number): number {
  let c = 0;
  while (v > 0 && v % 2 === 0) {
    v /= 2;
    c++;
  }
  return c;
}

function leafStoredIndex(n: number): number {
  let i = 0;
  for (let m = n; m > 0; m = Math.floor(m / 2)) i += m;
  return i;
}

/** The largest power of two <= count, and its log2. */
function largestSubtree(count: number): { size: number; level: number } {
  let size = 1;
  let level = 0;
  while (size * 2 <= count) {
    size *= 2;
    level++;
  }
  return { size, level };
}
