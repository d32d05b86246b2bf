/**
 * The `c2pa.hash.bmff.v2` / `v3` hard binding for ISO BMFF without Merkle trees (C2PA 2.x
 * §18.6 "BMFF-based hash"), computed as c2pa-rs does (`bmff_to_jumbf_exclusions` and
 * `hash_stream_by_alg` in `utils/hash_utils.rs`): exclusions name top-level boxes by path
 * (`/ftyp`), optionally only those whose bytes at an offset match (`data`) or whose length
 * matches, optionally only parts of them (`subset`). Every top-level box that is not excluded
 * whole contributes its file offset (8 bytes, big-endian) to the hash right before its bytes,
 * so moving a box changes the hash. Nested box paths and Merkle maps are not supported and are
 * reported as such, never guessed.
 */
import { createHash } from 'node:crypto';
import { type CborValue, cborMap, isCborMap } from '../cbor/value.js';
import { boxesIn, C2PA_BOX_UUID } from '../embed/bmff.js';
import type { HashAlg } from './data-hash.js';

const MAX_EXCLUSIONS = 64;
const MAX_PARTS = 64;

export interface BmffExclusion {
  readonly xpath: string;
  readonly length?: number;
  readonly data?: readonly { readonly offset: number; readonly value: Uint8Array }[];
  readonly subset?: readonly { readonly offset: number; readonly length: number }[];
}

/** c2pa-rs `BmffHash::set_default_exclusions`: the C2PA box, ftyp, mfra, free, skip. */
export const DEFAULT_BMFF_EXCLUSIONS: readonly BmffExclusion[] = [
  { xpath: '/uuid', data: [{ offset: 8, value: C2PA_BOX_UUID }] },
  { xpath: '/ftyp' },
  { xpath: '/mfra' },
  { xpath: '/free' },
  { xpath: '/skip' },
];

export function bmffExclusionsCbor(list: readonly BmffExclusion[]): CborValue {
  return list.map((e) =>
    cborMap({
      xpath: e.xpath,
      length: e.length,
      data: e.data?.map((d) => cborMap({ offset: d.offset, value: d.value })),
      subset: e.subset?.map((s) => cborMap({ offset: s.offset, length: s.length })),
    }),
  );
}

const nat = (v: CborValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;

function parts<T>(
  v: CborValue | undefined,
  one: (m: ReadonlyMap<string | number, CborValue>) => T | undefined,
): T[] | undefined | null {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > MAX_PARTS) return null;
  const out: T[] = [];
  for (const item of v as readonly CborValue[]) {
    const parsed = item !== undefined && isCborMap(item) ? one(item) : undefined;
    if (parsed === undefined) return null;
    out.push(parsed);
  }
  return out;
}

/** Decodes the assertion's `exclusions`; undefined when malformed. */
export function parseBmffExclusions(v: CborValue | undefined): BmffExclusion[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_EXCLUSIONS) return undefined;
  const out: BmffExclusion[] = [];
  for (const item of v as readonly CborValue[]) {
    if (item === undefined || !isCborMap(item)) return undefined;
    const xpath = item.get('xpath');
    if (typeof xpath !== 'string') return undefined;
    const data = parts(item.get('data'), (m) => {
      const offset = nat(m.get('offset'));
      const value = m.get('value');
      return offset !== undefined && value instanceof Uint8Array ? { offset, value } : undefined;
    });
    const subset = parts(item.get('subset'), (m) => {
      const offset = nat(m.get('offset'));
      const length = nat(m.get('length'));
      return offset !== undefined && length !== undefined ? { offset, length } : undefined;
    });
    const length = item.get('length');
    if (data === null || subset === null || (length !== undefined && nat(length) === undefined))
      return undefined;
    out.push({
      xpath,
      ...(length === undefined ? {} : { length: nat(length)! }),
      ...(data === undefined ? {} : { data }),
      ...(subset === undefined ? {} : { subset }),
    });
  }
  return out;
}

type Piece =
  | { readonly kind: 'data'; readonly start: number; readonly end: number }
  | { readonly kind: 'offset'; readonly start: number };

/**
 * The BMFF v2/v3 file hash, or 'unsupported' for exclusions naming nested boxes. Throws
 * C2paError('c2pa.corrupt') when the box structure does not parse.
 */
export function bmffHash(
  alg: HashAlg,
  file: Uint8Array,
  exclusions: readonly BmffExclusion[],
): Uint8Array | 'unsupported' {
  const top = boxesIn(file, 0, file.length);
  const excluded: [number, number][] = [];
  const whole = new Set<number>();
  for (const ex of exclusions) {
    const m = /^\/([\x20-\x7e]{4})$/.exec(ex.xpath);
    if (m === null) return 'unsupported';
    for (const b of top) {
      const size = b.end - b.start;
      if (b.type !== m[1] || (ex.length !== undefined && ex.length !== size)) continue;
      const matches = (ex.data ?? []).every(
        (d) =>
          d.offset + d.value.length <= size && d.value.every((v, i) => file[b.start + d.offset + i] === v),
      );
      if (!matches) continue;
      if (ex.subset === undefined) {
        excluded.push([b.start, b.end]);
        whole.add(b.start);
        continue;
      }
      for (const s of ex.subset) {
        if (s.offset > size) continue;
        const len = s.length === 0 ? size - s.offset : Math.min(s.length, size - s.offset);
        if (len > 0) excluded.push([b.start + s.offset, b.start + s.offset + len]);
      }
    }
  }
  // Included ranges: the file minus the merged exclusions.
  excluded.sort((a, b) => a[0] - b[0]);
  const included: [number, number][] = [];
  let at = 0;
  for (const [s, e] of excluded) {
    if (s > at) included.push([at, s]);
    at = Math.max(at, e);
  }
  if (at < file.length) included.push([at, file.length]);
  // Split the included ranges at each top-level box offset and hash the offset there.
  const offsets = top.map((b) => b.start).filter((s) => !whole.has(s));
  const pieces: Piece[] = [];
  for (const [s0, e] of included) {
    let s = s0;
    for (const os of offsets) {
      if (os < s || os >= e) continue;
      if (os > s) pieces.push({ kind: 'data', start: s, end: os });
      pieces.push({ kind: 'offset', start: os });
      s = os;
    }
    pieces.push({ kind: 'data', start: s, end: e });
  }
  const first = included[0]?.[0] ?? 0;
  const last = (included.at(-1)?.[1] ?? file.length) - 1;
  for (const os of offsets) {
    if (!included.some(([s, e]) => os >= s && os < e) && os > first && os < last)
      pieces.push({ kind: 'offset', start: os });
  }
  pieces.sort((a, b) => a.start - b.start);
  const h = createHash(alg);
  const be = new Uint8Array(8);
  for (const p of pieces) {
    if (p.kind === 'offset') {
      new DataView(be.buffer).setBigUint64(0, BigInt(p.start));
      h.update(be);
    } else h.update(file.subarray(p.start, p.end));
  }
  return new Uint8Array(h.digest());
}
