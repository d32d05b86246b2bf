/**
 * Interop for PDF. No independent PDF generator is installed on the Debian image (qpdf, gs and
 * pdftk are absent; ffmpeg cannot write PDF), so the test writes a minimal one-page PDF itself,
 * twice: PDF 1.4 with a classic cross-reference table and PDF 1.5 with a Flate cross-reference
 * stream (ISO 32000-1 §7.5.4, §7.5.8); a real Quartz PDF joins them where Debian's exiftool
 * package installed its docs. exiftool, an independent PDF writer, then edits each file's
 * Info dictionary with its own incremental update, and the result is labeled through the HTTP
 * API. exiftool must show exactly one `[PDF] AIGC` holding our label and every tag it saw
 * before, unchanged; the labeled file must start with every byte of the input (an incremental
 * update, so signatures over those bytes hold), and `qpdf --check` must pass when qpdf is
 * installed. Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  EXIFTOOL,
  exiftoolListing,
  exiftoolTags,
  expectAnnexELabel,
  expectTagsKept,
  interopToolsPresent,
  labelThroughApi,
  listedTimes,
  useInteropWorkspace,
} from './testing/interop.js';

const CONTENT = 'BT /F1 24 Tf 20 100 Td (Hello) Tj ET';
const OBJECTS = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
  `<< /Length ${CONTENT.length} >>\nstream\n${CONTENT}\nendstream`,
  '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  '<< /Producer (test-generator 1.0) /Title (draft) >>',
];
const ID = '[<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]';

/** Objects 1-6 (6 is the Info dictionary), then a table or an xref stream (object 7). */
function buildPdf(xrefStream: boolean): Buffer {
  let body = `%PDF-${xrefStream ? '1.5' : '1.4'}\n%\xe2\xe3\xcf\xd3\n`;
  const offsets = OBJECTS.map((obj, i) => {
    const at = body.length;
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
    return at;
  });
  const xrefAt = body.length;
  if (!xrefStream) {
    const rows = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n\r\n`).join('');
    body += `xref\n0 7\n0000000000 65535 f\r\n${rows}trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R /ID ${ID} >>\n`;
    return Buffer.from(`${body}startxref\n${xrefAt}\n%%EOF\n`, 'latin1');
  }
  // §7.5.8.3: rows of type (1 byte), offset (4), generation (2); the stream lists itself.
  const rows = Buffer.alloc(8 * 7);
  rows.writeUInt16BE(0xffff, 5);
  [...offsets, xrefAt].forEach((o, i) => {
    rows.writeUInt8(1, (i + 1) * 7);
    rows.writeUInt32BE(o, (i + 1) * 7 + 1);
  });
  const data = deflateSync(rows);
  const dict = `<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Info 6 0 R /ID ${ID} /Filter /FlateDecode /Length ${data.length} >>`;
  return Buffer.concat([
    Buffer.from(`${body}7 0 obj\n${dict}\nstream\n`, 'latin1'),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'),
  ]);
}

const enabled = interopToolsPresent('pdf.interop.test.ts', EXIFTOOL);
/** Optional: `qpdf --check` runs only where qpdf is installed (it is not on the CI image). */
const qpdf = (() => {
  try {
    return execFileSync('qpdf', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
})();
const ws = useInteropWorkspace('sg-pdf-interop-', enabled, 10 * 1024 * 1024);
const dir = ws.dir;

/** A real PDF (Mac OS X Quartz PDFContext, classic xref) that Debian's exiftool package ships, when its docs are installed. */
const QUARTZ_PDF = '/usr/share/doc/libimage-exiftool-perl/html/MIE1.1-20070121.pdf';

const cases: [string, () => Buffer][] = [
  ['PDF 1.4, classic xref table, Info edited by exiftool', () => buildPdf(false)],
  ['PDF 1.5, Flate cross-reference stream, Info edited by exiftool', () => buildPdf(true)],
  ...(existsSync(QUARTZ_PDF)
    ? [
        ['Quartz PDF from the exiftool docs, Info edited by exiftool', () => readFileSync(QUARTZ_PDF)] as [
          string,
          () => Buffer,
        ],
      ]
    : []),
];

describe.runIf(enabled)('exiftool reads the label in a PDF', () => {
  it.each(cases)('%s', async (name, build) => {
    const stem = name.replace(/\W+/g, '_');
    const inPath = join(dir, `${stem}.in.pdf`);
    writeFileSync(inPath, build());
    // exiftool appends its own incremental update (and an XMP packet) to the Info dictionary.
    execFileSync('exiftool', [
      '-q',
      '-overwrite_original',
      '-Title=生成的文档',
      '-Author=test-generator',
      inPath,
    ]);
    const input = readFileSync(inPath);
    const t = ws.app();
    const { file, produceId } = await labelThroughApi(t, input, { format: 'pdf' });
    const outPath = join(dir, `${stem}.out.pdf`);
    writeFileSync(outPath, file);
    // An incremental update: every input byte is kept, in place.
    expect(Buffer.compare(file.subarray(0, input.length), input)).toBe(0);

    const listing = exiftoolListing(outPath);
    expect(listedTimes(listing, 'PDF', 'AIGC')).toBe(1);
    expect(listing).not.toMatch(/Warning|Error/);
    const before = exiftoolTags(inPath);
    const after = exiftoolTags(outPath);
    expectAnnexELabel(after['PDF:AIGC'], {
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: produceId,
    });
    expect(before['PDF:Title']).toBe('生成的文档');
    expect(before['PDF:Producer']).toBeDefined();
    expectTagsKept(before, after, name);

    if (qpdf !== undefined) execFileSync('qpdf', ['--check', outPath], { stdio: 'pipe' });
  });
});
