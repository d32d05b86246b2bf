/**
 * Test-only reference for the Merkle code: RFC 6962 §2.1 written as literally as possible
 * (recursive MTH, PATH and PROOF/SUBPROOF on lists), plus an in-memory stored-hash log.
 * Deliberately naive and independent of merkle.ts / proofs.ts beyond the two hash primitives.
 */
import { createHash } from 'node:crypto';
import { type HashReader, storedHashes } from '../merkle.js';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** RFC 6962 §2.1 leaf hash. */
export const refLeafHash = (d: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), d);
/** RFC 6962 §2.1 node hash. */
export const refNodeHash = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), l, r);

/** Largest power of two strictly smaller than n (n > 1). */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}

/** MTH(D[n]) over leaf hashes. */
export function refRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  const s = k(leaves.length);
  return refNodeHash(refRoot(leaves.slice(0, s)), refRoot(leaves.slice(s)));
}

/** PATH(m, D[n]) (RFC 6962 §2.1.1). */
export function refPath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const s = k(leaves.length);
  return m < s
    ? [...refPath(m, leaves.slice(0, s)), refRoot(leaves.slice(s))]
    : [...refPath(m - s, leaves.slice(s)), refRoot(leaves.slice(0, s))];
}

/** PROOF(m, D[n]) (RFC 6962 §2.1.2), for 0 < m <= n. */
export function refProof(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [refRoot(leaves)];
  const s = k(n);
  return m <= s
    ? [...subproof(m, leaves.slice(0, s), b), refRoot(leaves.slice(s))]
    : [...subproof(m - s, leaves.slice(s), false), refRoot(leaves.slice(0, s))];
}

/** Deterministic distinct leaf data for leaf i. */
export function buildLeafData(i: number): Uint8Array {
  return new TextEncoder().encode(`leaf ${i}`);
}

/** An in-memory log grown through storedHashes, as a sequencer would. */
export interface TestLog {
  readonly leaves: Uint8Array[];
  readonly stored: Uint8Array[];
  readonly reader: HashReader;
  append(data: Uint8Array): Promise<void>;
}

export function buildLog(): TestLog {
  const leaves: Uint8Array[] = [];
  const stored: Uint8Array[] = [];
  const reader: HashReader = (indexes) =>
    indexes.map((i) => {
      const h = stored[i];
      if (h === undefined) throw new Error(`no stored hash ${i}`);
      return h;
    });
  return {
    leaves,
    stored,
    reader,
    async append(data) {
      stored.push(...(await storedHashes(leaves.length, data, reader)));
      leaves.push(refLeafHash(data));
    },
  };
}

/** A log of `size` leaves with data buildLeafData(0..size-1). */
export async function buildLogOfSize(size: number): Promise<TestLog> {
  const log = buildLog();
  for (let i = 0; i < size; i++) await log.append(buildLeafData(i));
  return log;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** The RFC 6962 test leaf inputs as transparency-dev/merkle publishes them (testonly/constants.go). */
export const RFC6962_TEST_LEAVES: readonly Uint8Array[] = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
