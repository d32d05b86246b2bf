import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { Lexer, MAX_NAME_BYTES, type Token } from './lexer.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

function tokens(src: string): Token[] {
  const lx = new Lexer(bytes(src));
  const out: Token[] = [];
  for (let t = lx.next(); t.kind !== 'eof'; t = lx.next()) out.push(t);
  return out;
}

function stringOf(src: string): string {
  const t = new Lexer(bytes(src)).next();
  if (t.kind !== 'string') throw new Error(`not a string: ${t.kind}`);
  return text(t.bytes);
}

describe('PDF lexer (ISO 32000-1 §7.2, §7.3)', () => {
  it('reads numbers, names, keywords and delimiters, skipping white-space and comments', () => {
    const ts = tokens('<< /Type /Cat#61log %comment\n/N -12 /R +.5 /X 3. [ ] { } true R >>');
    expect(
      ts.map((t) =>
        t.kind === 'number'
          ? [t.kind, t.value, t.integer]
          : t.kind === 'name'
            ? [t.kind, t.name]
            : t.kind === 'delim' || t.kind === 'keyword'
              ? [t.kind, t.text]
              : [t.kind],
      ),
    ).toEqual([
      ['delim', '<<'],
      ['name', 'Type'],
      ['name', 'Catalog'],
      ['name', 'N'],
      ['number', -12, true],
      ['name', 'R'],
      ['number', 0.5, false],
      ['name', 'X'],
      ['number', 3, false],
      ['delim', '['],
      ['delim', ']'],
      ['delim', '{'],
      ['delim', '}'],
      ['keyword', 'true'],
      ['keyword', 'R'],
      ['delim', '>>'],
    ]);
    expect(ts[1]).toMatchObject({ start: 3, end: 8 });
  });

  it.each([
    ['(plain)', 'plain'],
    ['(a (nested) pair)', 'a (nested) pair'],
    ['(\\(\\)\\\\)', '()\\'],
    ['(\\n\\r\\t\\b\\f)', '\n\r\t\b\f'],
    ['(\\101\\60\\0x)', 'A0\0x'],
    ['(\\1234)', 'S4'], // three octal digits at most
    ['(\\501)', 'A'], // high-order overflow ignored
    ['(one\\\ntwo\\\r\nthree)', 'onetwothree'], // line continuation
    ['(a\r\nb\rc\nd)', 'a\nb\nc\nd'], // unescaped EOLs read as LF
    ['(\\q)', 'q'], // unknown escape: the backslash is dropped
    ['()', ''],
  ])('literal string %j', (src, want) => {
    expect(stringOf(src)).toBe(want);
  });

  it.each([
    ['<48656C6C6F>', 'Hello'],
    ['<48 65\n6c 6C 6f>', 'Hello'],
    ['<414>', 'A@'], // odd final digit is followed by 0
    ['<>', ''],
  ])('hexadecimal string %j', (src, want) => {
    expect(stringOf(src)).toBe(want);
  });

  it.each([
    ['(unterminated', 'format.truncated'],
    ['(nested (unterminated)', 'format.truncated'],
    ['(ends in escape\\', 'format.truncated'],
    ['<4142', 'format.truncated'],
    ['<41G2>', 'format.corrupt'],
    ['> x', 'format.corrupt'],
    [') x', 'format.corrupt'],
    ['/Bad#4', 'format.corrupt'],
    ['/Bad#zz', 'format.corrupt'],
    [`/${'n'.repeat(MAX_NAME_BYTES + 1)}`, 'format.corrupt'],
    ['99999999999999999999', 'format.corrupt'],
  ])('rejects %j', (src, code) => {
    expect(catchFormatError(() => new Lexer(bytes(src)).next())?.code).toBe(code);
  });

  it('peek does not consume', () => {
    const lx = new Lexer(bytes('1 2'));
    expect(lx.peek()).toMatchObject({ kind: 'number', value: 1 });
    expect(lx.next()).toMatchObject({ kind: 'number', value: 1 });
    expect(lx.next()).toMatchObject({ kind: 'number', value: 2 });
    expect(lx.next().kind).toBe('eof');
  });

  it('random bytes: every token advances, and only FormatError escapes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        catchFormatError(() => {
          const lx = new Lexer(data);
          for (let i = 0; i <= data.length; i++) {
            const before = lx.pos;
            const t = lx.next();
            if (t.kind === 'eof') return;
            expect(lx.pos).toBeGreaterThan(before);
            expect(t.end).toBeLessThanOrEqual(data.length);
          }
          throw new Error('lexer did not reach the end');
        });
      }),
      { numRuns: 500 },
    );
  });
});
