/**
 * CBOR decoder for hostile input (RFC 8949 §3). Definite lengths only (C2PA 2.x §15.2 asks
 * for deterministic CBOR; indefinite lengths are refused), nesting capped, every length checked
 * against the bytes that remain before anything is allocated, so memory stays within a small
 * multiple of the input. Map keys must be text or integers and unique (§5.6: duplicate keys
 * make a map invalid; a second key is where a forged value would hide). Only `C2paError`
 * (`c2pa.corrupt`, `c2pa.too_large`) escapes.
 */
import { c2paError } from '../errors.js';
import { CborTag, type CborKey, type CborValue } from './value.js';

export const MAX_CBOR_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `CBOR is malformed (${what}); the manifest store is damaged.`, { offset });
}

function halfToNumber(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array) {}

  need(n: number): void {
    if (n < 0 || this.at + n > this.b.length) throw corrupt('ends early', this.at);
  }

  u8(): number {
    this.need(1);
    return this.b[this.at++]!;
  }

  /** The argument of a head (RFC 8949 §3.1); returns bigint only when above 2^53. */
  arg(info: number, start: number): number | bigint {
    if (info < 24) return info;
    let len: number;
    if (info === 24) len = 1;
    else if (info === 25) len = 2;
    else if (info === 26) len = 4;
    else if (info === 27) len = 8;
    else throw corrupt(info === 31 ? 'indefinite length' : 'reserved additional info', start);
    this.need(len);
    let n = 0n;
    for (let i = 0; i < len; i++) n = (n << 8n) | BigInt(this.b[this.at++]!);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }

  /** A length: must fit in what remains (each item takes at least one byte). */
  length(info: number, start: number, minItemBytes: number): number {
    const n = this.arg(info, start);
    if (typeof n === 'bigint' || n * minItemBytes > this.b.length - this.at) {
      throw corrupt('length beyond the end', start);
    }
    return n;
  }

  value(depth: number): CborValue {
    if (depth > MAX_CBOR_DEPTH) {
      throw c2paError('c2pa.too_large', 'CBOR nests too deeply.', { limit: MAX_CBOR_DEPTH });
    }
    const start = this.at;
    const ib = this.u8();
    const major = ib >> 5;
    const info = ib & 0x1f;
    switch (major) {
      case 0:
        return this.arg(info, start);
      case 1: {
        const n = this.arg(info, start);
        return typeof n === 'bigint' || n > Number.MAX_SAFE_INTEGER - 1 ? -1n - BigInt(n) : -1 - n;
      }
      case 2: {
        const len = this.length(info, start, 1);
        const out = this.b.slice(this.at, this.at + len);
        this.at += len;
        return out;
      }
      case 3: {
        const len = this.length(info, start, 1);
        const raw = this.b.subarray(this.at, this.at + len);
        this.at += len;
        try {
          return utf8.decode(raw);
        } catch {
          throw corrupt('invalid UTF-8 text', start);
        }
      }
      case 4: {
        const len = this.length(info, start, 1);
        const out: CborValue[] = [];
        for (let i = 0; i < len; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        const len = this.length(info, start, 2);
        const out = new Map<CborKey, CborValue>();
        for (let i = 0; i < len; i++) {
          const keyAt = this.at;
          const key = this.value(depth + 1);
          if (typeof key !== 'string' && typeof key !== 'number')
            throw corrupt('map key not text or integer', keyAt);
          if (out.has(key)) throw corrupt('duplicate map key', keyAt);
          out.set(key, this.value(depth + 1));
        }
        return out;
      }
      case 6: {
        const tag = this.arg(info, start);
        if (typeof tag === 'bigint') throw corrupt('tag number too large', start);
        return new CborTag(tag, this.value(depth + 1));
      }
      default:
        return this.simple(info, start);
    }
  }

  simple(info: number, start: number): CborValue {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 23) return undefined;
    if (info === 25) {
      this.need(2);
      const h = (this.b[this.at]! << 8) | this.b[this.at + 1]!;
      this.at += 2;
      return halfToNumber(h);
    }
    if (info === 26 || info === 27) {
      const len = info === 26 ? 4 : 8;
      this.need(len);
      const view = new DataView(this.b.buffer, this.b.byteOffset + this.at, len);
      this.at += len;
      return len === 4 ? view.getFloat32(0) : view.getFloat64(0);
    }
    throw corrupt('unsupported simple value', start);
  }
}

/** Decodes exactly one CBOR item filling all of `bytes`. Throws C2paError. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const r = new Reader(bytes);
  const v = r.value(0);
  if (r.at !== bytes.length) throw corrupt('trailing bytes after the item', r.at);
  return v;
}
