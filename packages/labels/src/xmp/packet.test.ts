import { bytesEqual, utf8Decode, utf8Encode } from '@synthguard/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeAigcLabel } from '../aigc/label.js';
import { LabelError } from '../errors.js';
import { arbitraryLabel, buildLabel, codeOf } from '../testing/labels.js';
import { EXISTING_LABEL, type XmpFixture, buildXmpFixtures } from '../testing/xmp-fixtures.js';
import {
  IPTC_EXT_NS,
  TC260_NS,
  TRAINED_ALGORITHMIC_MEDIA,
  readAigcFromXmp,
  readDigitalSourceTypes,
  removeAigcFromXmp,
  setAigcInXmp,
} from './packet.js';

const NEW_LABEL = encodeAigcLabel(buildLabel({ ReservedCode1: '{"Type":"1","Sig":"<&>"}' }));

/** Our appended Description, with the indentation and newline the writer put around it. */
const OUR_DESCRIPTION =
  /[ \t]*<rdf:Description rdf:about="[^"]*" xmlns:TC260="http:\/\/www\.tc260\.org\.cn\/ns\/AIGC\/1\.0\/" xmlns:Iptc4xmpExt="http:\/\/iptc\.org\/std\/Iptc4xmpExt\/2008-02-29\/"><TC260:AIGC>[^<]*<\/TC260:AIGC><Iptc4xmpExt:DigitalSourceType>http:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\/trainedAlgorithmicMedia<\/Iptc4xmpExt:DigitalSourceType><\/rdf:Description>(\r?\n)?/g;

/** The IPTC property written beside the label. */
const DST = `<Iptc4xmpExt:DigitalSourceType>${TRAINED_ALGORITHMIC_MEDIA}</Iptc4xmpExt:DigitalSourceType>`;

function stripPadding(text: string): string {
  return text.replace(/\s*(<\?xpacket end)/, '$1');
}

function withoutLabels(f: XmpFixture): string {
  let text = f.text;
  for (const snippet of f.aigc) {
    expect(text).toContain(snippet);
    text = text.replace(snippet, '');
  }
  return text;
}

const fixtures = buildXmpFixtures();
const decode = (b: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);

