/**
 * The CBOR data model we read and write (RFC 8949 §3). Maps keep insertion order and take
 * text or integer keys only: C2PA (§15.2, "CBOR serialisation") and COSE (RFC 9052 §3.1 header
 * labels) use nothing else, and refusing other keys keeps lookups unambiguous.
 */

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export type CborKey = string | number;

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborTag
  | readonly CborValue[]
  | ReadonlyMap<CborKey, CborValue>;

export function isCborMap(v: CborValue): v is ReadonlyMap<CborKey, CborValue> {
  return v instanceof Map;
}

/** Builds a map from an object literal, dropping `undefined` members (absent optional fields). */
export function cborMap(entries: Record<string, CborValue>): Map<CborKey, CborValue> {
  const m = new Map<CborKey, CborValue>();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) m.set(k, v);
  return m;
}
