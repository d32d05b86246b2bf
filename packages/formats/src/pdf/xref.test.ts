import { concatBytes } from '@synthguard/core';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import {
  PDF_INFO,
  buildClassicPdf,
  buildXrefStreamPdf,
  classicXref,
  serialize,
} from '../testing/pdf-fixtures.js';
import { MAX_SECTIONS, findStartxref, lookupEntry, readXrefChain } from './xref.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);
const budget = () => ({ remaining: 1 << 20 });
const chainOf = (file: Uint8Array) => readXrefChain(file, budget());
const codeOf = (file: Uint8Array) => catchFormatError(() => chainOf(file))?.code;

/** `file` with an extra section appended: `section(offset)` gives its text at that offset. */
function appendSection(file: Uint8Array, section: (at: number) => string): Uint8Array {
  const at = file.length;
  return concatBytes([file, bytes(`${section(at)}startxref\n${at}\n%%EOF\n`)]);
}

describe('startxref (ISO 32000-1 §7.5.5)', () => {
  it.each([
    ['%PDF-1.4\nstartxref\n5\n%%EOF', 5],
    ['%PDF-1.4\n>>startxref\r\n5\r\n%%EOF\r\n \u0000', 5],
    ['%PDF-1.4\nstartxref 0 %%EOF\n', 0],
  ])('finds the offset in %j', (src, want) => {
    expect(findStartxref(bytes(src))).toBe(want);
  });

  it.each([
    ['junk after %%EOF', '%PDF-1.4\nstartxref\n5\n%%EOF\njunk', 'format.truncated'],
    ['cut inside %%EOF', '%PDF-1.4\nstartxref\n5\n%%EO', 'format.truncated'],
    ['%%EOF glued to the offset', '%PDF-1.4\nstartxref\n5%%EOF', 'format.truncated'],
    ['no offset', '%PDF-1.4\nstartxref\n%%EOF', 'format.corrupt'],
    ['no startxref', '%PDF-1.4\nstartref\n5\n%%EOF', 'format.corrupt'],
    ['glued keyword', '%PDF-1.4\nxstartxref\n5\n%%EOF', 'format.corrupt'],
    ['offset past the keyword', '%PDF-1.4\nstartxref\n9\n%%EOF', 'format.corrupt'],
    ['an overlong offset', '%PDF-1.4\nstartxref\n12345678901234567890\n%%EOF', 'format.corrupt'],
    ['empty', '', 'format.truncated'],
  ])('rejects %s', (_, src, code) => {
    expect(catchFormatError(() => findStartxref(bytes(src)))?.code).toBe(code);
  });
});

