import { utf8Encode } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { LabelError } from '../errors.js';
import { codeOf } from '../testing/labels.js';
import { TC260_NS, XMP_PACKET_MAX_BYTES, readAigcFromXmp, setAigcInXmp } from './packet.js';
import { XML_MAX_DEPTH, parseXml } from './xml-tree.js';

const RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"';

function problemOf(text: string): string | undefined {
  try {
    parseXml(text);
  } catch (err) {
    if (err instanceof LabelError) return (err.details as { problem: string }).problem;
    throw err;
  }
  return undefined;
}

describe('parseXml (well-formedness, Namespaces in XML)', () => {
  it.each<[string, string]>([
    ['<a/>', 'a'],
    ['<?xml version="1.0"?><a/>', 'a'],
    ['<a b=\'x"y\' c="x\'y"/>', 'a'],
    ['<!-- c --><?pi x?>\n<p:a xmlns:p="u"><![CDATA[<&>]]>&#x41;&#65;&lt;</p:a>\n<!-- tail -->', 'p:a'],
    ['<a xmlns="u"><b xmlns=""/></a>', 'a'],
    ['<a xml:lang="en"/>', 'a'],
    ['<a>\u{1F600}\uFEFF</a>', 'a'],
  ])('accepts %j', (text, root) => {
    expect(parseXml(text).root.qname).toBe(root);
  });

  it('resolves namespaces declared on ancestors, and redeclarations', () => {
    const doc = parseXml('<a xmlns:p="one"><p:b><c xmlns:p="two"><p:d/></c></p:b></a>');
    const b = doc.root.children[0];
    expect(b?.kind === 'element' && b.ns).toBe('one');
    const d =
      b?.kind === 'element' && b.children[0]?.kind === 'element' ? b.children[0].children[0] : undefined;
    expect(d?.kind === 'element' && d.ns).toBe('two');
  });

  it.each<[string, string]>([
    ['', 'no_root_element'],
    ['  ', 'no_root_element'],
    ['<a>', 'unclosed_element'],
    ['<a></b>', 'mismatched_end_tag'],
    ['</a>', 'mismatched_end_tag'],
    ['<a/><b/>', 'second_root_element'],
    ['x<a/>', 'text_outside_root'],
    ['<a/>x', 'text_outside_root'],
    ['<a', 'unterminated_start_tag'],
    ['<a b="1"', 'unterminated_start_tag'],
    ['<a b="1/>', 'unterminated_attribute'],
    ['<a b=1/>', 'expected_quote'],
    ['<a b/>', 'expected_equals'],
    ['<a b="1"c="2"/>', 'missing_whitespace_before_attribute'],
    ['<a b="1" b="2"/>', 'duplicate_attribute'],
    ['<a xmlns:p="u" xmlns:q="u" p:b="1" q:b="2"/>', 'duplicate_attribute'],
    ['<a b="<"/>', 'lt_in_attribute'],
    ['<p:a/>', 'unbound_prefix'],
    ['<a p:b="1"/>', 'unbound_prefix'],
    ['<a xmlns:p=""/>', 'empty_namespace_name'],
    ['<a xmlns:xml="u"/>', 'reserved_namespace'],
    ['<a xmlns:xmlns="u"/>', 'reserved_namespace'],
    ['<:a/>', 'bad_qualified_name'],
    ['<a:b:c xmlns:a="u"/>', 'bad_qualified_name'],
    ['<1a/>', 'expected_name'],
    ['<a>&foo;</a>', 'undefined_entity'],
    ['<a>&amp</a>', 'bad_reference'],
    ['<a>&#0;</a>', 'bad_character_reference'],
    ['<a>&#xD800;</a>', 'bad_character_reference'],
    ['<a>&#x110000;</a>', 'bad_character_reference'],
    ['<a b="&lol;"/>', 'undefined_entity'],
    ['<a>\u0001</a>', 'invalid_character'],
    ['<a>\uFFFF</a>', 'invalid_character'],
    ['<a><!-- x </a>', 'unterminated_comment'],
    ['<a><![CDATA[x</a>', 'unterminated_cdata'],
    ['<a><?pi x</a>', 'unterminated_pi'],
    ['<a/><?xml version="1.0"?>', 'misplaced_xml_declaration'],
    ['<?XML version="1.0"?><a/>', 'misplaced_xml_declaration'],
    ['<![CDATA[x]]><a/>', 'cdata_outside_root'],
    ['<a></a >x', 'text_outside_root'],
    ['<a></a x>', 'bad_end_tag'],
    ['<a><!ELEMENT a ANY></a>', 'markup_declaration'],
  ])('rejects %j (%s)', (text, problem) => {
    expect(problemOf(text)).toBe(problem);
  });

  it.each([
    // XXE: an external entity must never be fetched or expanded.
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    // Billion laughs.
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    '<!DOCTYPE x><x/>',
  ])('rejects any DOCTYPE: %j', (text) => {
    expect(problemOf(text)).toBe('doctype_not_allowed');
  });

  it(`caps nesting at ${XML_MAX_DEPTH}`, () => {
    const nest = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(problemOf(nest(XML_MAX_DEPTH))).toBeUndefined();
    expect(problemOf(nest(XML_MAX_DEPTH + 1))).toBe('too_deep');
    expect(problemOf(nest(100_000))).toBe('too_deep');
  });
});

