/**
 * PDF tokens (ISO 32000-1 §7.2 lexical conventions, §7.3 objects): white-space and comments,
 * delimiters, numbers, names (with `#xx` escapes), literal and hexadecimal strings, keywords.
 *
 * Every byte is hostile: the lexer bounds-checks every read, caps string and name lengths and
 * never allocates more than the bytes it scanned. Running off the end of the data is
 * `format.truncated`; anything else malformed is `format.corrupt`.
 */
import { type FormatError, formatError } from '../errors.js';

/** Longest string we decode (Info values, names in dictionaries are far shorter). */
export const MAX_STRING_BYTES = 4 * 1024 * 1024;
/** Longest name; PDF 1.7 Annex C limits names to 127 bytes, we allow a generous margin. */
export const MAX_NAME_BYTES = 4096;

export type Token =
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly integer: boolean;
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'name'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'string'; readonly bytes: Uint8Array; readonly start: number; readonly end: number }
  | {
      readonly kind: 'delim';
      readonly text: '<<' | '>>' | '[' | ']' | '{' | '}';
      readonly start: number;
      readonly end: number;
    }
  | { readonly kind: 'keyword'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'eof'; readonly start: number; readonly end: number };

/** §7.2.2 Table 1: NUL, HT, LF, FF, CR, SP. */
export function isWhite(b: number | undefined): boolean {
  return b === 0x00 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

/** §7.2.2 Table 2: ( ) < > [ ] { } / %. */
export function isDelimiter(b: number | undefined): boolean {
  return (
    b === 0x28 ||
    b === 0x29 ||
    b === 0x3c ||
    b === 0x3e ||
    b === 0x5b ||
    b === 0x5d ||
    b === 0x7b ||
    b === 0x7d ||
    b === 0x2f ||
    b === 0x25
  );
}

function isRegular(b: number | undefined): boolean {
  return b !== undefined && !isWhite(b) && !isDelimiter(b);
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

export class Lexer {
  pos: number;

  constructor(
    readonly data: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Skips white-space and comments (§7.2.3: a comment runs to the end of the line). */
  skipWhite(): void {
    const d = this.data;
    for (;;) {
      const b = d[this.pos];
      if (isWhite(b)) this.pos++;
      else if (b === 0x25) {
        while (this.pos < d.length && d[this.pos] !== 0x0a && d[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  next(): Token {
    this.skipWhite();
    const d = this.data;
    const start = this.pos;
    const b = d[start];
    if (b === undefined) return { kind: 'eof', start, end: start };
    if (b === 0x28) return this.literalString(start);
    if (b === 0x3c) {
      if (d[start + 1] === 0x3c) return this.delim('<<', start, 2);
      return this.hexString(start);
    }
    if (b === 0x3e) {
      if (d[start + 1] === 0x3e) return this.delim('>>', start, 2);
      throw corrupt('a lone ">"', start);
    }
    if (b === 0x5b) return this.delim('[', start, 1);
    if (b === 0x5d) return this.delim(']', start, 1);
    if (b === 0x7b) return this.delim('{', start, 1);
    if (b === 0x7d) return this.delim('}', start, 1);
    if (b === 0x2f) return this.name(start);
    if (b === 0x29) throw corrupt('an unbalanced ")"', start);
    let end = start;
    while (isRegular(d[end])) end++;
    this.pos = end;
    if (end - start > MAX_NAME_BYTES) throw corrupt('an overlong keyword or number', start);
    const text = String.fromCharCode(...d.subarray(start, end));
    if (NUMBER.test(text)) {
      const value = Number(text);
      const integer = !text.includes('.');
      if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
        throw corrupt('a number out of range', start);
      }
      return { kind: 'number', value, integer, start, end };
    }
    return { kind: 'keyword', text, start, end };
  }

  /** The next token without consuming it. */
  peek(): Token {
    const at = this.pos;
    const t = this.next();
    this.pos = at;
    return t;
  }

  private delim(text: '<<' | '>>' | '[' | ']' | '{' | '}', start: number, length: number): Token {
    this.pos = start + length;
    return { kind: 'delim', text, start, end: this.pos };
  }

  /** §7.3.5: `/` then regular characters; `#xx` is the byte xx. */
  private name(start: number): Token {
    const d = this.data;
    let end = start + 1;
    while (isRegular(d[end])) end++;
    if (end - start > MAX_NAME_BYTES) throw corrupt('an overlong name', start);
    let name = '';
    for (let i = start + 1; i < end; i++) {
      const c = d[i]!;
      if (c === 0x23) {
        const hi = hexValue(d[i + 1] ?? -1);
        const lo = hexValue(d[i + 2] ?? -1);
        if (i + 2 >= end || hi < 0 || lo < 0) throw corrupt('a bad #xx escape in a name', i);
        name += String.fromCharCode(hi * 16 + lo);
        i += 2;
      } else name += String.fromCharCode(c);
    }
    this.pos = end;
    return { kind: 'name', name, start, end };
  }

  /** §7.3.4.3: hex digits and white-space up to `>`; an odd final digit is followed by 0. */
  private hexString(start: number): Token {
    const d = this.data;
    let end = start + 1;
    let digits = 0;
    for (;;) {
      const c = d[end];
      if (c === undefined) throw truncated('a hexadecimal string', start);
      if (c === 0x3e) break;
      if (hexValue(c) >= 0) digits++;
      else if (!isWhite(c)) throw corrupt('a non-hex character in a hexadecimal string', end);
      end++;
    }
    const out = new Uint8Array(Math.ceil(digits / 2));
    if (out.length > MAX_STRING_BYTES) throw corrupt('an overlong string', start);
    let n = 0;
    for (let i = start + 1; i < end; i++) {
      const v = hexValue(d[i]!);
      if (v < 0) continue;
      if (n % 2 === 0) out[n >> 1] = v << 4;
      else out[n >> 1] = out[n >> 1]! | v;
      n++;
    }
    this.pos = end + 1;
    return { kind: 'string', bytes: out, start, end: this.pos };
  }

  /**
   * §7.3.4.2: balanced parentheses; escapes `\n \r \t \b \f \( \) \\ \ddd`, a backslash before
   * an end-of-line continues the line, an unknown escape drops the backslash; an unescaped
   * CR or CR LF reads as LF. Two passes: find the end, then decode into a buffer no larger
   * than the scanned bytes.
   */
  private literalString(start: number): Token {
    const d = this.data;
    let depth = 1;
    let end = start + 1;
    for (;;) {
      const c = d[end];
      if (c === undefined) throw truncated('a literal string', start);
      if (c === 0x5c) end += 2;
      else {
        if (c === 0x28) depth++;
        else if (c === 0x29 && --depth === 0) break;
        end++;
      }
    }
    if (end - start - 1 > MAX_STRING_BYTES) throw corrupt('an overlong string', start);
    const out = new Uint8Array(end - start - 1);
    let n = 0;
    for (let i = start + 1; i < end; i++) {
      const c = d[i]!;
      if (c === 0x0d) {
        out[n++] = 0x0a;
        if (d[i + 1] === 0x0a) i++;
        continue;
      }
      if (c !== 0x5c) {
        out[n++] = c;
        continue;
      }
      const e = d[++i]!;
      const simple = ESCAPES[e];
      if (simple !== undefined) out[n++] = simple;
      else if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let k = 0; k < 2 && i + 1 < end && d[i + 1]! >= 0x30 && d[i + 1]! <= 0x37; k++) {
          v = v * 8 + d[++i]! - 0x30;
        }
        out[n++] = v & 0xff; // §7.3.4.2: high-order overflow is ignored
      } else if (e === 0x0d) {
        if (d[i + 1] === 0x0a) i++;
      } else if (e !== 0x0a) out[n++] = e;
    }
    this.pos = end + 1;
    return { kind: 'string', bytes: out.slice(0, n), start, end: this.pos };
  }
}

const ESCAPES: Partial<Record<number, number>> = {
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x28: 0x28, // \(
  0x29: 0x29, // \)
  0x5c: 0x5c, // \\
};

export function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `PDF has ${what}; the file is damaged.`, { offset });
}

export function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `PDF ends inside ${what}; the file is incomplete.`, { offset });
}