describe('cross-reference chain (§7.5.4, §7.5.8)', () => {
  it('reads a classic table: offsets point at their objects, object 0 is free', () => {
    const file = buildClassicPdf({ info: PDF_INFO });
    const chain = chainOf(file);
    expect(chain.sections.map((s) => s.kind)).toEqual(['table']);
    expect(lookupEntry(chain, 0)).toEqual({ type: 'free' });
    for (let n = 1; n <= 6; n++) {
      const e = lookupEntry(chain, n);
      if (e?.type !== 'offset') throw new Error(`object ${n}: ${JSON.stringify(e)}`);
      expect(text(file.subarray(e.offset, e.offset + 8))).toBe(`${n} 0 obj\n`);
    }
    expect(lookupEntry(chain, 7)).toBeUndefined();
  });

  it('reads a Flate cross-reference stream with the Up predictor, compressed entries included', () => {
    const file = buildXrefStreamPdf({ info: PDF_INFO });
    const chain = chainOf(file);
    expect(chain.sections.map((s) => s.kind)).toEqual(['stream']);
    expect(lookupEntry(chain, 5)).toEqual({ type: 'compressed', stream: 7, index: 0 });
    expect(lookupEntry(chain, 6)).toEqual({ type: 'compressed', stream: 7, index: 1 });
    const e = lookupEntry(chain, 8);
    expect(e?.type === 'offset' && e.offset).toBe(chain.startxref);
    expect(lookupEntry(chain, 9)).toBeUndefined();
  });

  it('follows /Prev, newest entry first, and a hybrid table’s /XRefStm after its table', () => {
    const base = buildClassicPdf({ info: PDF_INFO });
    const prev = chainOf(base).startxref;
    // A hybrid update (§7.5.8.4): object 6 redefined in a table, object 9 only in the stream.
    const objects = serialize([{ num: 6, body: '<< /Title (new) >>' }], base.length);
    const stmAt = base.length + objects.bytes.length;
    const rows = Uint8Array.of(2, 0, 7, 0);
    const stm = `8 0 obj\n<< /Type /XRef /Size 10 /Index [9 1] /W [1 2 1] /Length 4 >>\nstream\n${text(rows)}\nendstream\nendobj\n`;
    const withStm = concatBytes([base, objects.bytes, bytes(stm)]);
    const file = appendSection(
      withStm,
      () =>
        `${classicXref(objects.offsets, false)}trailer\n<< /Size 10 /Root 1 0 R /Prev ${prev} /XRefStm ${stmAt} >>\n`,
    );
    const chain = chainOf(file);
    expect(chain.sections.map((s) => s.kind)).toEqual(['table', 'stream', 'table']);
    expect(lookupEntry(chain, 6)).toEqual({ type: 'offset', offset: base.length, gen: 0 });
    expect(lookupEntry(chain, 9)).toEqual({ type: 'compressed', stream: 7, index: 0 });
    expect(lookupEntry(chain, 1)?.type).toBe('offset');
  });

  it('rejects a /Prev loop and an /XRefStm that is not a stream', () => {
    const base = buildClassicPdf();
    expect(codeOf(appendSection(base, (at) => `xref\n0 0\ntrailer\n<< /Size 6 /Prev ${at} >>\n`))).toBe(
      'format.corrupt',
    );
    const prev = chainOf(base).startxref;
    expect(codeOf(appendSection(base, () => `xref\ntrailer\n<< /Size 6 /XRefStm ${prev} >>\n`))).toBe(
      'format.corrupt',
    );
    expect(codeOf(appendSection(base, () => `xref\ntrailer\n<< /Size 6 /Prev -1 >>\n`))).toBe(
      'format.corrupt',
    );
  });

  it(`caps the chain at ${MAX_SECTIONS} sections`, () => {
    const build = (n: number) => {
      let file = bytes('%PDF-1.4\n');
      let prev = '';
      for (let i = 0; i < n; i++) {
        const at = file.length;
        file = concatBytes([file, bytes(`xref\n0 0\ntrailer\n<< /Size 1${prev} >>\n`)]);
        prev = ` /Prev ${at}`;
      }
      return concatBytes([file, bytes(`startxref\n${Number(prev.slice(7))}\n%%EOF\n`)]);
    };
    expect(chainOf(build(MAX_SECTIONS)).sections).toHaveLength(MAX_SECTIONS);
    expect(codeOf(build(MAX_SECTIONS + 1))).toBe('format.corrupt');
  });

  const classic = (section: string) => appendSection(bytes('%PDF-1.4\n'), () => section);
  it.each([
    ['a 19-byte entry', 'xref\n0 1\n0000000000 65535 f\ntrailer\n<< /Size 1 >>\n', 'format.corrupt'],
    ['a bad entry type', 'xref\n0 1\n0000000000 65535 x\r\ntrailer\n<< /Size 1 >>\n', 'format.corrupt'],
    ['a bad subsection header', 'xref\n0 x\ntrailer\n<< >>\n', 'format.corrupt'],
    ['a subsection past the end', 'xref\n0 999\n', 'format.truncated'],
    ['no trailer dictionary', 'xref\n0 0\ntrailer\n5\n', 'format.corrupt'],
    [
      'a startxref pointing at an object that is no xref stream',
      '1 0 obj\n<< /Type /Page >>\nendobj\n',
      'format.corrupt',
    ],
    ['garbage', 'hello world\n', 'format.corrupt'],
  ])('rejects %s', (_, section, code) => {
    expect(codeOf(classic(section))).toBe(code);
  });

  const stream = (dict: string, data: Uint8Array) =>
    classic(
      `1 0 obj\n<< /Type /XRef ${dict} /Length ${data.length} >>\nstream\n${text(data)}\nendstream\nendobj\n`,
    );
  it.each([
    ['a /W of two fields', '/Size 1 /W [1 2]', 'format.corrupt'],
    ['a /W field wider than 8 bytes', '/Size 1 /W [1 9 1]', 'format.corrupt'],
    ['empty rows', '/Size 1 /W [0 0 0]', 'format.corrupt'],
    ['an /Index longer than the data', '/Size 9 /W [1 2 1]', 'format.corrupt'],
    ['an odd /Index', '/Size 1 /W [1 2 1] /Index [0]', 'format.corrupt'],
    ['no /Size', '/W [1 2 1]', 'format.corrupt'],
  ])('rejects a cross-reference stream with %s', (_, dict, code) => {
    expect(codeOf(stream(dict, Uint8Array.of(1, 0, 9, 0)))).toBe(code);
  });

  it('reads unknown row types as free, a zero type width as type 1, and caps decoding', () => {
    const chain = chainOf(stream('/Size 2 /W [1 2 1]', Uint8Array.of(7, 0, 9, 0, 1, 0, 9, 0)));
    expect(lookupEntry(chain, 0)).toEqual({ type: 'free' });
    expect(lookupEntry(chain, 1)).toEqual({ type: 'offset', offset: 9, gen: 0 });
    const typeless = chainOf(stream('/Size 1 /W [0 2 0]', Uint8Array.of(0, 9)));
    expect(lookupEntry(typeless, 0)).toEqual({ type: 'offset', offset: 9, gen: 0 });
    const big = deflateSync(new Uint8Array(4096));
    const file = classic(
      `1 0 obj\n<< /Type /XRef /Size 1 /W [1 2 1] /Filter /FlateDecode /Length ${big.length} >>\nstream\n${text(big)}\nendstream\nendobj\n`,
    );
    expect(catchFormatError(() => readXrefChain(file, { remaining: 4095 }))?.code).toBe('format.corrupt');
    expect(readXrefChain(file, { remaining: 4096 }).sections).toHaveLength(1);
  });
});
