/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte-exact serialization per JSON value, so
 * anyone can recompute a ledger leaf from a record.
 *
 * - §3.2.1 no whitespace; literals `null`, `true`, `false`.
 * - §3.2.2.2 strings: `"` and `\` escaped, U+0000–U+001F as `\b \t \n \f \r` or `\u00xx`
 *   (lowercase hex), everything else (U+007F and non-ASCII included) as is.
 * - §3.2.2.3 numbers: ECMAScript Number::toString (ECMA-262 §7.1.12.1), `-0` as `0`.
 * - §3.2.3 object members sorted by their names as arrays of UTF-16 code units, recursively.
 *
 * Choices (each throws `ledger.invalid_json` with the problem and a JSON-Pointer-like path):
 * - Lone surrogates in strings or member names are rejected: RFC 8785 §3.2.2.2 requires it
 *   (they would otherwise be escaped differently by different implementations).
 * - NaN, ±Infinity (no JSON form, §3.2.2.3) and bigint (not an IEEE 754 double) are rejected,
 *   as are undefined, functions, symbols, symbol-keyed members, sparse arrays and any object
 *   that is not a plain object or array (Date, Map, class instances: no silent toJSON).
 * - Nesting is capped at MAX_JSON_DEPTH, which also stops cycles.
 */
import { utf8Encode } from '@synthguard/core';
import { LedgerError } from './errors.js';

/** Deepest nesting of arrays and objects accepted. */
export const MAX_JSON_DEPTH = 64;
/** Longest text parseCanonicalJson reads (UTF-16 code units). */
export const MAX_JSON_TEXT = 1 << 20;

function invalid(problem: string, path: string): LedgerError {
  return new LedgerError('ledger.invalid_json', `The value has no canonical JSON form: ${problem}.`, {
    details: { problem, path: path === '' ? '/' : path },
  });
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** RFC 8785 §3.2.2.2 string serialization; throws on a lone surrogate. */
function serializeString(s: string, path: string): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1); // NaN past the end
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair, copied as is
        continue;
      }
      throw invalid('a string holds a lone surrogate', path);
    }
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(from, i) + (SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    from = i + 1;
  }
  return out + s.slice(from) + '"';
}

/** RFC 8785 §3.2.2.3: ECMAScript Number::toString; String(-0) is already "0". */
function serializeNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) throw invalid('a number is NaN or infinite', path);
  return String(n);
}

/** Member names sorted by UTF-16 code units (RFC 8785 §3.2.3); `<` on strings compares them so. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw invalid('a bigint is not a JSON number (use a string or a safe integer)', path);
    case 'object':
      break;
    default:
      throw invalid(`a ${typeof value} has no JSON form`, path);
  }
  if (value === null) return 'null';
  if (depth >= MAX_JSON_DEPTH) throw invalid(`nested deeper than ${MAX_JSON_DEPTH} (or a cycle)`, path);
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw invalid('a sparse array has a hole', `${path}/${i}`);
      items.push(serialize(value[i], `${path}/${i}`, depth + 1));
    }
    return `[${items.join(',')}]`;
  }
  if (!isPlainObject(value)) throw invalid('only plain objects and arrays are JSON', path);
  if (Object.getOwnPropertySymbols(value).length > 0) throw invalid('an object has symbol keys', path);
  const names = Object.keys(value).sort(byCodeUnits);
  const members = names.map((name) => {
    const at = `${path}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    return `${serializeString(name, at)}:${serialize(value[name], at, depth + 1)}`;
  });
  return `{${members.join(',')}}`;
}

/**
 * The RFC 8785 canonical JSON text of `value`. Throws `ledger.invalid_json` (see the module
 * comment for what is rejected).
 *
 * @example
 *   canonicalJson({ b: [1e30, -0], a: 'é' }) // '{"a":"é","b":[1e+30,0]}'
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, '', 0);
}

/** canonicalJson as UTF-8 bytes: what a leaf hashes. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8Encode(canonicalJson(value));
}

/**
 * Parses `text` and checks that it is already canonical (byte-identical to canonicalJson of
 * what it parses to): so duplicate member names, non-canonical numbers or escapes, whitespace
 * and numbers that lose precision are all rejected. Throws `ledger.invalid_json`.
 */
export function parseCanonicalJson(text: string): unknown {
  if (text.length > MAX_JSON_TEXT) throw invalid(`the text is longer than ${MAX_JSON_TEXT}`, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('the text is not JSON', '');
  }
  if (canonicalJson(value) !== text) throw invalid('the text is JSON but not in canonical form', '');
  return value;
}
