/**
 * Test-only PDF fixtures, written by a small builder here (independent of the handler's writer):
 * one-page files with a classic cross-reference table (ISO 32000-1 §7.5.4), or PDF 1.5 with a
 * Flate cross-reference stream (PNG Up predictor, §7.5.8) and an object stream holding the Info
 * dictionary (§7.5.7); incremental updates (§7.5.6) appended the way other tools do. Plus the
 * probes (page content, other metadata) and the duplicate-field forger for
 * runAigcFieldConformance.
 */
import { concatBytes, sha256Hex } from '@synthguard/core';
import { deflateSync } from 'node:zlib';
import { loadPdf } from '../pdf/document.js';
import { type PdfDict, type PdfValue, dictGet } from '../pdf/objects.js';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** A UTF-16BE text string with BOM, as a hexadecimal string object (§7.9.2.2). */
export function utf16Hex(value: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < value.length; i++)
    hex += value.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

export interface PdfObjectSpec {
  readonly num: number;
  /** Everything between `N 0 obj` and `endobj`. */
  readonly body: string | Uint8Array;
}

const CONTENT = 'BT /F1 24 Tf 20 100 Td (Hello) Tj ET';

/** Catalog, page tree, one page, its content stream and font: objects 1-5. */
export function buildPageObjects(): PdfObjectSpec[] {
  return [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    {
      num: 3,
      body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    },
    { num: 4, body: `<< /Length ${CONTENT.length} >>\nstream\n${CONTENT}\nendstream` },
    { num: 5, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' },
  ];
}

const FILE_ID = '[<8A3C2F00D1E94B6A9C7E5F1021324354> <8A3C2F00D1E94B6A9C7E5F1021324354>]';

/** The objects as `N 0 obj … endobj`, starting at file offset `from`, and each one's offset. */
export function serialize(
  objects: readonly PdfObjectSpec[],
  from: number,
): { bytes: Uint8Array; offsets: Map<number, number> } {
  const offsets = new Map<number, number>();
  const parts: Uint8Array[] = [];
  let at = from;
  for (const o of objects) {
    offsets.set(o.num, at);
    const bytes = concatBytes([
      latin1(`${o.num} 0 obj\n`),
      typeof o.body === 'string' ? latin1(o.body) : o.body,
      latin1('\nendobj\n'),
    ]);
    parts.push(bytes);
    at += bytes.length;
  }
  return { bytes: concatBytes(parts), offsets };
}

/** A classic `xref` section for `offsets` (one subsection per run of numbers), from object 0 when `withZero`. */
export function classicXref(offsets: Map<number, number>, withZero: boolean): string {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const rows: { num: number; line: string }[] = nums.map((n) => ({
    num: n,
    line: `${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`,
  }));
  if (withZero) rows.unshift({ num: 0, line: '0000000000 65535 f\r\n' });
  let out = 'xref\n';
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1]!.num === rows[j]!.num + 1) j++;
    out += `${rows[i]!.num} ${j - i + 1}\n${rows
      .slice(i, j + 1)
      .map((r) => r.line)
      .join('')}`;
    i = j + 1;
  }
  return out;
}

export interface ClassicPdfOptions {
  /** Info dictionary body (`<< … >>`, object 6), or undefined for no Info. */
  readonly info?: string;
  /** Further objects (numbered from 7 by the caller). */
  readonly extra?: readonly PdfObjectSpec[];
  /** Further trailer entries, or a replacement for the `/Info 6 0 R` entry (`infoEntry`). */
  readonly trailer?: string;
  readonly infoEntry?: string;
}

