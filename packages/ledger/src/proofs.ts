/**
 * Merkle inclusion and consistency proofs, RFC 9162 §2.1.3 and §2.1.4 (RFC 6962 §2.1.1, §2.1.2).
 *
 * Generation reads stored hashes (see merkle.ts) through a HashReader, so it works over a hash
 * file or over tlog-tiles alike: it plans the stored indexes it needs, reads them in one call,
 * then assembles the proof (the approach of Go's sumdb/tlog ProveRecord / ProveTree).
 *
 * Verification follows the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2 verbatim.
 * Every argument is treated as hostile: sizes and indexes are range-checked, the proof length is
 * checked against the exact length the tree shape implies before any hashing, and each proof
 * element must be 32 bytes. Malformed input throws LedgerError; a well-formed proof that does not
 * match the roots returns false.
 */
import { bytesEqual } from '@synthguard/core';
import { LedgerError } from './errors.js';
import {
  HASH_SIZE,
  MAX_TREE_SIZE,
  type HashReader,
  assertHash,
  checkInt,
  combineSubtrees,
  emptyTreeHash,
  nodeHash,
  readHashes,
  splitPoint,
  subtreeCount,
  subtreeIndexes,
  trailingZeros,
} from './merkle.js';

/** RFC 9162 §2.1.3.1: the inclusion proof (audit path) of leaf `leafIndex` in a tree of `treeSize`. */
export async function inclusionProof(
  leafIndex: number,
  treeSize: number,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkLeafInTree(leafIndex, treeSize);
  const indexes = inclusionIndexes(0, treeSize, leafIndex, []);
  const cursor = new Cursor(await readHashes(reader, indexes));
  const proof = buildInclusion(0, treeSize, leafIndex, cursor);
  cursor.done();
  return proof;
}

/**
 * RFC 9162 §2.1.4.1: the consistency proof that the tree of `size1` leaves is a prefix of the
 * tree of `size2` leaves. Empty when size1 is 0 or equals size2.
 */
export async function consistencyProof(
  size1: number,
  size2: number,
  reader: HashReader,
): Promise<Uint8Array[]> {
  checkSizes(size1, size2);
  if (size1 === 0 || size1 === size2) return [];
  const indexes = consistencyIndexes(0, size2, size1, []);
  const cursor = new Cursor(await readHashes(reader, indexes));
  const proof = buildConsistency(0, size2, size1, cursor);
  cursor.done();
  return proof;
}

/**
 * RFC 9162 §2.1.3.2: true when `proof` shows that `leafHash` is leaf `leafIndex` of the tree of
 * `treeSize` leaves whose root is `root`. Throws ledger.out_of_range when leafIndex >= treeSize,
 * ledger.invalid_proof when the proof has the wrong length or a malformed element.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  checkLeafInTree(leafIndex, treeSize);
  assertHash(leafHash, 'leafHash');
  assertHash(root, 'root');
  checkProofShape(proof, inclusionProofSize(leafIndex, treeSize));
  // 2. fn = leaf_index, sn = tree_size - 1; 3. r = hash.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false; // 4a
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r); // 4b.i
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn); // 4c
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root); // 5
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows that the tree of `size1` leaves with root `root1` is
 * a prefix of the tree of `size2` leaves with root `root2`. For size1 == size2 the proof must be
 * empty and the roots equal; for size1 == 0 the proof must be empty and root1 the empty-tree hash.
 * Throws ledger.out_of_range when size1 > size2, ledger.invalid_proof for a malformed proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  checkSizes(size1, size2);
  assertHash(root1, 'root1');
  assertHash(root2, 'root2');
  checkProofShape(proof, consistencyProofSize(size1, size2));
  if (size1 === size2) return bytesEqual(root1, root2);
  if (size1 === 0) return bytesEqual(root1, emptyTreeHash());
  // 2. If first is an exact power of 2, prepend first_hash to the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // 3, 4. fn = first - 1, sn = second - 1; shift while LSB(fn) is set.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr = sr = path[0].
  let fr = path[0]!;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false; // 6a
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); // 6b.i
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn); // 6c
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2); // 7
}

/**
 * Exact number of hashes in the inclusion proof of `leafIndex` in a tree of `treeSize`:
 * the inner part (below the point where the path to the leaf and to the last leaf diverge,
 * bitLength(index XOR (size - 1))) plus the border (one per 1 bit of index above it).
 */
export function inclusionProofSize(leafIndex: number, treeSize: number): number {
  checkLeafInTree(leafIndex, treeSize);
  const index = BigInt(leafIndex);
  const inner = bitLength(index ^ BigInt(treeSize - 1));
  return inner + popcount(index >> BigInt(inner));
}

/** Exact number of hashes in the consistency proof from `size1` to `size2` (0 when trivial). */
export function consistencyProofSize(size1: number, size2: number): number {
  checkSizes(size1, size2);
  if (size1 === 0 || size1 === size2) return 0;
  const last = BigInt(size1 - 1);
  const inner = bitLength(last ^ BigInt(size2 - 1));
  const border = popcount(last >> BigInt(inner));
  // The proof starts at the root of the largest complete subtree ending at size1 (2^shift
  // leaves); it is sent unless it is the whole old tree.
  const shift = trailingZeros(size1);
  return (isPowerOfTwo(size1) ? 0 : 1) + (inner - shift) + border;
}

