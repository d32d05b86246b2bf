/**
 * Minimal DER (ITU-T X.690 §10) writer and reader: enough to build the development
 * certificates (RFC 5280 §4.1) and to read the extensions that node:crypto's X509Certificate
 * does not expose (key usage bits, basic constraints, key identifiers) for the C2PA
 * certificate profile (C2PA 2.x §14.5.1). The reader treats every byte as hostile: lengths are
 * checked against the enclosing element before use, long-form lengths over 4 bytes and
 * indefinite lengths are refused, and only `C2paError('c2pa.corrupt')` escapes.
 */
import { concatBytes } from '@synthguard/core';
import { c2paError } from '../errors.js';

// ---- writer -------------------------------------------------------------------------------

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One TLV element. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...lengthBytes(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, concatBytes(items));
export const set = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SET, concatBytes(items));
/** Context-specific constructed [n] (explicit tagging). */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
export const octetString = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const utf8String = (s: string): Uint8Array => tlv(TAG.UTF8_STRING, new TextEncoder().encode(s));
export const boolean = (v: boolean): Uint8Array => tlv(TAG.BOOLEAN, Uint8Array.of(v ? 0xff : 0));

/** BIT STRING with `unused` trailing bits in the last byte (X.690 §8.6). */
export function bitString(bytes: Uint8Array, unused = 0): Uint8Array {
  const c = new Uint8Array(bytes.length + 1);
  c[0] = unused;
  c.set(bytes, 1);
  return tlv(TAG.BIT_STRING, c);
}

/** Non-negative INTEGER from big-endian magnitude bytes (X.690 §8.3: minimal, sign bit clear). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  const pad = m.length === 0 || (m[0]! & 0x80) !== 0;
  const c = new Uint8Array(m.length + (pad ? 1 : 0));
  c.set(m, pad ? 1 : 0);
  return tlv(TAG.INTEGER, c);
}

export const smallInteger = (n: number): Uint8Array => unsignedInteger(Uint8Array.of(n));

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => BigInt(s));
  if (arcs.length < 2) throw new RangeError('OID needs two arcs');
  const out: number[] = [];
  const push = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (let x = v >> 7n; x > 0n; x >>= 7n) chunk.unshift(Number(x & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** UTCTime for years 1950-2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(d: Date): Uint8Array {
  const p = (n: number): string => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const enc = new TextEncoder();
  return y < 2050
    ? tlv(TAG.UTC_TIME, enc.encode(`${p(y % 100)}${rest}`))
    : tlv(TAG.GENERALIZED_TIME, enc.encode(`${y}${rest}`));
}

// ---- reader -------------------------------------------------------------------------------

export interface DerElement {
  readonly tag: number;
  /** Offset of the tag byte in the buffer the element was read from. */
  readonly start: number;
  /** The content octets (a view). */
  readonly content: Uint8Array;
  /** The whole TLV (a view). */
  readonly raw: Uint8Array;
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `DER is malformed (${what}); the certificate is damaged.`, { offset });
}

/** Reads one element at `at` within `buf`. High-tag-number form (tag 0x1f) is refused. */
export function readElement(buf: Uint8Array, at: number): DerElement {
  if (at + 2 > buf.length) throw corrupt('ends inside a header', at);
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw corrupt('high tag number', at);
  const first = buf[at + 1]!;
  let len: number;
  let head: number;
  if (first < 0x80) {
    len = first;
    head = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw corrupt('unsupported length form', at);
    if (at + 2 + count > buf.length) throw corrupt('ends inside a length', at);
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[at + 2 + i]!;
    head = 2 + count;
  }
  const end = at + head + len;
  if (end > buf.length) throw corrupt('element longer than its container', at);
  return { tag, start: at, content: buf.subarray(at + head, end), raw: buf.subarray(at, end) };
}

/** The children of a constructed element, in order; at most `max` of them. */
export function children(el: DerElement, max = 256): DerElement[] {
  const out: DerElement[] = [];
  let at = 0;
  while (at < el.content.length) {
    if (out.length >= max) throw corrupt('too many elements', el.start);
    const child = readElement(el.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** Reads an element and checks its tag. */
export function expect(el: DerElement | undefined, tag: number, what: string): DerElement {
  if (el?.tag !== tag) throw corrupt(`expected ${what}`, el?.start ?? 0);
  return el;
}

/** Dotted text of an OBJECT IDENTIFIER's content (X.690 §8.19); arcs capped at 2^53. */
export function oidText(el: DerElement): string {
  expect(el, TAG.OID, 'an OID');
  const c = el.content;
  if (c.length === 0 || c.length > 64) throw corrupt('OID length', el.start);
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER) throw corrupt('OID arc too large', el.start);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    } else if (i === c.length - 1) throw corrupt('OID ends inside an arc', el.start);
  }
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}
