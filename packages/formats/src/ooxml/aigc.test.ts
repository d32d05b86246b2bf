import { bytesEqual } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import {
  buildCustomPropertiesXml,
  buildOoxml,
  buildOoxmlParts,
  ooxmlPartText,
  replaceOoxmlPart,
} from '../testing/ooxml-fixtures.js';
import { readOoxmlAigc, validateOoxml, writeOoxmlAigc } from './aigc.js';
import { STASH_EXTRA_ID } from './stash.js';
import { readZip } from './zip/archive.js';
import { parseExtraFields } from './zip/records.js';
import { buildZip } from './zip/write.js';

const value = buildAigcValue();
const CUSTOM_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
const CUSTOM_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';

function entryBytes(file: Uint8Array, name: string): Uint8Array {
  const e = readZip(file).entries.find((x) => x.central.name === name)!;
  return e.src.subarray(e.local.start, e.local.end);
}

/** A package whose stored [Content_Types].xml (~100 KB) cannot ride in a 64 KiB extra field. */
function buildBigContentTypes(): { input: Uint8Array; big: string; ctName: string } {
  const parts = buildOoxmlParts();
  const [ctName, ct] = parts[0]!;
  const overrides = Array.from(
    { length: 1500 },
    (_, i) => `<Override PartName="/word/media/p${String(i)}.xml" ContentType="application/xml"/>`,
  ).join('');
  const big = ct.replace('</Types>', `${overrides}</Types>`);
  const input = buildZip(
    [[ctName, big] as const, ...parts.slice(1)].map(([name, text]) => ({
      name,
      data: new TextEncoder().encode(text),
      method: 0 as const,
      time: 0,
      date: 0x21,
    })),
  );
  return { input, big, ctName };
}

