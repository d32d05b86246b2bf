/**
 * C2SP tlog-tiles "Log entries": an entry bundle is the sequence of entries of one level-0 tile,
 * each as a big-endian uint16 length followed by that many bytes. Entry i of bundle N is leaf
 * N * 256 + i; its RFC 6962 leaf hash is hash i of level-0 tile N.
 *
 * The parser treats the bytes as hostile: every length is bounds-checked before it is read, the
 * entry count is capped at 256 (and must equal the expected width when one is given), and the
 * bundle must be consumed exactly.
 */
import { bytesEqual } from '@synthguard/core';
import { LedgerError } from './errors.js';
import { HASH_SIZE, leafHash } from './merkle.js';
import { TILE_WIDTH, type EntryBundle } from './tiles.js';

/** Largest entry a bundle can hold (uint16 length prefix). */
export const MAX_ENTRY_SIZE = 0xffff;

/** Encodes 1..256 entries (each at most 65,535 bytes) as an entry bundle. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length < 1 || entries.length > TILE_WIDTH) {
    throw bad('a bundle holds 1 to 256 entries', { count: entries.length });
  }
  let total = 0;
  entries.forEach((e, i) => {
    if (e.length > MAX_ENTRY_SIZE) throw bad('an entry is over 65,535 bytes', { entry: i });
    total += 2 + e.length;
  });
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >>> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Parses an entry bundle. With `bundle` (the coordinates it was fetched at), the entry count must
 * equal its width. Returns views into `data` (copy them to keep them past `data`).
 */
export function parseEntryBundle(data: Uint8Array, bundle?: EntryBundle): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    if (entries.length === TILE_WIDTH) throw bad('more than 256 entries', { entry: entries.length });
    if (at + 2 > data.length) throw bad('a length prefix is truncated', { entry: entries.length });
    const length = (data[at]! << 8) | data[at + 1]!;
    if (at + 2 + length > data.length) throw bad('an entry is truncated', { entry: entries.length });
    entries.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (entries.length === 0) throw bad('the bundle is empty', {});
  if (bundle !== undefined && entries.length !== bundle.width) {
    throw bad('the entry count is not the bundle width', { expected: bundle.width, got: entries.length });
  }
  return entries;
}

/**
 * Checks that `entries` hash (RFC 6962 leaf hash) to the hashes of their level-0 tile `tileData`
 * (which must be exactly entries.length * 32 bytes). Throws ledger.invalid_bundle otherwise.
 */
export function checkBundleAgainstTile(entries: readonly Uint8Array[], tileData: Uint8Array): void {
  if (tileData.length !== entries.length * HASH_SIZE) {
    throw bad('the tile and the bundle have different widths', {
      expected: entries.length * HASH_SIZE,
      got: tileData.length,
    });
  }
  entries.forEach((e, i) => {
    if (!bytesEqual(leafHash(e), tileData.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
      throw bad('an entry does not hash to its tile hash', { entry: i });
    }
  });
}

function bad(problem: string, details: Record<string, unknown>): LedgerError {
  return new LedgerError('ledger.invalid_bundle', `Invalid entry bundle: ${problem}.`, {
    details: { problem, ...details },
  });
}