/** PDF 1.4, classic cross-reference table, objects 1-5 (+ 6 Info). */
export function buildClassicPdf(o: ClassicPdfOptions = {}): Uint8Array {
  const header = latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const objects = buildPageObjects();
  if (o.info !== undefined) objects.push({ num: 6, body: o.info });
  objects.push(...(o.extra ?? []));
  const { bytes, offsets } = serialize(objects, header.length);
  const xrefAt = header.length + bytes.length;
  const info = o.infoEntry ?? (o.info === undefined ? '' : ' /Info 6 0 R');
  const size = Math.max(...objects.map((x) => x.num)) + 1;
  const tail = `${classicXref(offsets, true)}trailer\n<< /Size ${size} /Root 1 0 R${info} /ID ${FILE_ID}${o.trailer ?? ''} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return concatBytes([header, bytes, latin1(tail)]);
}

/** Cross-reference stream rows: type 1 byte, offset 2 bytes (or object stream), 1 byte gen/index. */
type XrefRow = readonly [type: number, field2: number, field3: number];

function xrefStreamData(rows: readonly XrefRow[], predict: boolean): Uint8Array {
  const columns = 4;
  const raw = new Uint8Array(rows.length * columns);
  rows.forEach(([t, f2, f3], i) => {
    raw.set([t, f2 >> 8, f2 & 0xff, f3], i * columns);
  });
  if (!predict) return raw;
  // PNG "Up" (filter type 2) on every row, as most writers do (/Predictor 12).
  const out = new Uint8Array(rows.length * (columns + 1));
  for (let r = 0; r < rows.length; r++) {
    out[r * (columns + 1)] = 2;
    for (let c = 0; c < columns; c++) {
      const up = r > 0 ? raw[(r - 1) * columns + c]! : 0;
      out[r * (columns + 1) + 1 + c] = (raw[r * columns + c]! - up) & 0xff;
    }
  }
  return out;
}

export interface XrefStreamPdfOptions {
  /** Info dictionary body, stored in the object stream. */
  readonly info: string;
  /** Replaces the object stream's header (`5 0 6 n `) and its /N, to build broken files. */
  readonly objStmHeader?: string;
  readonly objStmN?: number;
}

/**
 * PDF 1.5 as modern writers save it: page objects 1-4 uncompressed, the font (5) and the Info
 * dictionary (6) in object stream 7, cross-reference stream 8 (Flate, /Predictor 12).
 */
export function buildXrefStreamPdf(o: XrefStreamPdfOptions): Uint8Array {
  const header = latin1('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  const inStream = [
    { num: 5, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' },
    { num: 6, body: o.info },
  ];
  let objText = '';
  let index = '';
  for (const s of inStream) {
    index += `${s.num} ${objText.length} `;
    objText += `${s.body}\n`;
  }
  index = o.objStmHeader ?? index;
  const objStmData = deflateSync(latin1(index + objText));
  const objStm = concatBytes([
    latin1(
      `<< /Type /ObjStm /N ${o.objStmN ?? inStream.length} /First ${index.length} /Filter /FlateDecode /Length ${objStmData.length} >>\nstream\n`,
    ),
    objStmData,
    latin1('\nendstream'),
  ]);
  const objects = [...buildPageObjects().slice(0, 4), { num: 7, body: objStm }];
  const { bytes, offsets } = serialize(objects, header.length);
  const xrefAt = header.length + bytes.length;
  const rows: XrefRow[] = [
    [0, 0, 255],
    [1, offsets.get(1)!, 0],
    [1, offsets.get(2)!, 0],
    [1, offsets.get(3)!, 0],
    [1, offsets.get(4)!, 0],
    [2, 7, 0],
    [2, 7, 1],
    [1, offsets.get(7)!, 0],
    [1, xrefAt, 0],
  ];
  const data = deflateSync(xrefStreamData(rows, true));
  const xref = concatBytes([
    latin1(
      `8 0 obj\n<< /Type /XRef /Size 9 /W [1 2 1] /Root 1 0 R /Info 6 0 R /ID ${FILE_ID} /Filter /FlateDecode /DecodeParms << /Columns 4 /Predictor 12 >> /Length ${data.length} >>\nstream\r\n`,
    ),
    data,
    latin1('\r\nendstream\nendobj\n'),
  ]);
  return concatBytes([header, bytes, xref, latin1(`startxref\n${xrefAt}\n%%EOF\n`)]);
}

function rawEntry(file: Uint8Array, dict: PdfDict, key: string): string | undefined {
  const e = dict.entries.find((x) => x.key === key);
  return e === undefined ? undefined : String.fromCharCode(...file.subarray(e.start, e.end));
}

/**
 * Appends an incremental update (§7.5.6) the way another tool would (no marker line): the given
 * objects, then a classic section after a table or an uncompressed cross-reference stream
 * after a stream, with a trailer carrying /Root, /ID, /Info (or `info`) and /Prev.
 */
export function appendUpdate(file: Uint8Array, objects: readonly PdfObjectSpec[], info?: number): Uint8Array {
  const doc = loadPdf(file);
  const root = rawEntry(file, doc.trailer, 'Root')!;
  const id = rawEntry(file, doc.trailer, 'ID');
  const infoRef = info === undefined ? rawEntry(file, doc.trailer, 'Info') : `/Info ${info} 0 R`;
  const { bytes, offsets } = serialize(objects, file.length);
  const xrefAt = file.length + bytes.length;
  const maxNum = Math.max(doc.size - 1, ...objects.map((x) => x.num));
  const common = `${root}${infoRef === undefined ? '' : ` ${infoRef}`}${id === undefined ? '' : ` ${id}`} /Prev ${doc.chain.startxref}`;
  if (doc.chain.sections[0]!.kind === 'table') {
    const tail = `${classicXref(offsets, false)}trailer\n<< /Size ${maxNum + 1} ${common} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    return concatBytes([file, bytes, latin1(tail)]);
  }
  const xrefNum = maxNum + 1;
  offsets.set(xrefNum, xrefAt);
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const rows: XrefRow[] = nums.map((n) => [1, offsets.get(n)!, 0]);
  if (rows.some((r) => r[1] > 0xffff)) throw new Error('appendUpdate: fixture too large for 2-byte offsets');
  const data = xrefStreamData(rows, false);
  const index = nums.map((n) => `${n} 1`).join(' ');
  const xref = concatBytes([
    latin1(
      `${xrefNum} 0 obj\n<< /Type /XRef /Size ${xrefNum + 1} /Index [${index}] /W [1 2 1] ${common} /Length ${data.length} >>\nstream\n`,
    ),
    data,
    latin1('\nendstream\nendobj\n'),
  ]);
  return concatBytes([file, bytes, xref, latin1(`startxref\n${xrefAt}\n%%EOF\n`)]);
}

