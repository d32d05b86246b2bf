/**
 * CBOR encoder (RFC 8949 §3). Always definite lengths and the shortest argument encoding
 * (§4.2.1 preferred serialisation), so the same value gives the same bytes: C2PA hashes the
 * serialised assertions and claim (C2PA 2.x §15.2), and what we hash must be what we wrote.
 * Map order is insertion order (not the §4.2.1 length-first sort): c2pa-rs serialises structs
 * in field order too, and validators hash bytes, never re-encode.
 */
import { CborTag, type CborValue } from './value.js';

const MAJOR_UINT = 0;
const MAJOR_NINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MAJOR_SIMPLE = 7;

const utf8 = new TextEncoder();

class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Major type + argument, shortest form (RFC 8949 §3). */
  head(major: number, arg: number | bigint): void {
    const n = BigInt(arg);
    const m = major << 5;
    if (n < 24n) this.byte(m | Number(n));
    else if (n < 0x100n) {
      this.byte(m | 24);
      this.byte(Number(n));
    } else if (n < 0x10000n) {
      this.byte(m | 25);
      this.byte(Number(n >> 8n));
      this.byte(Number(n & 0xffn));
    } else if (n < 0x100000000n) {
      this.byte(m | 26);
      for (let s = 24n; s >= 0n; s -= 8n) this.byte(Number((n >> s) & 0xffn));
    } else {
      this.byte(m | 27);
      for (let s = 56n; s >= 0n; s -= 8n) this.byte(Number((n >> s) & 0xffn));
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const MAX_U64 = (1n << 64n) - 1n;

function encodeInteger(w: Writer, v: bigint): void {
  if (v >= 0n) {
    if (v > MAX_U64) throw new RangeError('CBOR integer out of 64-bit range');
    w.head(MAJOR_UINT, v);
  } else {
    const n = -1n - v;
    if (n > MAX_U64) throw new RangeError('CBOR integer out of 64-bit range');
    w.head(MAJOR_NINT, n);
  }
}

function encodeInto(w: Writer, v: CborValue, depth: number): void {
  if (depth > 64) throw new RangeError('CBOR value nested too deeply');
  if (v === false) w.byte((MAJOR_SIMPLE << 5) | 20);
  else if (v === true) w.byte((MAJOR_SIMPLE << 5) | 21);
  else if (v === null) w.byte((MAJOR_SIMPLE << 5) | 22);
  else if (v === undefined) w.byte((MAJOR_SIMPLE << 5) | 23);
  else if (typeof v === 'bigint') encodeInteger(w, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) encodeInteger(w, BigInt(v));
    else {
      // Float64 (major 7, additional 27): exact for every JS number.
      w.byte((MAJOR_SIMPLE << 5) | 27);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v);
      w.bytes(b);
    }
  } else if (typeof v === 'string') {
    const b = utf8.encode(v);
    w.head(MAJOR_TEXT, b.length);
    w.bytes(b);
  } else if (v instanceof Uint8Array) {
    w.head(MAJOR_BYTES, v.length);
    w.bytes(v);
  } else if (v instanceof CborTag) {
    w.head(MAJOR_TAG, v.tag);
    encodeInto(w, v.value, depth + 1);
  } else if (Array.isArray(v)) {
    const items = v as readonly CborValue[];
    w.head(MAJOR_ARRAY, items.length);
    for (const item of items) encodeInto(w, item, depth + 1);
  } else {
    const map = v as ReadonlyMap<string | number, CborValue>;
    w.head(MAJOR_MAP, map.size);
    for (const [k, item] of map) {
      encodeInto(w, k, depth + 1);
      encodeInto(w, item, depth + 1);
    }
  }
}

/** Serialises `value`; throws RangeError only for values no CBOR can hold (a programming error). */
export function encodeCbor(value: CborValue): Uint8Array {
  const w = new Writer();
  encodeInto(w, value, 0);
  return w.result();
}
