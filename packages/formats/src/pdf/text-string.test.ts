import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer } from './lexer.js';
import { decodeTextString, encodeTextString } from './text-string.js';

const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** Encode, lex back as a string object, decode: what a reader sees. */
function roundTrip(value: string): string {
  const t = new Lexer(encodeTextString(value)).next();
  if (t.kind !== 'string') throw new Error('not a string');
  return decodeTextString(t.bytes);
}

describe('PDF text strings (ISO 32000-1 §7.9.2.2, Annex D)', () => {
  it('reads PDFDocEncoding, including the codes that differ from Latin-1', () => {
    expect(decodeTextString(Uint8Array.of(0x41, 0x18, 0x1f, 0x80, 0x8d, 0x9e, 0xa0, 0xe9))).toBe('A˘˜•“ž€é');
    // Undefined codes (0x9F, 0x7F, controls) read as their Latin-1 character.
    expect(decodeTextString(Uint8Array.of(0x9f, 0x7f, 0x01))).toBe('\u009f\u007f\u0001');
  });

  it('reads UTF-16BE after FE FF (surrogate pairs too) and UTF-8 after EF BB BF', () => {
    expect(decodeTextString(Uint8Array.of(0xfe, 0xff, 0x4e, 0xba, 0xd8, 0x34, 0xdd, 0x1e))).toBe('人𝄞');
    expect(decodeTextString(Uint8Array.of(0xef, 0xbb, 0xbf, 0xe4, 0xba, 0xba))).toBe('人');
    // A BOM character inside the text is kept.
    expect(decodeTextString(Uint8Array.of(0xfe, 0xff, 0xfe, 0xff, 0, 0x41))).toBe('\ufeffA');
  });

  it('writes printable ASCII as a PDFDocEncoding literal, escaping ( ) \\ CR LF', () => {
    expect(text(encodeTextString('{"a":"(x)\\"}'))).toBe('({"a":"\\(x\\)\\\\"})');
    expect(text(encodeTextString('a\r\nb\tc'))).toBe('(a\\r\\nb\tc)');
    expect(text(encodeTextString(''))).toBe('()');
  });

  it('writes anything else as UTF-16BE with BOM in a literal string', () => {
    expect([...encodeTextString('é')]).toEqual([0x28, 0xfe, 0xff, 0x00, 0xe9, 0x29]);
    // U+5C0F and U+0D28 have code-unit bytes 5C / 0D / 28: escaped like any other byte.
    expect([...encodeTextString('小ന')]).toEqual([
      0x28, 0xfe, 0xff, 0x5c, 0x5c, 0x0f, 0x5c, 0x72, 0x5c, 0x28, 0x29,
    ]);
    // Control characters PDFDocEncoding remaps (0x18-0x1F) must not be written as single bytes.
    expect(encodeTextString('\u0018')[1]).toBe(0xfe);
  });

  it.each([
    'plain',
    '(',
    ')',
    '\\',
    '\r',
    '\r\n',
    '\n',
    '\u0018˘',
    'é',
    '人工智能',
    '𝄞',
    '\ufeffx',
    '小ന)',
    '',
  ])('round-trips %j', (v) => {
    expect(roundTrip(v)).toBe(v);
  });

  it('round-trips any well-formed string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (v) => {
        expect(roundTrip(v)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });
});