/** Cuts that leave an earlier, complete revision: right after its `%%EOF` and after its EOL. */
function revisionCuts(base: Uint8Array): number[] {
  return [base.length - 1, base.length];
}

export const PDF_INFO =
  '<< /Title (Tone \\(test\\)) /Producer (synthguard test) /CreationDate (D:20250101000000Z) >>';

export function buildPdfFixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-pdf');
  const updatedBase = buildClassicPdf({ info: PDF_INFO });
  const foreignBase = buildClassicPdf({ info: '<< /Producer (other tool) >>' });
  return Promise.resolve([
    {
      name: 'PDF 1.4, classic xref, Info with /Title and /Producer',
      bytes: buildClassicPdf({ info: PDF_INFO }),
      aigc: undefined,
      trailer: 1,
    },
    { name: 'PDF 1.4 without Info', bytes: buildClassicPdf(), aigc: undefined, trailer: 1 },
    {
      name: 'PDF 1.5, xref stream (Flate, Up predictor), Info in an object stream',
      bytes: buildXrefStreamPdf({ info: PDF_INFO }),
      aigc: undefined,
      trailer: 1,
    },
    {
      name: 'an earlier incremental update (new /Title)',
      bytes: appendUpdate(updatedBase, [
        { num: 6, body: '<< /Title (Tone, revised) /Producer (synthguard test) >>' },
      ]),
      aigc: undefined,
      trailer: 1,
      validCuts: revisionCuts(updatedBase),
    },
    {
      name: 'Info with an ASCII /AIGC in the original revision',
      bytes: buildClassicPdf({ info: `<< /Producer (synthguard test) /AIGC (${existing}) /Title (x) >>` }),
      aigc: existing,
      trailer: 1,
    },
    {
      name: 'UTF-16BE hex /AIGC added by a foreign incremental update',
      bytes: appendUpdate(foreignBase, [
        { num: 6, body: `<< /Producer (other tool) /AIGC ${utf16Hex('人工智能 label')} >>` },
      ]),
      aigc: '人工智能 label',
      trailer: 1,
      validCuts: revisionCuts(foreignBase),
    },
    {
      name: 'PDF 1.5, /AIGC (UTF-16BE hex) in the object stream',
      bytes: buildXrefStreamPdf({ info: `<< /AIGC ${utf16Hex('标签 é')} /Producer (x) >>` }),
      aigc: '标签 é',
      trailer: 1,
    },
  ]);
}

function pageContent(file: Uint8Array): string {
  const doc = loadPdf(file);
  const get = (d: PdfValue | undefined, key: string): PdfValue | undefined =>
    d?.kind === 'dict' ? dictGet(d.dict, key) : undefined;
  const deref = (v: PdfValue | undefined): PdfValue | undefined =>
    v?.kind === 'ref' ? doc.resolve(v)?.value : v;
  const root = deref(dictGet(doc.trailer, 'Root'));
  const kids = deref(get(deref(get(root, 'Pages')), 'Kids'));
  const page = deref(kids?.kind === 'array' ? kids.items[0] : undefined);
  const contents = get(page, 'Contents');
  if (contents?.kind !== 'ref') throw new Error('fixture page without a content stream');
  const stream = doc.resolve(contents)?.stream;
  if (stream === undefined) throw new Error('fixture content is not a stream');
  return sha256Hex(stream);
}

type Probes = Pick<AigcConformanceOptions, 'decode' | 'preserved' | 'addSecondField'>;

export const pdfProbes: Probes = {
  decode: (file) => Promise.resolve(pageContent(file)),
  preserved: (file) => {
    const doc = loadPdf(file);
    const info = doc.info;
    const entries = (info?.dict.entries ?? [])
      .filter((e) => e.key !== 'AIGC')
      .map((e) => String.fromCharCode(...info!.source.subarray(e.start, e.end)));
    return Promise.resolve({
      info: entries,
      root: rawEntry(file, doc.trailer, 'Root'),
      id: rawEntry(file, doc.trailer, 'ID'),
    });
  },
  /** A foreign update whose Info repeats every entry (the label too) and adds a hex `/AIGC`. */
  addSecondField: (file, value) => {
    const doc = loadPdf(file);
    const info = doc.info!;
    const entries = info.dict.entries.map((e) =>
      String.fromCharCode(...info.source.subarray(e.start, e.end)),
    );
    const body = `<< ${entries.join(' ')} /AIGC ${utf16Hex(value)} >>`;
    return appendUpdate(file, [{ num: info.ref.num, body: latin1(body) }], info.ref.num);
  },
};