describe('OOXML AIGC custom property', () => {
  it('creates docProps/custom.xml as the TC260 guide shows it, and registers it', () => {
    const out = writeOoxmlAigc(buildOoxml({ kind: 'docx' }), value);
    validateOoxml(out);
    expect(ooxmlPartText(out, 'docProps/custom.xml')).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" ' +
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AIGC">' +
        `<vt:lpwstr>${value.replace(/&/g, '&amp;')}</vt:lpwstr></property></Properties>`,
    );
    expect(ooxmlPartText(out, '[Content_Types].xml')).toContain(
      '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    );
    // rId1..rId3 are taken by the fixture: the new relationship gets the first free Id.
    expect(ooxmlPartText(out, '_rels/.rels')).toContain(
      `<Relationship Id="rId4" Type="${CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>`,
    );
    // The created part is appended as the last entry; the others keep their order.
    const names = readZip(out).entries.map((e) => e.central.name);
    expect(names.at(-1)).toBe('docProps/custom.xml');
  });

  it('keeps other custom properties and gives AIGC the next free pid', () => {
    const out = writeOoxmlAigc(buildOoxml({ custom: [['Department', 'R&D']] }), value);
    const text = ooxmlPartText(out, 'docProps/custom.xml');
    expect(text).toContain('pid="2" name="Department"><vt:lpwstr>R&amp;D</vt:lpwstr></property>');
    expect(text).toContain('pid="3" name="AIGC">');
    // The registrations existed already: both parts are copied byte for byte.
    const input = buildOoxml({ custom: [['Department', 'R&D']] });
    for (const name of ['[Content_Types].xml', '_rels/.rels']) {
      expect(bytesEqual(entryBytes(out, name), entryBytes(input, name))).toBe(true);
    }
  });

  it('escapes the value and reads it back exactly (markup characters, CR, quotes)', () => {
    const tricky = `{"a":"<b>&amp;</b>","c":"it's \\"x\\"","d":"line1\r\nline2\rend ]]>"}`;
    const out = writeOoxmlAigc(buildOoxml(), tricky);
    expect(readOoxmlAigc(out)).toBe(tricky);
    expect(ooxmlPartText(out, 'docProps/custom.xml')).toContain('&lt;b&gt;&amp;amp;&lt;/b&gt;');
  });

  it('rejects a value XML 1.0 cannot carry', () => {
    expect(catchFormatError(() => writeOoxmlAigc(buildOoxml(), 'a\u0001b'))?.code).toBe('format.corrupt');
  });

  it("restores the exact bytes of another writer's deflate streams from the stash", () => {
    const input = buildOoxml({ level: 1, custom: [['Department', 'x']] });
    const labelled = writeOoxmlAigc(input, value);
    const entry = readZip(labelled).entries.find((e) => e.central.name === 'docProps/custom.xml')!;
    const ids = parseExtraFields(entry.src, entry.local.extraStart, entry.local.extraEnd).map((f) => f.id);
    expect(ids).toContain(STASH_EXTRA_ID);
    expect(bytesEqual(writeOoxmlAigc(labelled, undefined), input)).toBe(true);
    const input2 = buildOoxml({ level: 1 });
    expect(bytesEqual(writeOoxmlAigc(writeOoxmlAigc(input2, value), undefined), input2)).toBe(true);
  });

  it('without room for a stash (original over 64 KiB), removal keeps a valid, registered, empty part', () => {
    const { input, big, ctName } = buildBigContentTypes();
    const removed = writeOoxmlAigc(writeOoxmlAigc(input, value), undefined);
    validateOoxml(removed);
    expect(readOoxmlAigc(removed)).toBeUndefined();
    // The original [Content_Types].xml is not recorded, so the registration cannot be told from
    // one the package had: the custom part stays, empty and registered (never dangling).
    expect(ooxmlPartText(removed, ctName)).toBe(
      big.replace(
        '</Types>',
        `<Override PartName="/docProps/custom.xml" ContentType="${CUSTOM_TYPE}"/></Types>`,
      ),
    );
    expect(ooxmlPartText(removed, 'docProps/custom.xml')).not.toContain('<property');
    expect(ooxmlPartText(removed, '_rels/.rels')).toContain(CUSTOM_REL);
  });

  it('removing a label from a file without one returns equal bytes', () => {
    const input = buildOoxml({ custom: [['Department', 'x']] });
    expect(bytesEqual(writeOoxmlAigc(input, undefined), input)).toBe(true);
  });

  it('ignores a stash that no longer matches the parts (another tool edited the package)', () => {
    const labelled = writeOoxmlAigc(buildOoxml(), value);
    // Another tool rewrote custom.xml (dropping our stash) and added a property of its own.
    const edited = replaceOoxmlPart(
      labelled,
      'docProps/custom.xml',
      buildCustomPropertiesXml([
        ['AIGC', value],
        ['Reviewer', 'someone'],
      ]),
    );
    const removed = writeOoxmlAigc(edited, undefined);
    validateOoxml(removed);
    expect(readOoxmlAigc(removed)).toBeUndefined();
    expect(ooxmlPartText(removed, 'docProps/custom.xml')).toContain('name="Reviewer"');
    // The part stays registered.
    expect(ooxmlPartText(removed, '_rels/.rels')).toContain(CUSTOM_REL);
    expect(ooxmlPartText(removed, '[Content_Types].xml')).toContain('/docProps/custom.xml');
  });

  it('keeps a created part when its registrations no longer come from our stash', () => {
    const labelled = writeOoxmlAigc(buildOoxml(), value);
    // _rels/.rels rewritten by another tool (same text, no stash): its relationship is theirs now.
    const edited = replaceOoxmlPart(labelled, '_rels/.rels', ooxmlPartText(labelled, '_rels/.rels'));
    const removed = writeOoxmlAigc(edited, undefined);
    validateOoxml(removed);
    expect(readOoxmlAigc(removed)).toBeUndefined();
    expect(readZip(removed).entries.map((e) => e.central.name)).toContain('docProps/custom.xml');
  });

  it('removal gives the same bytes whatever the label said (what signed labels hash), also off the happy path', () => {
    const plain = buildOoxml();
    const labelled = writeOoxmlAigc(plain, value);
    const inputs: [string, Uint8Array][] = [
      ['no custom part', plain],
      ['another writer', buildOoxml({ level: 1, custom: [['Department', 'x']] })],
      ['an existing label', buildOoxml({ custom: [['AIGC', 'old']] })],
      [
        'custom part rewritten by another tool',
        replaceOoxmlPart(
          labelled,
          'docProps/custom.xml',
          buildCustomPropertiesXml([
            ['AIGC', value],
            ['R', 'x'],
          ]),
        ),
      ],
      [
        'rels rewritten by another tool',
        replaceOoxmlPart(labelled, '_rels/.rels', ooxmlPartText(labelled, '_rels/.rels')),
      ],
    ];
    for (const [name, input] of inputs) {
      const first = writeOoxmlAigc(input, buildAigcValue('first'));
      const final = writeOoxmlAigc(first, buildAigcValue('a different, signed value'));
      expect(bytesEqual(writeOoxmlAigc(final, undefined), writeOoxmlAigc(first, undefined)), name).toBe(true);
    }
  });

  it('hostile XML in the parts it edits: FormatError or a write that reads back (property)', () => {
    const parts = buildOoxmlParts({
      custom: [
        ['Department', 'x'],
        ['AIGC', value],
      ],
    });
    const edited = [0, 1, parts.length - 1]; // [Content_Types].xml, _rels/.rels, docProps/custom.xml
    const fragment = fc.constantFrom(
      '<',
      '>',
      '/>',
      '</Properties>',
      '<property name="AIGC">',
      '"',
      '&',
      '&#0;',
      'xmlns:vt="x"',
      '<!DOCTYPE a>',
      ' ',
      'pid="2"',
      '</',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...edited),
        fc.nat(),
        fc.nat({ max: 20 }),
        fragment,
        (which, at, cut, insert) => {
          const copy = parts.map(([n, t]) => [n, t] as [string, string]);
          const [name, t] = copy[which]!;
          const i = at % (t.length + 1);
          copy[which] = [name, t.slice(0, i) + insert + t.slice(i + cut)];
          const file = buildZip(
            copy.map(([n, x]) => ({
              name: n,
              data: new TextEncoder().encode(x),
              method: 8 as const,
              time: 0,
              date: 0x21,
            })),
          );
          catchFormatError(() => readOoxmlAigc(file));
          let out: Uint8Array | undefined;
          if (catchFormatError(() => (out = writeOoxmlAigc(file, 'v'))) === undefined && out !== undefined) {
            validateOoxml(out);
            expect(readOoxmlAigc(out)).toBe('v');
            expect(readOoxmlAigc(writeOoxmlAigc(out, undefined))).toBeUndefined();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('treats property names case-insensitively: "aigc" beside "AIGC" is a duplicate', () => {
    const file = buildOoxml({
      custom: [
        ['AIGC', value],
        ['aigc', 'forged'],
      ],
    });
    expect(catchFormatError(() => readOoxmlAigc(file))?.code).toBe('format.duplicate_metadata');
  });

  it('finds the custom part through its relationship, and rejects ambiguous packages', () => {
    const base = buildOoxml({ custom: [['AIGC', value]] });
    const rels = ooxmlPartText(base, '_rels/.rels');
    const twoRels = rels.replace(
      '</Relationships>',
      `<Relationship Id="rId9" Type="${CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>`,
    );
    expect(catchFormatError(() => readOoxmlAigc(replaceOoxmlPart(base, '_rels/.rels', twoRels)))?.code).toBe(
      'format.duplicate_metadata',
    );
    const dangling = rels.replace('Target="docProps/custom.xml"', 'Target="docProps/missing.xml"');
    expect(catchFormatError(() => readOoxmlAigc(replaceOoxmlPart(base, '_rels/.rels', dangling)))?.code).toBe(
      'format.corrupt',
    );
    const relative = rels.replace('Target="docProps/custom.xml"', 'Target="/word/../docProps/./custom.xml"');
    expect(readOoxmlAigc(replaceOoxmlPart(base, '_rels/.rels', relative))).toBe(value);
    const escaping = rels.replace('Target="docProps/custom.xml"', 'Target="../custom.xml"');
    expect(catchFormatError(() => readOoxmlAigc(replaceOoxmlPart(base, '_rels/.rels', escaping)))?.code).toBe(
      'format.corrupt',
    );
  });

  it('rejects a custom property AIGC that is not a string', () => {
    const base = buildOoxml({ custom: [['AIGC', 'x']] });
    const text = ooxmlPartText(base, 'docProps/custom.xml').replace(
      '<vt:lpwstr>x</vt:lpwstr>',
      '<vt:i4>1</vt:i4>',
    );
    expect(
      catchFormatError(() => readOoxmlAigc(replaceOoxmlPart(base, 'docProps/custom.xml', text)))?.code,
    ).toBe('format.corrupt');
  });

  it('requires [Content_Types].xml', () => {
    const base = buildOoxml();
    const archive = readZip(base);
    expect(archive.entries[0]!.central.name).toBe('[Content_Types].xml');
    // Rename the entry in both headers (same length), so the archive stays consistent.
    const renamed = base.slice();
    const rename = (at: number): void => {
      renamed.set(new TextEncoder().encode('[Content_Typez].xml'), at);
    };
    rename(archive.entries[0]!.local.start + 30);
    rename(archive.entries[0]!.central.start + 46);
    expect(
      catchFormatError(() => {
        validateOoxml(renamed);
      })?.code,
    ).toBe('format.corrupt');
  });
});
