/**
 * An incremental update (ISO 32000-1 §7.5.6) that redefines the document information
 * dictionary: appended after the last `%%EOF`, it holds the new Info object, a cross-reference
 * section listing it, and a trailer with `/Size`, `/Prev` (the previous `startxref`) and `/Info`.
 * Every other entry of the previous trailer is copied byte for byte (§7.5.6: "all entries except
 * Prev"), so `/Root` and `/ID` stay; section-specific keys (`/XRefStm`, and a cross-reference
 * stream's `/W`, `/Index`, `/Filter`, …) are not copied.
 *
 * The section matches the file's last one (§7.5.8.4): a classic `xref` table after a table, an
 * uncompressed cross-reference stream (PDF 1.5) after a stream, so readers that understand the
 * file also understand the update. An existing Info object keeps its number (the update
 * supersedes it); without one the Info object takes number `/Size`.
 *
 * Nothing before the update changes, so signatures (`/ByteRange` over the earlier bytes, §12.8)
 * stay valid; a DocMDP-certified file (`/P 1`) still reports the change as made after signing.
 * A linearized file stops being linearized (it stays a valid PDF).
 */
import { concatBytes } from '@synthguard/core';
import { formatError } from '../errors.js';
import type { PdfDocument } from './document.js';

/** The line that opens the updates this package writes, so a relabel replaces its own update. */
export const LABEL_MARKER = '\n%synthguard-label\n';

/** Keys of the previous trailer that belong to its own section and are not carried over. */
const SECTION_KEYS = new Set([
  'Size',
  'Prev',
  'Info',
  'XRefStm',
  'Type',
  'W',
  'Index',
  'Length',
  'Filter',
  'DecodeParms',
  'F',
  'FFilter',
  'FDecodeParms',
  'DL',
]);

/** Object numbers beyond this are not real files (PDF 1.7 Annex C allows 8,388,607). */
const MAX_OBJECT_NUMBER = 0x7fffffff;

const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * The bytes to append to `doc.file`: an update whose Info dictionary holds exactly `entries`
 * (each the bytes of one `/Key value` pair). `marker` opens it with LABEL_MARKER (our own
 * updates); without it, the update starts with a bare end-of-line.
 */
export function buildInfoUpdate(doc: PdfDocument, entries: readonly Uint8Array[], marker = true): Uint8Array {
  const { num, gen } = doc.info?.ref ?? { num: doc.size, gen: 0 };
  const xrefNum = Math.max(doc.size, num + 1);
  if (xrefNum + 1 > MAX_OBJECT_NUMBER) {
    throw formatError('format.corrupt', 'PDF object numbers are out of range; the file is damaged.', {
      size: doc.size,
    });
  }
  const prefix = text(marker ? LABEL_MARKER : '\n');
  const infoOffset = doc.file.length + prefix.length;
  const info = concatBytes([
    text(`${num} ${gen} obj\n<<`),
    ...entries.flatMap((e) => [text('\n'), e]),
    text('\n>>\nendobj\n'),
  ]);
  const xrefOffset = infoOffset + info.length;
  const carried = doc.trailer.entries
    .filter((e) => !SECTION_KEYS.has(e.key))
    .flatMap((e) => [doc.file.subarray(e.start, e.end), text('\n')]);
  const tail = [text(`/Info ${num} ${gen} R\n/Prev ${doc.chain.startxref}\n>>\n`)];
  const isStream = doc.chain.sections[0]!.kind === 'stream';
  let section: Uint8Array[];
  if (isStream) {
    // §7.5.8: one row per object (type 1, offset, generation), the stream listing itself too.
    let width = 1;
    while (xrefOffset >= 256 ** width) width++;
    const rows = new Uint8Array(2 * (3 + width));
    writeRow(rows, 0, width, infoOffset, gen);
    writeRow(rows, 3 + width, width, xrefOffset, 0);
    section = [
      text(`${xrefNum} 0 obj\n<<\n/Type /XRef\n/Size ${xrefNum + 1}\n/Index [${num} 1 ${xrefNum} 1]\n`),
      text(`/W [1 ${width} 2]\n/Length ${rows.length}\n`),
      ...carried,
      ...tail,
      text('stream\r\n'),
      rows,
      text('\r\nendstream\nendobj\n'),
    ];
  } else {
    // §7.5.4: one subsection with the Info object's 20-byte entry.
    const entry = `${pad(infoOffset, 10)} ${pad(gen, 5)} n\r\n`;
    section = [
      text(`xref\n${num} 1\n${entry}trailer\n<<\n/Size ${Math.max(doc.size, num + 1)}\n`),
      ...carried,
      ...tail,
    ];
  }
  return concatBytes([prefix, info, ...section, text(`startxref\n${xrefOffset}\n%%EOF\n`)]);
}

function writeRow(out: Uint8Array, at: number, width: number, offset: number, gen: number): void {
  out[at] = 1;
  let v = offset;
  for (let i = width; i >= 1; i--) {
    out[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[at + width + 1] = gen >> 8;
  out[at + width + 2] = gen & 0xff;
}

function pad(n: number, width: number): string {
  const s = String(n);
  if (s.length > width) {
    throw formatError(
      'format.metadata_too_large',
      'The PDF is too large for a classic cross-reference table.',
      {
        offset: n,
      },
    );
  }
  return s.padStart(width, '0');
}