// ---- generation: plan indexes, then consume the hashes in the same order ----

/** Stored indexes for the proof of leaf n within subtree [lo, hi) (RFC 9162 §2.1.3.1 PATH). */
function inclusionIndexes(lo: number, hi: number, n: number, need: number[]): number[] {
  if (lo + 1 === hi) return need;
  const k = splitPoint(hi - lo);
  if (n < lo + k) {
    inclusionIndexes(lo, lo + k, n, need);
    return subtreeIndexes(lo + k, hi, need);
  }
  subtreeIndexes(lo, lo + k, need);
  return inclusionIndexes(lo + k, hi, n, need);
}

function buildInclusion(lo: number, hi: number, n: number, cursor: Cursor): Uint8Array[] {
  if (lo + 1 === hi) return [];
  const k = splitPoint(hi - lo);
  if (n < lo + k) {
    const proof = buildInclusion(lo, lo + k, n, cursor);
    proof.push(cursor.subtree(lo + k, hi));
    return proof;
  }
  const sibling = cursor.subtree(lo, lo + k);
  const proof = buildInclusion(lo + k, hi, n, cursor);
  proof.push(sibling);
  return proof;
}

/** Stored indexes for the consistency sub-proof of old size n within [lo, hi) (§2.1.4.1 SUBPROOF). */
function consistencyIndexes(lo: number, hi: number, n: number, need: number[]): number[] {
  if (n === hi) return lo === 0 ? need : subtreeIndexes(lo, hi, need);
  const k = splitPoint(hi - lo);
  if (n <= lo + k) {
    consistencyIndexes(lo, lo + k, n, need);
    return subtreeIndexes(lo + k, hi, need);
  }
  subtreeIndexes(lo, lo + k, need);
  return consistencyIndexes(lo + k, hi, n, need);
}

function buildConsistency(lo: number, hi: number, n: number, cursor: Cursor): Uint8Array[] {
  if (n === hi) return lo === 0 ? [] : [cursor.subtree(lo, hi)];
  const k = splitPoint(hi - lo);
  if (n <= lo + k) {
    const proof = buildConsistency(lo, lo + k, n, cursor);
    proof.push(cursor.subtree(lo + k, hi));
    return proof;
  }
  const sibling = cursor.subtree(lo, lo + k);
  const proof = buildConsistency(lo + k, hi, n, cursor);
  proof.push(sibling);
  return proof;
}

/** Hands out hashes read for a planned index list, in plan order. */
class Cursor {
  private at = 0;
  constructor(private readonly hashes: readonly Uint8Array[]) {}

  /** Hash of [lo, hi) from the next subtreeCount(lo, hi) hashes. */
  subtree(lo: number, hi: number): Uint8Array {
    const count = subtreeCount(lo, hi);
    const slice = this.hashes.slice(this.at, this.at + count);
    this.at += count;
    return combineSubtrees(slice);
  }

  /** Unreachable unless the index plan and the assembly disagree (a bug here, not bad input). */
  done(): void {
    if (this.at !== this.hashes.length) throw new Error('proofs: index plan and hashes disagree');
  }
}

// ---- argument checks ----

function checkLeafInTree(leafIndex: number, treeSize: number): void {
  checkInt(treeSize, 'treeSize', MAX_TREE_SIZE);
  checkInt(leafIndex, 'leafIndex', MAX_TREE_SIZE);
  if (leafIndex >= treeSize) {
    throw new LedgerError('ledger.out_of_range', 'The leaf index is not below the tree size.', {
      details: { leafIndex, treeSize },
    });
  }
}

function checkSizes(size1: number, size2: number): void {
  checkInt(size1, 'size1', MAX_TREE_SIZE);
  checkInt(size2, 'size2', MAX_TREE_SIZE);
  if (size1 > size2) {
    throw new LedgerError('ledger.out_of_range', 'The first tree size is larger than the second.', {
      details: { size1, size2 },
    });
  }
}

function checkProofShape(proof: readonly Uint8Array[], expected: number): void {
  if (!Array.isArray(proof) || proof.length !== expected) {
    throw new LedgerError('ledger.invalid_proof', 'The proof has the wrong number of hashes.', {
      details: { expected, got: Array.isArray(proof) ? proof.length : undefined },
    });
  }
  proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new LedgerError('ledger.invalid_proof', 'A proof element is not a 32-byte hash.', {
        details: { element: i },
      });
    }
  });
}

function half(v: number): number {
  return Math.floor(v / 2);
}

function isPowerOfTwo(v: number): boolean {
  return v > 0 && v / 2 ** trailingZeros(v) === 1;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

function popcount(v: bigint): number {
  let c = 0;
  for (let x = v; x > 0n; x >>= 1n) if ((x & 1n) === 1n) c++;
  return c;
}
