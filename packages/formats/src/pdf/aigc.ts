/**
 * The AIGC field of a PDF: the entry `/AIGC` of the document information dictionary
 * (TC260 practice guide for GB 45438-2025; ISO 32000-1 §14.3.3 allows any further key), a text
 * string (§7.9.2.2). Reading takes the effective Info dictionary (the newest revision's); two
 * `/AIGC` keys in it are `format.duplicate_metadata`.
 *
 * Writing appends an incremental update (see update.ts) whose Info copies every other entry
 * byte for byte and sets `/AIGC`. When the file already ends with an update this package wrote
 * (the LABEL_MARKER line, and the exact bytes we would write), that update is replaced instead
 * of stacked, so relabeling is idempotent and `write(write(f, a), undefined)` gives back `f`.
 * Removing a label that an earlier, foreign revision wrote appends an update whose Info lacks
 * `/AIGC`, so the effective Info has none.
 */
import { bytesEqual, concatBytes } from '@synthguard/core';
import { FormatError, formatError } from '../errors.js';
import { type PdfDocument, loadPdf, requireUnencrypted } from './document.js';
import { corrupt } from './lexer.js';
import type { PdfValue } from './objects.js';
import { decodeTextString, encodeTextString } from './text-string.js';
import { LABEL_MARKER, buildInfoUpdate } from './update.js';

export const AIGC_KEY = 'AIGC';

/** How many marker lines, from the end, we try as the start of our own update. */
const MAX_MARKER_CANDIDATES = 4;

const MARKER_BYTES = Uint8Array.from(LABEL_MARKER, (c) => c.charCodeAt(0));
const AIGC_PREFIX = Uint8Array.from(`/${AIGC_KEY} `, (c) => c.charCodeAt(0));

/** The effective Info dictionary's `/AIGC` text, or undefined (absent, or null). */
function aigcOf(doc: PdfDocument): string | undefined {
  const entries = doc.info?.dict.entries.filter((e) => e.key === AIGC_KEY) ?? [];
  if (entries.length > 1) {
    throw formatError(
      'format.duplicate_metadata',
      'The PDF Info dictionary holds more than one /AIGC entry; remove the extra one before labelling.',
      { count: entries.length },
    );
  }
  let value: PdfValue | undefined = entries[0]?.value;
  if (value?.kind === 'ref') {
    // §7.3.10: an Info value may be an indirect string object.
    const target = doc.resolve(value);
    if (target?.stream !== undefined) throw corrupt('an /AIGC that is a stream', doc.chain.startxref);
    value = target?.value ?? { kind: 'null' };
  }
  if (value === undefined || value.kind === 'null') return undefined;
  if (value.kind !== 'string') throw corrupt('an /AIGC entry that is not a string', doc.chain.startxref);
  return decodeTextString(value.bytes);
}

/** The update to append to `base` so its effective `/AIGC` is `value`; undefined: none needed. */
function labelUpdate(base: PdfDocument, value: string | undefined): Uint8Array | undefined {
  if (value === undefined && aigcOf(base) === undefined) return undefined;
  const info = base.info;
  const entries =
    info?.dict.entries.filter((e) => e.key !== AIGC_KEY).map((e) => info.source.subarray(e.start, e.end)) ??
    [];
  if (value !== undefined) entries.push(concatBytes([AIGC_PREFIX, encodeTextString(value)]));
  return buildInfoUpdate(base, entries);
}

/**
 * The file before our own trailing update, parsed, when `doc` ends with one: a marker line
 * whose prefix is a valid PDF to which `labelUpdate` appends exactly the rest of the file.
 */
function ownUpdateBase(doc: PdfDocument, current: string | undefined): PdfDocument | undefined {
  const file = doc.file;
  const buf = Buffer.from(file.buffer, file.byteOffset, file.length);
  let from = file.length;
  for (let k = 0; k < MAX_MARKER_CANDIDATES && from > 0; k++) {
    const at = buf.lastIndexOf(MARKER_BYTES, from - 1);
    if (at < 0) return undefined;
    from = at;
    try {
      const base = loadPdf(file.subarray(0, at));
      if (base.encrypted) continue;
      const update = labelUpdate(base, current);
      if (update !== undefined && bytesEqual(update, file.subarray(at))) return base;
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
    }
  }
  return undefined;
}

export function readPdfAigc(file: Uint8Array): string | undefined {
  const doc = loadPdf(file);
  requireUnencrypted(doc);
  return aigcOf(doc);
}

export function writePdfAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const doc = loadPdf(file);
  requireUnencrypted(doc);
  const base = ownUpdateBase(doc, aigcOf(doc)) ?? doc;
  const update = labelUpdate(base, value);
  return update === undefined ? base.file.slice() : concatBytes([base.file, update]);
}
