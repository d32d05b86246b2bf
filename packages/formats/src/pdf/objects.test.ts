import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { Lexer } from './lexer.js';
import { MAX_DEPTH, asNat, dictGet, parseIndirectObject, parseValue } from './objects.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const value = (s: string) => parseValue(new Lexer(bytes(s)));

describe('PDF objects (ISO 32000-1 §7.3)', () => {
  it('parses every basic type and indirect references', () => {
    expect(value('[1 0 R 1 0 -2 3.5 true false null /N (s) <41>]')).toEqual({
      kind: 'array',
      items: [
        { kind: 'ref', num: 1, gen: 0 },
        { kind: 'number', value: 1, integer: true },
        { kind: 'number', value: 0, integer: true },
        { kind: 'number', value: -2, integer: true },
        { kind: 'number', value: 3.5, integer: false },
        { kind: 'bool', value: true },
        { kind: 'bool', value: false },
        { kind: 'null' },
        { kind: 'name', name: 'N' },
        { kind: 'string', bytes: bytes('s') },
        { kind: 'string', bytes: bytes('A') },
      ],
    });
  });

  it('keeps dictionary entries in order, with the byte span of each', () => {
    const src = '<< /Title (T)  /Kids [1 0 R] %c\n /Info 7 0 R >>';
    const v = value(src);
    if (v.kind !== 'dict') throw new Error('not a dict');
    expect(v.dict.entries.map((e) => [e.key, src.slice(e.start, e.end)])).toEqual([
      ['Title', '/Title (T)'],
      ['Kids', '/Kids [1 0 R]'],
      ['Info', '/Info 7 0 R'],
    ]);
    expect(dictGet(v.dict, 'Info')).toEqual({ kind: 'ref', num: 7, gen: 0 });
    expect(dictGet(v.dict, 'None')).toBeUndefined();
    expect(asNat(dictGet(v.dict, 'Title'))).toBeUndefined();
  });

  it.each([
    ['<< /A 1', 'format.truncated'],
    ['[1 2', 'format.truncated'],
    ['<< 1 2 >>', 'format.corrupt'],
    ['<< /A >>', 'format.corrupt'],
    ['obj', 'format.corrupt'],
    ['{', 'format.corrupt'],
    ['['.repeat(MAX_DEPTH + 2), 'format.corrupt'],
  ])('rejects %j', (src, code) => {
    expect(catchFormatError(() => value(src))?.code).toBe(code);
  });

  it('follows nesting up to the cap', () => {
    expect(value(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`).kind).toBe('array');
  });
});

describe('indirect objects (§7.3.10, §7.3.8)', () => {
  it('parses N G obj … endobj at an offset', () => {
    const file = bytes('junk 12 3 obj\n<< /A 1 >>\nendobj\n');
    expect(parseIndirectObject(file, 5)).toMatchObject({ num: 12, gen: 3, value: { kind: 'dict' } });
  });

  it.each([
    ['LF', '\n'],
    ['CR LF', '\r\n'],
  ])('finds stream data after "stream" %s', (_, eol) => {
    const file = bytes(`1 0 obj\n<< /Length 5 >>\nstream${eol}hello\nendstream\nendobj\n`);
    const obj = parseIndirectObject(file, 0);
    expect(String.fromCharCode(...file.subarray(obj.stream!.start, obj.stream!.end))).toBe('hello');
  });

  it('resolves an indirect /Length through the callback', () => {
    const file = bytes('1 0 obj\n<< /Length 9 0 R >>\nstream\nabc\nendstream\nendobj\n');
    const obj = parseIndirectObject(file, 0, (ref) => (ref.num === 9 ? 3 : undefined));
    expect(String.fromCharCode(...file.subarray(obj.stream!.start, obj.stream!.end))).toBe('abc');
    expect(catchFormatError(() => parseIndirectObject(file, 0))?.code).toBe('format.corrupt');
  });

  it.each([
    ['no header', '<< >>\nendobj', 'format.corrupt'],
    ['no endobj', '1 0 obj\n<< >>\n2 0 obj', 'format.corrupt'],
    ['cut in the header', '1 0', 'format.truncated'],
    ['cut after the value', '1 0 obj\n<< >>', 'format.truncated'],
    ['CR alone after stream', '1 0 obj\n<< /Length 1 >>\nstream\rx\nendstream\nendobj', 'format.corrupt'],
    ['stream past the end', '1 0 obj\n<< /Length 99 >>\nstream\nx\nendstream\nendobj', 'format.truncated'],
    ['wrong /Length', '1 0 obj\n<< /Length 2 >>\nstream\nxyz\nendstream\nendobj', 'format.corrupt'],
    ['no /Length', '1 0 obj\n<< >>\nstream\nx\nendstream\nendobj', 'format.corrupt'],
    ['stream after a non-dict', '1 0 obj\n5\nstream\nx\nendstream\nendobj', 'format.corrupt'],
    ['generation out of range', '1 70000 obj\nnull\nendobj', 'format.corrupt'],
  ])('rejects %s', (_, src, code) => {
    expect(catchFormatError(() => parseIndirectObject(bytes(src), 0))?.code).toBe(code);
  });

  it('rejects offsets outside the data', () => {
    const file = bytes('1 0 obj null endobj');
    for (const at of [-1, file.length, 1.5]) {
      expect(catchFormatError(() => parseIndirectObject(file, at))?.code).toBe('format.corrupt');
    }
  });

  it('random bytes: only FormatError escapes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 199 }), (data, at) => {
        catchFormatError(() => parseValue(new Lexer(data)));
        catchFormatError(() => parseIndirectObject(data, at));
      }),
      { numRuns: 500 },
    );
  });
});
