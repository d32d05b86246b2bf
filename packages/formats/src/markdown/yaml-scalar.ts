/**
 * The one YAML construct we read and write: a top-level `AIGC: value` line (YAML 1.2.2 §7.3
 * flow scalars, on one line). Reading accepts single-quoted (§7.3.2, `''` escapes a quote),
 * double-quoted (§7.3.1, backslash escapes §5.7) and plain scalars (§7.3.3; the label JSON, a
 * valid YAML flow mapping, is returned as its source text). Writing uses a single-quoted scalar,
 * or a double-quoted one when the value holds characters a single-quoted line cannot (line
 * breaks, non-printable characters §5.1).
 */
import { formatError } from '../errors.js';

export const AIGC_KEY = 'AIGC';

/** `AIGC:` at column 0, plain or quoted, then a space, a tab or the end of the line. */
const KEY = /^(?:AIGC|"AIGC"|'AIGC')[ \t]*:(?=[ \t]|$)/;

/** The value text after the key when `line` is a top-level AIGC entry, else undefined. */
export function aigcEntryValue(line: string): string | undefined {
  const m = KEY.exec(line);
  return m === null ? undefined : line.slice(m[0].length);
}

function bad(message: string): never {
  throw formatError('format.corrupt', `The AIGC front matter value ${message}; write it as a quoted scalar.`);
}

/** After a quoted scalar: only white space and an optional comment (§6.6). */
function checkRest(rest: string): void {
  if (!/^(?:[ \t]+#.*)?[ \t]*$/.test(rest)) bad('has text after its closing quote');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

function parseDoubleQuoted(s: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    if (i >= s.length) bad('has no closing double quote on its line');
    const c = s[i]!;
    if (c === '"') break;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) bad('ends in a backslash');
    const n = HEX_LENGTH[e];
    if (n !== undefined) {
      const hex = s.slice(i + 2, i + 2 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) bad('has a bad \\x, \\u or \\U escape');
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bad('escapes a non-character');
      out += String.fromCodePoint(cp);
      i += 2 + n;
    } else {
      const v = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
      if (v === undefined) bad('has an unknown escape');
      out += v;
      i += 2;
    }
  }
  checkRest(s.slice(i + 1));
  return out;
}

function parseSingleQuoted(s: string): string {
  let out = '';
  let i = 1;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0) bad('has no closing single quote on its line');
    out += s.slice(i, q);
    if (s[q + 1] !== "'") {
      checkRest(s.slice(q + 1));
      return out;
    }
    out += "'";
    i = q + 2;
  }
}

/** Decodes the value text after `AIGC:` (one line). Throws FormatError `format.corrupt`. */
export function parseScalar(text: string): string {
  const s = text.replace(/^[ \t]+/, '');
  if (s.startsWith('"')) return parseDoubleQuoted(s);
  if (s.startsWith("'")) return parseSingleQuoted(s);
  // Plain scalar: up to a comment (" #"), trailing white space dropped (§7.3.3).
  const comment = s.search(/[ \t]#/);
  const plain = (comment < 0 ? s : s.slice(0, comment)).replace(/[ \t]+$/, '');
  if (plain.startsWith('#')) return '';
  if (/^[|>&*!%@`]/.test(plain)) bad('is a block scalar, anchor, alias, tag or reserved form');
  return plain;
}

/** YAML printable characters that may stand in a single-quoted scalar on one line (§5.1, §5.4). */
function singleQuotable(value: string): boolean {
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    const ok =
      cp === 0x09 ||
      (cp >= 0x20 && cp <= 0x7e) ||
      (cp >= 0xa0 && cp <= 0xd7ff && cp !== 0x2028 && cp !== 0x2029) ||
      (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
      cp >= 0x10000;
    if (!ok) return false;
  }
  return true;
}

/** The line `AIGC: <scalar>` for `value`. */
export function formatEntry(value: string): string {
  // In u-mode \p{Cs} matches only unpaired surrogates, which no UTF-8 file can hold.
  if (/\p{Cs}/u.test(value))
    throw formatError('format.corrupt', 'The AIGC value is not well-formed Unicode text.');
  if (singleQuotable(value)) return `${AIGC_KEY}: '${value.replace(/'/g, "''")}'`;
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (singleQuotable(ch) && cp !== 0x09) out += ch;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${AIGC_KEY}: "${out}"`;
}
