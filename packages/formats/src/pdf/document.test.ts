import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { PDF_INFO, buildClassicPdf, buildXrefStreamPdf } from '../testing/pdf-fixtures.js';
import { hasPdfSignature, loadPdf, requireUnencrypted } from './document.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);
const codeOf = (file: Uint8Array) => catchFormatError(() => loadPdf(file))?.code;

/** `file` with the first occurrence of `from` replaced by `to` (same length, offsets stay). */
function patch(file: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('patch must keep the length');
  const at = text(file).indexOf(from);
  if (at < 0) throw new Error(`patch: ${from} not found`);
  const out = file.slice();
  out.set(bytes(to), at);
  return out;
}

describe('PDF header (ISO 32000-1 §7.5.2)', () => {
  it.each([
    ['%PDF-1.0', true],
    ['%PDF-1.7\n', true],
    ['%PDF-2.0', true],
    ['%PDF-3.0', false],
    ['%PDF-1.', false],
    [' %PDF-1.4', false],
    ['%!PS-Adobe', false],
    ['', false],
  ])('%j → %s', (head, want) => {
    expect(hasPdfSignature(bytes(head))).toBe(want);
  });
});

describe('loadPdf', () => {
  it('finds the Info dictionary in the file, or in an object stream', () => {
    const classic = loadPdf(buildClassicPdf({ info: PDF_INFO }));
    expect(classic.info?.ref).toEqual({ num: 6, gen: 0 });
    expect(classic.info?.source).toBe(classic.file);
    expect(classic.size).toBe(7);
    const compressed = loadPdf(buildXrefStreamPdf({ info: PDF_INFO }));
    expect(compressed.info?.dict.entries.map((e) => e.key)).toEqual(['Title', 'Producer', 'CreationDate']);
    const title = compressed.info!.dict.entries[0]!;
    expect(text(compressed.info!.source.subarray(title.start, title.end))).toBe('/Title (Tone \\(test\\))');
    expect(loadPdf(buildClassicPdf()).info).toBeUndefined();
  });

  it('treats an /Info that points at a missing or free object as no Info (§7.3.10)', () => {
    expect(loadPdf(buildClassicPdf({ infoEntry: ' /Info 40 0 R' })).info).toBeUndefined();
    expect(loadPdf(buildClassicPdf({ infoEntry: ' /Info 0 0 R' })).info).toBeUndefined();
    expect(loadPdf(buildClassicPdf({ info: PDF_INFO, infoEntry: ' /Info 6 1 R' })).info).toBeUndefined();
  });

  it('resolves an indirect stream /Length', () => {
    const file = buildClassicPdf({
      info: PDF_INFO,
      extra: [
        { num: 7, body: '<< /Length 8 0 R >>\nstream\nabc\nendstream' },
        { num: 8, body: '3' },
      ],
    });
    expect(loadPdf(file).resolve({ num: 7, gen: 0 })?.stream).toEqual(bytes('abc'));
  });

  it('walks an encrypted file as far as the chain, and the carrier refuses it', () => {
    const doc = loadPdf(buildClassicPdf({ info: PDF_INFO, trailer: ' /Encrypt 9 0 R' }));
    expect(doc.encrypted).toBe(true);
    expect(doc.info).toBeUndefined();
    expect(
      catchFormatError(() => {
        requireUnencrypted(doc);
      })?.code,
    ).toBe('format.unsupported');
  });

  it.each([
    ['no header', (f: Uint8Array) => patch(f, '%PDF-1.4', '%XYZ-1.4'), 'format.corrupt'],
    ['no /Root', (f: Uint8Array) => patch(f, '/Root 1 0 R', '/Rooo 1 0 R'), 'format.corrupt'],
    [
      'a /Root that is not a reference',
      (f: Uint8Array) => patch(f, '/Root 1 0 R', '/Root 1    '),
      'format.corrupt',
    ],
    ['a /Root that is a stream', (f: Uint8Array) => patch(f, '/Root 1 0 R', '/Root 4 0 R'), 'format.corrupt'],
    ['a /Root that is missing', (f: Uint8Array) => patch(f, '/Root 1 0 R', '/Root 9 0 R'), 'format.corrupt'],
    ['no /Size', (f: Uint8Array) => patch(f, '/Size 7', '/Sixe 7'), 'format.corrupt'],
    ['a direct /Info', (f: Uint8Array) => patch(f, '/Info 6 0 R', '/Info << >>'), 'format.corrupt'],
    [
      'an /Info that is a stream',
      (f: Uint8Array) => patch(f, '/Info 6 0 R', '/Info 4 0 R'),
      'format.corrupt',
    ],
    [
      'an xref entry pointing at another object',
      (f: Uint8Array) => {
        const at = (n: number) => String(text(f).indexOf(`${n} 0 obj`)).padStart(10, '0');
        return patch(f, `${at(6)} 00000 n`, `${at(5)} 00000 n`);
      },
      'format.corrupt',
    ],
  ])('rejects %s', (_, mutate, code) => {
    expect(codeOf(mutate(buildClassicPdf({ info: PDF_INFO })))).toBe(code);
  });

  it.each([
    ['an index past /N', { objStmN: 1 }],
    ['a header naming another object', { objStmHeader: '5 0 9 55 ' }],
    ['a malformed header', { objStmHeader: '5 0 x y ' }],
    ['an offset past the data', { objStmHeader: '5 0 6 999 ' }],
  ])('rejects an object stream with %s', (_, o) => {
    expect(codeOf(buildXrefStreamPdf({ info: PDF_INFO, ...o }))).toBe('format.corrupt');
  });
});