describe('packet decoding and caps', () => {
  it('rejects invalid UTF-8 (strict decoding)', () => {
    const bytes = new Uint8Array([...utf8Encode('<a>'), 0xc3, 0x28, ...utf8Encode('</a>')]);
    expect(codeOf(() => readAigcFromXmp(bytes))).toBe('label.invalid_xmp');
  });

  it('rejects a UTF-16 packet', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x3c, 0, 0x61, 0, 0x2f, 0, 0x3e, 0]); // "<a/>" in UTF-16LE
    expect(codeOf(() => readAigcFromXmp(utf16))).toBe('label.invalid_xmp');
  });

  it('rejects packets over 16 MiB', () => {
    const big = new Uint8Array(XMP_PACKET_MAX_BYTES + 1).fill(0x20);
    expect(codeOf(() => readAigcFromXmp(big))).toBe('label.too_large');
    expect(codeOf(() => setAigcInXmp(big, 'v'))).toBe('label.too_large');
  });

  it('refuses to grow a packet past 16 MiB', () => {
    const head = `<rdf:RDF ${RDF}>`;
    const tail = '</rdf:RDF>';
    const filler = ' '.repeat(XMP_PACKET_MAX_BYTES - head.length - tail.length);
    expect(codeOf(() => setAigcInXmp(utf8Encode(head + filler + tail), 'v'))).toBe('label.too_large');
  });

  it('stays linear on large hostile packets', () => {
    const started = Date.now();
    const manyAttrs = `<rdf:RDF ${RDF}><rdf:Description xmlns:t="${TC260_NS}"${Array.from({ length: 200_000 }, (_, i) => ` a${i + 1}="x"`).join('')}/></rdf:RDF>`;
    expect(readAigcFromXmp(utf8Encode(manyAttrs))).toBeUndefined();
    const manyLabels = `<rdf:RDF ${RDF}><rdf:Description xmlns:t="${TC260_NS}">${'<t:AIGC>x</t:AIGC>\n'.repeat(200_000)}</rdf:Description></rdf:RDF>`;
    expect(codeOf(() => readAigcFromXmp(utf8Encode(manyLabels)))).toBe('label.duplicate');
    expect(readAigcFromXmp(setAigcInXmp(utf8Encode(manyLabels), 'v'))).toBe('v');
    const manyDescriptions = `<rdf:RDF ${RDF}>${`<rdf:Description xmlns:t="${TC260_NS}" t:AIGC="x"/>`.repeat(100_000)}</rdf:RDF>`;
    expect(readAigcFromXmp(setAigcInXmp(utf8Encode(manyDescriptions), 'v'))).toBe('v');
    expect(Date.now() - started).toBeLessThan(20_000); // quadratic behaviour would take minutes;
  });
});
