import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../../testing/mutations.js';
import { decodeCharData, escapeAttribute, escapeText } from './text.js';
import { MAX_XML_DEPTH, attribute, parseXml, prefixFor } from './tree.js';

describe('parseXml', () => {
  it('builds the tree with offsets, namespaces and decoded text', () => {
    const text =
      '<?xml version="1.0"?>\r\n<!-- c --><a:r xmlns:a="urn:a" xmlns="urn:d" k=\'v &amp; &#x41;\'>' +
      '<b>x &lt; y&#13;\r\nz<![CDATA[<raw>&amp;]]></b><c/></a:r>\n';
    const root = parseXml(text);
    expect(root).toMatchObject({ qname: 'a:r', prefix: 'a', local: 'r', ns: 'urn:a', selfClosing: false });
    expect(attribute(root, 'k')).toBe('v & A');
    const [b, c] = root.children;
    expect(b).toMatchObject({ local: 'b', ns: 'urn:d', text: 'x < y\r\nz<raw>&amp;' });
    expect(c).toMatchObject({ local: 'c', selfClosing: true });
    expect(text.slice(root.start, root.end)).toMatch(/^<a:r .*<\/a:r>$/s);
    expect(text.slice(c!.start, c!.end)).toBe('<c/>');
    expect(text.slice(root.endTagStart, root.end)).toBe('</a:r>');
    expect(prefixFor(root.scope, 'urn:d')).toBe('');
    expect(prefixFor(root.scope, 'urn:a')).toBe('a');
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'],
    ['an undeclared entity', '<x>&e;</x>'],
    ['an unclosed element', '<x><y></x>'],
    ['a never-closed root', '<x>'],
    ['two roots', '<x/><y/>'],
    ['text outside the root', 'hello<x/>'],
    ['a repeated attribute', '<x a="1" a="2"/>'],
    ['an unquoted attribute', '<x a=1/>'],
    ['a "<" in an attribute', '<x a="<"/>'],
    ['an unbound prefix', '<p:x/>'],
    ['an unterminated comment', '<x><!-- </x>'],
    ['a reference to a non-character', '<x>&#0;</x>'],
    ['no root', '   '],
    ['deep nesting', '<a>'.repeat(MAX_XML_DEPTH + 1) + '</a>'.repeat(MAX_XML_DEPTH + 1)],
  ])('rejects %s with format.corrupt', (_, text) => {
    expect(catchFormatError(() => parseXml(text))?.code).toBe('format.corrupt');
  });

  it('never throws anything but FormatError (property)', () => {
    const piece = fc.constantFrom(
      '<a>',
      '</a>',
      '<b x="1">',
      '</b>',
      '<c/>',
      '&amp;',
      '&',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      'text',
      '"',
      '<',
      '>',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 30 }), (parts) => {
        catchFormatError(() => parseXml(parts.join('')));
      }),
      { numRuns: 500 },
    );
  });
});

describe('XML escaping', () => {
  it('round-trips any XML-representable text through escapeText and decodeCharData (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.constantFrom('', '\r\n', '\r', '\t'),
        (s, ws) => {
          const v = `${ws}${s}${ws}`;
          const escaped = escapeText(v);
          expect(decodeCharData(escaped, 0, escaped.length, false)).toBe(v);
          const attr = escapeAttribute(v);
          expect(decodeCharData(attr, 0, attr.length, true)).toBe(v);
        },
      ),
    );
  });

  it('rejects control characters XML 1.0 cannot carry', () => {
    expect(catchFormatError(() => escapeText('\u0007'))?.code).toBe('format.corrupt');
    expect(catchFormatError(() => escapeAttribute('\uffff'))?.code).toBe('format.corrupt');
  });
});
