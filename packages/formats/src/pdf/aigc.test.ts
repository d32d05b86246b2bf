import { bytesEqual, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import { catchFormatError } from '../testing/mutations.js';
import {
  PDF_INFO,
  appendUpdate,
  buildClassicPdf,
  buildPageObjects,
  buildPdfFixtures,
  buildXrefStreamPdf,
  classicXref,
  serialize,
  utf16Hex,
} from '../testing/pdf-fixtures.js';
import { readPdfAigc, writePdfAigc } from './aigc.js';
import { loadPdf } from './document.js';
import { LABEL_MARKER } from './update.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);
const A = buildAigcValue('a');
const B = buildAigcValue('b-longer-produce-id');

/** The raw `/Key value` entries of the effective Info dictionary. */
function infoEntries(file: Uint8Array): string[] {
  const info = loadPdf(file).info;
  return info?.dict.entries.map((e) => text(info.source.subarray(e.start, e.end))) ?? [];
}

function markers(file: Uint8Array): number {
  return text(file).split(LABEL_MARKER).length - 1;
}

function startsWith(file: Uint8Array, prefix: Uint8Array): boolean {
  return bytesEqual(file.subarray(0, prefix.length), prefix);
}

describe('PDF /AIGC placement (incremental update, ISO 32000-1 §7.5.6)', () => {
  it('appends a table section after a table: Info keeps its number and entries byte for byte', () => {
    const f = buildClassicPdf({ info: PDF_INFO });
    const out = writePdfAigc(f, A);
    expect(startsWith(out, f)).toBe(true);
    expect(text(out.subarray(f.length)).startsWith(LABEL_MARKER)).toBe(true);
    const before = loadPdf(f);
    const doc = loadPdf(out);
    expect(doc.chain.sections.map((s) => s.kind)).toEqual(['table', 'table']);
    expect(doc.info?.ref).toEqual({ num: 6, gen: 0 });
    expect(doc.size).toBe(7);
    const trailer = doc.trailer.entries.map((e) => text(out.subarray(e.start, e.end)));
    expect(trailer).toEqual([
      '/Size 7',
      '/Root 1 0 R',
      '/ID [<8A3C2F00D1E94B6A9C7E5F1021324354> <8A3C2F00D1E94B6A9C7E5F1021324354>]',
      '/Info 6 0 R',
      `/Prev ${before.chain.startxref}`,
    ]);
    expect(infoEntries(out)).toEqual([...infoEntries(f), `/AIGC (${A})`]);
  });

  it('appends an uncompressed cross-reference stream after a stream; Info leaves the object stream', () => {
    const f = buildXrefStreamPdf({ info: PDF_INFO });
    const out = writePdfAigc(f, A);
    expect(startsWith(out, f)).toBe(true);
    const tail = text(out.subarray(f.length));
    expect(tail).not.toContain('\nxref\n');
    expect(tail).toContain('/Type /XRef\n/Size 10\n/Index [6 1 9 1]\n');
    const doc = loadPdf(out);
    expect(doc.chain.sections.map((s) => s.kind)).toEqual(['stream', 'stream']);
    expect(doc.info?.source).toBe(doc.file);
    expect(infoEntries(out)).toEqual([...infoEntries(f), `/AIGC (${A})`]);
    expect(readPdfAigc(out)).toBe(A);
  });

  it('creates an Info object numbered /Size when the file has none', () => {
    const f = buildClassicPdf();
    const out = writePdfAigc(f, A);
    const doc = loadPdf(out);
    expect(doc.info?.ref).toEqual({ num: 6, gen: 0 });
    expect(doc.size).toBe(7);
    expect(infoEntries(out)).toEqual([`/AIGC (${A})`]);
    expect(bytesEqual(writePdfAigc(out, undefined), f)).toBe(true);
  });

  it('writes ASCII as a literal string and anything else as UTF-16BE with BOM', () => {
    const f = buildClassicPdf({ info: PDF_INFO });
    expect(infoEntries(writePdfAigc(f, 'a(b)')).at(-1)).toBe('/AIGC (a\\(b\\))');
    expect(infoEntries(writePdfAigc(f, 'é')).at(-1)).toBe('/AIGC (\xfe\xff\x00\xe9)');
  });

  it('keeps the signed bytes of a signed PDF: everything before the update is unchanged', () => {
    const sig = '<< /Type /Sig /Filter /Adobe.PPKLite /ByteRange [0 10 20 30] /Contents <00> >>';
    const f = buildClassicPdf({ info: PDF_INFO, extra: [{ num: 7, body: sig }] });
    const out = writePdfAigc(f, A);
    expect(startsWith(out, f)).toBe(true);
    expect(startsWith(writePdfAigc(out, B), f)).toBe(true);
  });
});

describe('PDF /AIGC relabel and removal', () => {
  it('replaces its own update instead of stacking another', () => {
    const f = buildXrefStreamPdf({ info: PDF_INFO });
    const once = writePdfAigc(f, A);
    const again = writePdfAigc(writePdfAigc(once, B), A);
    expect(markers(again)).toBe(1);
    expect(bytesEqual(again, once)).toBe(true);
  });

  it('stacks a new update when another tool updated the file after us', () => {
    const f = buildClassicPdf({ info: PDF_INFO });
    const foreign = appendUpdate(writePdfAigc(f, A), [
      { num: 6, body: `<< /Title (edited) /AIGC (${A}) >>` },
    ]);
    const relabeled = writePdfAigc(foreign, B);
    expect(startsWith(relabeled, foreign)).toBe(true);
    expect(markers(relabeled)).toBe(2);
    expect(readPdfAigc(relabeled)).toBe(B);
    expect(infoEntries(relabeled)).toEqual(['/Title (edited)', `/AIGC (${B})`]);
    const removed = writePdfAigc(relabeled, undefined);
    expect(readPdfAigc(removed)).toBeUndefined();
    expect(infoEntries(removed)).toEqual(['/Title (edited)']);
    expect(markers(removed)).toBe(2);
  });

  it('does not take a changed copy of its update for its own (exact bytes only)', () => {
    const f = buildClassicPdf({ info: PDF_INFO });
    const out = text(writePdfAigc(f, A));
    const tampered = bytes(out.replace('/Producer (synthguard test)', '/Producer (synthguard tesT)'));
    expect(readPdfAigc(tampered)).toBe(A);
    const relabeled = writePdfAigc(tampered, B);
    expect(startsWith(relabeled, tampered)).toBe(true);
    expect(markers(relabeled)).toBe(2);
  });

  it('finds its update when the marker text also appears earlier in the file', () => {
    const f = buildClassicPdf({ info: `<< /Title (${LABEL_MARKER}) >>` });
    expect(markers(f)).toBe(1);
    const out = writePdfAigc(f, A);
    expect(bytesEqual(writePdfAigc(out, undefined), f)).toBe(true);
  });

  it('removes a label a foreign update wrote with an update whose Info lacks /AIGC', async () => {
    const fixtures = await buildPdfFixtures();
    const f = fixtures.find((x) => x.name.startsWith('UTF-16BE hex /AIGC'))!.bytes;
    expect(readPdfAigc(f)).toBe('人工智能 label');
    const removed = writePdfAigc(f, undefined);
    expect(startsWith(removed, f)).toBe(true);
    expect(readPdfAigc(removed)).toBeUndefined();
    expect(infoEntries(removed)).toEqual(['/Producer (other tool)']);
    expect(bytesEqual(writePdfAigc(removed, undefined), removed)).toBe(true);
    expect(bytesEqual(writePdfAigc(removed, A), writePdfAigc(f, A))).toBe(true);
  });
});

describe('PDF /AIGC reading', () => {
  it.each([
    ['a literal', `<< /AIGC (${A}) >>`, A],
    ['a UTF-16BE hex string', `<< /AIGC ${utf16Hex('标签')} >>`, '标签'],
    ['null (absent, §7.3.7)', '<< /AIGC null >>', undefined],
    ['an indirect string', '<< /AIGC 7 0 R >>', 'indirect'],
    ['an indirect reference to nothing', '<< /AIGC 9 0 R >>', undefined],
  ])('reads %s', (_, info, want) => {
    const f = buildClassicPdf({ info, extra: [{ num: 7, body: '(indirect)' }] });
    expect(readPdfAigc(f)).toBe(want);
  });

  it.each([
    ['a number', '<< /AIGC 5 >>'],
    ['a stream', '<< /AIGC 4 0 R >>'],
  ])('rejects an /AIGC that is %s', (_, info) => {
    const f = buildClassicPdf({ info });
    expect(catchFormatError(() => readPdfAigc(f))?.code).toBe('format.corrupt');
  });

  it('rejects two /AIGC keys (however spelled) in the effective Info, on read and write', () => {
    const f = buildClassicPdf({ info: '<< /AIGC (a) /Title (t) /AI#47C (b) >>' });
    for (const op of [() => readPdfAigc(f), () => writePdfAigc(f, A), () => writePdfAigc(f, undefined)]) {
      expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
    }
  });

  it('ignores a duplicate in a superseded revision', () => {
    const f = buildClassicPdf({ info: '<< /AIGC (a) /AIGC (b) >>' });
    const fixed = appendUpdate(f, [{ num: 6, body: '<< /AIGC (c) >>' }]);
    expect(readPdfAigc(fixed)).toBe('c');
    expect(readPdfAigc(writePdfAigc(fixed, A))).toBe(A);
  });

  it('refuses encrypted files (format.unsupported), which still validate', () => {
    const f = buildClassicPdf({ info: PDF_INFO, trailer: ' /Encrypt 9 0 R' });
    loadPdf(f);
    expect(catchFormatError(() => readPdfAigc(f))?.code).toBe('format.unsupported');
    expect(catchFormatError(() => writePdfAigc(f, A))?.code).toBe('format.unsupported');
  });

  it('labels a hybrid-reference file whose Info is only in the /XRefStm stream (§7.5.8.4)', () => {
    const header = bytes('%PDF-1.5\n');
    const objStm = `<< /Type /ObjStm /N 1 /First 4 /Length ${4 + PDF_INFO.length} >>\nstream\n6 0 ${PDF_INFO}\nendstream`;
    const objects = serialize([...buildPageObjects(), { num: 7, body: objStm }], header.length);
    const stmAt = header.length + objects.bytes.length;
    const stm = `8 0 obj\n<< /Type /XRef /Size 9 /Index [6 1] /W [1 2 1] /Length 4 >>\nstream\n\x02\x00\x07\x00\nendstream\nendobj\n`;
    const xrefAt = stmAt + stm.length;
    const table = `${classicXref(objects.offsets, true)}trailer\n<< /Size 9 /Root 1 0 R /Info 6 0 R /XRefStm ${stmAt} >>\n`;
    const f = concatBytes([header, objects.bytes, bytes(`${stm}${table}startxref\n${xrefAt}\n%%EOF\n`)]);
    expect(infoEntries(f)[0]).toBe('/Title (Tone \\(test\\))');
    const out = writePdfAigc(f, A);
    expect(loadPdf(out).chain.sections.map((s) => s.kind)).toEqual(['table', 'table', 'stream']);
    expect(text(out.subarray(f.length))).not.toContain('XRefStm');
    expect(readPdfAigc(out)).toBe(A);
    expect(bytesEqual(writePdfAigc(out, undefined), f)).toBe(true);
  });
});