describe('readAigcFromXmp', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const bytes = utf8Encode(f.text);
    if (f.aigc.length > 1) expect(codeOf(() => readAigcFromXmp(bytes))).toBe('label.duplicate');
    else expect(readAigcFromXmp(bytes)).toBe(f.aigc.length === 1 ? EXISTING_LABEL : undefined);
  });

  it('returns undefined for an empty packet', () => {
    expect(readAigcFromXmp(new Uint8Array(0))).toBeUndefined();
  });

  it.each<[string, string, string]>([
    ['numeric references', '<TC260:AIGC>&#x7B;&#34;a&#x22;:1}</TC260:AIGC>', '{"a":1}'],
    [
      'comments and CDATA pieces',
      '<TC260:AIGC>{"a"<!-- c -->:<![CDATA["<b>"]]>}</TC260:AIGC>',
      '{"a":"<b>"}',
    ],
    ['self-closing', '<TC260:AIGC/>', ''],
    ['CRLF normalised', '<TC260:AIGC>a\r\nb\rc&#13;</TC260:AIGC>', 'a\nb\nc\r'],
    ['rdf:datatype allowed', '<TC260:AIGC rdf:datatype="x">v</TC260:AIGC>', 'v'],
  ])('element value: %s', (_name, property, value) => {
    const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="${TC260_NS}">${property}</rdf:Description></rdf:RDF>`;
    expect(readAigcFromXmp(utf8Encode(packet))).toBe(value);
  });

  it('normalises whitespace in attribute values (XML 1.0 §3.3.3)', () => {
    const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="${TC260_NS}" TC260:AIGC="a\tb\nc&#10;"/></rdf:RDF>`;
    expect(readAigcFromXmp(utf8Encode(packet))).toBe('a b c\n');
  });

  it.each<[string, string]>([
    ['structured value', '<TC260:AIGC><rdf:Bag><rdf:li>x</rdf:li></rdf:Bag></TC260:AIGC>'],
    ['resource value', '<TC260:AIGC rdf:resource="http://example.com/"/>'],
    ['parseType value', '<TC260:AIGC rdf:parseType="Resource"/>'],
  ])('rejects a non-literal AIGC: %s', (_name, property) => {
    const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="${TC260_NS}">${property}</rdf:Description></rdf:RDF>`;
    expect(codeOf(() => readAigcFromXmp(utf8Encode(packet)))).toBe('label.invalid_xmp');
  });

  it('ignores AIGC outside a top-level rdf:Description', () => {
    const packet = `<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:TC260="${TC260_NS}"><TC260:AIGC>a</TC260:AIGC><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description><dc:s xmlns:dc="d" rdf:parseType="Resource"><TC260:AIGC>b</TC260:AIGC></dc:s></rdf:Description></rdf:RDF></x:xmpmeta>`;
    expect(readAigcFromXmp(utf8Encode(packet))).toBeUndefined();
  });
});

describe('setAigcInXmp', () => {
  it('builds the minimal packet when there is none', () => {
    const expected =
      '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ' +
      `xmlns:TC260="${TC260_NS}" xmlns:Iptc4xmpExt="${IPTC_EXT_NS}"><TC260:AIGC>${NEW_LABEL.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</TC260:AIGC>${DST}` +
      '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
    for (const none of [undefined, new Uint8Array(0)]) {
      const out = setAigcInXmp(none, NEW_LABEL);
      expect(utf8Decode(out)).toBe(expected);
      expect(readAigcFromXmp(out)).toBe(NEW_LABEL);
    }
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('merging into %s', (_name, f) => {
    const input = utf8Encode(f.text);
    let out: Uint8Array = new Uint8Array(0);
    let text = '';
    beforeAll(() => {
      out = setAigcInXmp(input, NEW_LABEL);
      text = decode(out);
    });

    it('leaves exactly one label, which reads back', () => {
      expect(readAigcFromXmp(out)).toBe(NEW_LABEL);
      expect(text.match(OUR_DESCRIPTION)).toHaveLength(1);
      for (const snippet of f.aigc) expect(text).not.toContain(snippet);
    });

    it('keeps every other byte', () => {
      for (const snippet of f.keep) expect(text).toContain(snippet);
      expect(stripPadding(text.replace(OUR_DESCRIPTION, ''))).toBe(stripPadding(withoutLabels(f)));
    });

    it(f.padded ? 'keeps the packet size by consuming padding' : 'has no padding to consume', () => {
      if (f.padded) expect(out.length).toBe(input.length);
      else expect(out.length).toBeGreaterThan(0);
    });

    it('is idempotent, and relabelling replaces', () => {
      expect(bytesEqual(setAigcInXmp(out, NEW_LABEL), out)).toBe(true);
      const other = encodeAigcLabel(buildLabel({ Label: '3', ProduceID: 'another-id-1234567890' }));
      const relabelled = setAigcInXmp(out, other);
      expect(readAigcFromXmp(relabelled)).toBe(other);
      // Equal up to padding: how much padding is left depends on what the packet held before.
      expect(stripPadding(decode(relabelled))).toBe(stripPadding(decode(setAigcInXmp(input, other))));
    });

    it('removes back to the original (internal remove)', () => {
      const removed = removeAigcFromXmp(out);
      expect(removed).toBeDefined();
      expect(readAigcFromXmp(removed!)).toBeUndefined();
      const back = decode(removed!);
      for (const snippet of f.keep) expect(back).toContain(snippet);
      expect(stripPadding(back)).toBe(stripPadding(withoutLabels(f)));
      if (f.padded) expect(removed!.length).toBe(input.length);
      if (f.aigc.length === 0 && !f.padded) expect(back).toBe(f.text);
    });
  });

  it('indents the new Description like its siblings', () => {
    const text = decode(setAigcInXmp(utf8Encode(fixtures[0]!.text), 'v'));
    expect(text).toContain(
      `      </rdf:Description>\n      <rdf:Description rdf:about="" xmlns:TC260="${TC260_NS}" xmlns:Iptc4xmpExt="${IPTC_EXT_NS}"><TC260:AIGC>v</TC260:AIGC>${DST}</rdf:Description>\n   </rdf:RDF>`,
    );
  });

  it('copies rdf:about from the existing Descriptions (XMP Part 1 §7.4)', () => {
    const packet = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="uuid:a&amp;b" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>x</dc:format></rdf:Description></rdf:RDF>`;
    expect(decode(setAigcInXmp(utf8Encode(packet), 'v'))).toContain(
      `</rdf:Description><rdf:Description rdf:about="uuid:a&#38;b" xmlns:TC260=`,
    );
  });

  it.each<[string, string]>([
    ['rdf:RDF with a default namespace', '<RDF xmlns="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></RDF>'],
    [
      'self-closing rdf:RDF',
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
    ],
    ['x:xmpmeta without rdf:RDF', '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n</x:xmpmeta>'],
    ['self-closing x:xmpmeta', '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'],
    [
      'RDF bound to the prefix TC260',
      '<TC260:RDF xmlns:TC260="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></TC260:RDF>',
    ],
    ['trailing NULs', '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>\u0000\u0000'],
    [
      'CRLF line ends',
      '<x:xmpmeta xmlns:x="adobe:ns:meta/">\r\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\r\n </rdf:RDF>\r\n</x:xmpmeta>',
    ],
  ])('handles %s', (_name, packet) => {
    const out = setAigcInXmp(utf8Encode(packet), NEW_LABEL);
    expect(readAigcFromXmp(out)).toBe(NEW_LABEL);
    if (packet.endsWith('\u0000')) expect(decode(out).endsWith('\u0000\u0000')).toBe(true);
    if (packet.includes('\r\n')) expect(decode(out)).not.toMatch(/[^\r]\n/);
  });

  it('keeps a BOM', () => {
    const out = setAigcInXmp(utf8Encode('\uFEFF<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'), 'v');
    expect([...out.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readAigcFromXmp(out)).toBe('v');
  });

  it('refuses a packet with nowhere to put RDF', () => {
    expect(codeOf(() => setAigcInXmp(utf8Encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'v'))).toBe(
      'label.invalid_xmp',
    );
  });

  it.each(['\u0000', '\u0001', '\uFFFE', '\uD800', 'a\uDC00b'])(
    'refuses a value XML cannot carry: %j',
    (bad) => {
      expect(codeOf(() => setAigcInXmp(undefined, `x${bad}`))).toBe('label.invalid_field');
    },
  );

  it('round-trips every label through every fixture', () => {
    const targets = [undefined, ...fixtures.filter((f) => f.aigc.length < 2).map((f) => utf8Encode(f.text))];
    fc.assert(
      fc.property(arbitraryLabel, fc.constantFrom(...targets), (label, packet) => {
        const value = encodeAigcLabel(label);
        expect(readAigcFromXmp(setAigcInXmp(packet, value))).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any string XML can carry, and refuses the rest', () => {
    const packet = utf8Encode(fixtures[1]!.text);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        let out: Uint8Array;
        try {
          out = setAigcInXmp(packet, value);
        } catch (err) {
          expect(err).toBeInstanceOf(LabelError);
          expect((err as LabelError).code).toBe('label.invalid_field');
          return;
        }
        expect(readAigcFromXmp(out)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('removeAigcFromXmp', () => {
  it('returns the same packet when there is no label', () => {
    const packet = utf8Encode(fixtures[0]!.text);
    expect(removeAigcFromXmp(packet)).toBe(packet);
  });

  it('returns undefined when nothing but the label was there', () => {
    expect(removeAigcFromXmp(setAigcInXmp(undefined, 'v'))).toBeUndefined();
    expect(removeAigcFromXmp(new Uint8Array(0))).toBeUndefined();
  });

  it('removes every label at once', () => {
    const f = fixtures.find((x) => x.aigc.length === 2)!;
    const out = removeAigcFromXmp(utf8Encode(f.text))!;
    expect(readAigcFromXmp(out)).toBeUndefined();
    expect(decode(out)).toBe(withoutLabels(f));
  });
});

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string };

describe('hostile packets', () => {
  const TOKENS = [
    '<',
    '>',
    '/>',
    '"',
    "'",
    '&',
    '&amp;',
    '&#0;',
    '<!DOCTYPE x>',
    ']]>',
    '<![CDATA[',
    '<!--',
    '-->',
    '</rdf:RDF>',
    ' xmlns:a="x"',
    ' TC260:AIGC="1"',
    `<TC260:AIGC>v</TC260:AIGC>`,
    '\u0000',
    '\uFEFF',
    '<?xpacket end="w"?>',
  ];
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
  );

  function mutate(bytes: Uint8Array, ops: Mutation[]): Uint8Array {
    let b = bytes;
    for (const op of ops) {
      const at = b.length === 0 ? 0 : op.at % b.length;
      if (op.kind === 'flip') {
        b = b.slice();
        b[at] = op.byte;
      } else if (op.kind === 'delete') b = new Uint8Array([...b.slice(0, at), ...b.slice(at + op.length)]);
      else if (op.kind === 'truncate') b = b.slice(0, at);
      else b = new Uint8Array([...b.slice(0, at), ...utf8Encode(op.text), ...b.slice(at)]);
    }
    return b;
  }

  it('mutated and truncated packets throw nothing but LabelError, and writes stay readable', () => {
    const sources = fixtures.map((f) => utf8Encode(f.text));
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (src, ops) => {
          const packet = mutate(src, ops);
          for (const op of [
            () => readAigcFromXmp(packet),
            () => {
              const out = setAigcInXmp(packet, NEW_LABEL);
              expect(readAigcFromXmp(out)).toBe(NEW_LABEL);
            },
            () => removeAigcFromXmp(packet),
          ]) {
            try {
              op();
            } catch (err) {
              if (!(err instanceof LabelError)) throw err;
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('arbitrary bytes throw nothing but LabelError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (packet) => {
        try {
          setAigcInXmp(packet, 'v');
        } catch (err) {
          expect(err).toBeInstanceOf(LabelError);
        }
      }),
    );
  });
});

describe('IPTC DigitalSourceType beside the label', () => {
  const camera = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="${IPTC_EXT_NS}" xmlns:dc="http://purl.org/dc/elements/1.1/"><Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture</Iptc4xmpExt:DigitalSourceType><dc:format>image/jpeg</dc:format></rdf:Description></rdf:RDF>`;

  it('replaces an existing DigitalSourceType (one value per property) and keeps the rest', () => {
    const text = decode(setAigcInXmp(utf8Encode(camera), 'v'));
    expect(text).not.toContain('digitalCapture');
    expect(text.match(/DigitalSourceType>http/g)).toHaveLength(1);
    expect(text).toContain(DST);
    expect(text).toContain('<dc:format>image/jpeg</dc:format>');
  });

  it('internal removal takes the DigitalSourceType written beside the label, not others', () => {
    const labeled = setAigcInXmp(utf8Encode(camera), 'v');
    expect(decode(removeAigcFromXmp(labeled)!)).not.toContain('DigitalSourceType');
    const foreign = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:TC260="${TC260_NS}"><TC260:AIGC>v</TC260:AIGC></rdf:Description><rdf:Description xmlns:Iptc4xmpExt="${IPTC_EXT_NS}"><Iptc4xmpExt:DigitalSourceType>x</Iptc4xmpExt:DigitalSourceType></rdf:Description></rdf:RDF>`;
    expect(decode(removeAigcFromXmp(utf8Encode(foreign))!)).toContain('DigitalSourceType>x<');
  });
});

describe('readDigitalSourceTypes', () => {
  it('reads element, attribute and rdf:resource forms', () => {
    const packet = (body: string) =>
      utf8Encode(
        `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpExt="${IPTC_EXT_NS}" ${body}</rdf:RDF>`,
      );
    expect(readDigitalSourceTypes(packet(`>${DST}</rdf:Description>`))).toEqual([TRAINED_ALGORITHMIC_MEDIA]);
    expect(readDigitalSourceTypes(packet(`Iptc4xmpExt:DigitalSourceType="x"/>`))).toEqual(['x']);
    expect(
      readDigitalSourceTypes(packet(`><Iptc4xmpExt:DigitalSourceType rdf:resource="y"/></rdf:Description>`)),
    ).toEqual(['y']);
    expect(readDigitalSourceTypes(new Uint8Array(0))).toEqual([]);
  });
});
