/**
 * What the ledger targets (targets.ts, in the workers) and their seeds (seeds.ts, main thread)
 * share: the note keys, the byte encoding of a proof-verification call, and reference proof
 * verifiers the proof targets compare `verifyInclusion` / `verifyConsistency` with.
 *
 * The note keys are fixed (derived from constant Ed25519 seeds), not fresh per run: the workers
 * must know the verifier of the key that signed the seeds, and with fixed keys the seeds are the
 * same bytes every run (Ed25519 is deterministic), so `--seed` reproduces an openCheckpoint
 * finding exactly and `--replay` of its `.bin` verifies in any process.
 */
import { encodeSignerKey } from '@synthguard/ledger';
import { refNodeHash } from '../../packages/ledger/src/testing/merkle-reference.js';

/** The origin of the fuzzed log: its checkpoints' first line and its key name. */
export const FUZZ_LOG_ORIGIN = 'fuzz.synthguard.example/log';

const keySeed = (tag: number): Uint8Array => new Uint8Array(32).map((_, i) => (i * 29 + tag * 101) & 0xff);

/** Signer key text of the fuzzed log (a test key: secret only in form). */
export const FUZZ_LOG_SIGNER_KEY = encodeSignerKey(FUZZ_LOG_ORIGIN, keySeed(1));
/** Signer key text of a witness the targets do not know (cosignatures are unverified signatures). */
export const FUZZ_WITNESS_SIGNER_KEY = encodeSignerKey('witness.synthguard.example', keySeed(2));

/**
 * One call of a proof verifier as bytes: two signed 64-bit big-endian integers (leaf index and
 * tree size, or the two tree sizes), then hashes, each a 1-byte length and that many bytes: the
 * two hashes of the call (leaf hash and root, or the two roots), then the proof.
 */
export interface ProofCall {
  readonly a: number;
  readonly b: number;
  readonly first: Uint8Array;
  readonly second: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

export function encodeProofCall(call: ProofCall): Uint8Array {
  const hashes = [call.first, call.second, ...call.proof];
  const out = new Uint8Array(16 + hashes.reduce((n, h) => n + 1 + h.length, 0));
  const view = new DataView(out.buffer);
  view.setBigInt64(0, BigInt(call.a));
  view.setBigInt64(8, BigInt(call.b));
  let at = 16;
  for (const h of hashes) {
    out[at] = h.length;
    out.set(h, at + 1);
    at += 1 + h.length;
  }
  return out;
}

/**
 * Any bytes as a call (so every mutant reaches the verifier): a short header reads as zero
 * bytes, a truncated hash is kept short, missing hashes of the call are empty.
 */
export function decodeProofCall(input: Uint8Array): ProofCall {
  const header = new Uint8Array(16);
  header.set(input.subarray(0, 16));
  const view = new DataView(header.buffer);
  const hashes: Uint8Array[] = [];
  for (let at = 16; at < input.length; at += 1 + input[at]!) {
    hashes.push(input.slice(at + 1, at + 1 + input[at]!));
  }
  const [first = new Uint8Array(0), second = new Uint8Array(0), ...proof] = hashes;
  return {
    a: Number(view.getBigInt64(0)),
    b: Number(view.getBigInt64(8)),
    first,
    second,
    proof,
  };
}

// ---- reference verifiers: RFC 6962 §2.1.1 PATH and §2.1.2 PROOF, recursive, read backwards ----

const MAX_TREE_SIZE = 2 ** 52;
const EMPTY_TREE_HASH = Buffer.from(
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'hex',
);

const isSize = (v: number): boolean => Number.isSafeInteger(v) && v >= 0 && v <= MAX_TREE_SIZE;
const isHash = (h: Uint8Array): boolean => h.length === 32;
const same = (x: Uint8Array, y: Uint8Array): boolean => Buffer.compare(x, y) === 0;

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * What `verifyInclusion(index, size, leaf, proof, root)` must do: 'invalid' when it must throw
 * (bad integers, index outside the tree, a hash not 32 bytes, a proof of the wrong length),
 * else whether the proof rebuilds `root`. PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) (or
 * MTH(D[0:k]) when m >= k), so the last element is the sibling at the top.
 */
export function refVerifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean | 'invalid' {
  if (!isSize(size) || !isSize(index) || index >= size) return 'invalid';
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return 'invalid';
  const rest = [...proof];
  const rebuild = (m: number, n: number): Uint8Array | undefined => {
    if (n === 1) return leaf;
    const k = split(n);
    const sibling = rest.pop();
    if (sibling === undefined) return undefined;
    if (m < k) {
      const left = rebuild(m, k);
      return left && refNodeHash(left, sibling);
    }
    const right = rebuild(m - k, n - k);
    return right && refNodeHash(sibling, right);
  };
  const got = rebuild(index, size);
  if (got === undefined || rest.length > 0) return 'invalid';
  return same(got, root);
}

/**
 * What `verifyConsistency(size1, size2, proof, root1, root2)` must do ('invalid': it must throw).
 * Equal sizes or size1 = 0 take an empty proof (equal roots; root1 the empty-tree hash).
 * SUBPROOF(m, D[n], b) read backwards gives the old and the new root of each subtree.
 */
export function refVerifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean | 'invalid' {
  if (!isSize(size1) || !isSize(size2) || size1 > size2) return 'invalid';
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return 'invalid';
  if (size1 === size2 || size1 === 0) {
    if (proof.length > 0) return 'invalid';
    return size1 === size2 ? same(root1, root2) : same(root1, EMPTY_TREE_HASH);
  }
  const rest = [...proof];
  const roots = (m: number, n: number, whole: boolean): [Uint8Array, Uint8Array] | undefined => {
    if (m === n) {
      // The old tree is this whole subtree: its root is root1 itself, or a proof element.
      if (whole) return [root1, root1];
      const x = rest.pop();
      return x && [x, x];
    }
    const k = split(n);
    const sibling = rest.pop();
    if (sibling === undefined) return undefined;
    if (m <= k) {
      const r = roots(m, k, whole);
      return r && [r[0], refNodeHash(r[1], sibling)];
    }
    const r = roots(m - k, n - k, false);
    return r && [refNodeHash(sibling, r[0]), refNodeHash(sibling, r[1])];
  };
  const got = roots(size1, size2, true);
  if (got === undefined || rest.length > 0) return 'invalid';
  return same(got[0], root1) && same(got[1], root2);
}
