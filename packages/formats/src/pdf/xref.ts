/**
 * The cross-reference chain (ISO 32000-1 §7.5.4-§7.5.8): `startxref` at the end of the file,
 * then every section back through `/Prev` (and the `/XRefStm` of hybrid files, §7.5.8.4).
 * Sections are classic tables (`xref`, subsections of 20-byte entries, `trailer`) or
 * cross-reference streams (`/Type /XRef`, `/W`, `/Index`, Flate + PNG predictor).
 *
 * We do not repair (§7.5.5 says readers may; we refuse): no `%%EOF` at the end, an offset that
 * does not point at a section, a `/Prev` loop or a malformed entry is `format.corrupt` (or
 * `format.truncated`). Lookups are lazy, so a section listing millions of objects costs no
 * memory beyond its own bytes; the chain length and decoded stream bytes are capped.
 */
import { startsWithAt } from '@synthguard/core';
import { decodeStream } from './filters.js';
import { Lexer, corrupt, isDelimiter, isWhite, truncated } from './lexer.js';
import { type PdfDict, asNat, dictGet, parseDict, parseIndirectObject } from './objects.js';

/** Most sections in one chain (each incremental update adds one or two). */
export const MAX_SECTIONS = 1024;
/** Most bytes decoded from all cross-reference and object streams of one file. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export type XrefEntry =
  | { readonly type: 'free' }
  | { readonly type: 'offset'; readonly offset: number; readonly gen: number }
  | { readonly type: 'compressed'; readonly stream: number; readonly index: number };

export interface XrefSection {
  /** Offset of the `xref` keyword or of the cross-reference stream object. */
  readonly offset: number;
  readonly kind: 'table' | 'stream';
  /** The trailer dictionary (for a stream: the stream's dictionary). */
  readonly trailer: PdfDict;
  /** This section's entry for object `num`, or undefined when it lists none. */
  lookup(num: number): XrefEntry | undefined;
}

export interface XrefChain {
  /** The offset `startxref` gives: the newest section. */
  readonly startxref: number;
  /** Newest first; a hybrid table's `/XRefStm` stream follows its table. */
  readonly sections: readonly XrefSection[];
}

/** Mutable decoding allowance shared by every stream of one file. */
export interface DecodeBudget {
  remaining: number;
}

const ASCII = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const EOF_MARKER = ASCII('%%EOF');
const STARTXREF = ASCII('startxref');
const XREF = ASCII('xref');

/**
 * §7.5.5: the file ends with `startxref`, the offset, `%%EOF` (only white-space may follow).
 * Returns the offset. Strict on purpose: anything else after `%%EOF` means we cannot tell the
 * last revision from appended junk.
 */
export function findStartxref(file: Uint8Array): number {
  let end = file.length;
  while (end > 0 && isWhite(file[end - 1])) end--;
  const eof = end - EOF_MARKER.length;
  if (!startsWithAt(file, EOF_MARKER, eof) || !isWhite(file[eof - 1])) {
    throw truncated('its last revision (no %%EOF at the end)', end);
  }
  let p = eof;
  while (p > 0 && isWhite(file[p - 1])) p--;
  const digitsEnd = p;
  while (p > 0 && file[p - 1]! >= 0x30 && file[p - 1]! <= 0x39 && digitsEnd - p < 16) p--;
  if (p === digitsEnd || !isWhite(file[p - 1])) throw corrupt('no offset after "startxref"', p);
  const offset = Number(String.fromCharCode(...file.subarray(p, digitsEnd)));
  while (p > 0 && isWhite(file[p - 1])) p--;
  const kw = p - STARTXREF.length;
  if (
    !startsWithAt(file, STARTXREF, kw) ||
    (kw > 0 && !isWhite(file[kw - 1]) && !isDelimiter(file[kw - 1]))
  ) {
    throw corrupt('no "startxref" before %%EOF', p);
  }
  if (offset >= kw) throw corrupt('a startxref offset past the cross-reference', kw);
  return offset;
}

/** Walks the chain from `startxref` through `/Prev` and `/XRefStm`. */
export function readXrefChain(file: Uint8Array, budget: DecodeBudget): XrefChain {
  const startxref = findStartxref(file);
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  const visit = (offset: number): XrefSection => {
    if (seen.has(offset)) throw corrupt('a loop in the /Prev chain', offset);
    if (sections.length >= MAX_SECTIONS) throw corrupt('too many cross-reference sections', offset);
    seen.add(offset);
    const section = readSection(file, offset, budget);
    sections.push(section);
    return section;
  };
  let next: number | undefined = startxref;
  while (next !== undefined) {
    const section = visit(next);
    if (section.kind === 'table' && dictGet(section.trailer, 'XRefStm') !== undefined) {
      const stm = natEntry(section.trailer, 'XRefStm', section.offset);
      if (visit(stm).kind !== 'stream') throw corrupt('an /XRefStm that is not a stream', stm);
    }
    next =
      dictGet(section.trailer, 'Prev') === undefined
        ? undefined
        : natEntry(section.trailer, 'Prev', section.offset);
  }
  return { startxref, sections };
}

/** The newest entry for `num` along the chain, or undefined when no section lists it. */
export function lookupEntry(chain: XrefChain, num: number): XrefEntry | undefined {
  for (const s of chain.sections) {
    const e = s.lookup(num);
    if (e !== undefined) return e;
  }
  return undefined;
}

function natEntry(dict: PdfDict, key: string, offset: number): number {
  const v = asNat(dictGet(dict, key));
  if (v === undefined) throw corrupt(`a /${key} that is not a non-negative integer`, offset);
  return v;
}

function readSection(file: Uint8Array, offset: number, budget: DecodeBudget): XrefSection {
  if (offset >= file.length) throw corrupt('a cross-reference offset outside the file', offset);
  const lx = new Lexer(file, offset);
  lx.skipWhite();
  const after = file[lx.pos + XREF.length];
  if (startsWithAt(file, XREF, lx.pos) && (isWhite(after) || isDelimiter(after))) {
    return readTable(file, lx.pos, lx);
  }
  return readStream(file, offset, budget);
}

interface Subsection {
  readonly first: number;
  readonly count: number;
  /** Offset of the first 20-byte entry. */
  readonly at: number;
}

const ENTRY = 20;

/** §7.5.4: `xref`, then subsections `first count` + 20-byte entries, then `trailer` `<<…>>`. */
function readTable(file: Uint8Array, offset: number, lx: Lexer): XrefSection {
  lx.pos = offset + XREF.length;
  const subsections: Subsection[] = [];
  for (;;) {
    const t = lx.next();
    if (t.kind === 'keyword' && t.text === 'trailer') break;
    if (t.kind === 'eof') throw truncated('a cross-reference table', offset);
    const count = lx.next();
    if (
      t.kind !== 'number' ||
      !t.integer ||
      t.value < 0 ||
      count.kind !== 'number' ||
      !count.integer ||
      count.value < 0
    ) {
      throw corrupt('a malformed cross-reference subsection header', t.start);
    }
    let at = count.end;
    while (isWhite(file[at])) at++;
    if (count.value > 0 && at + count.value * ENTRY > file.length) {
      throw truncated('a cross-reference subsection', t.start);
    }
    for (let i = 0; i < count.value; i++) checkEntry(file, at + i * ENTRY);
    subsections.push({ first: t.value, count: count.value, at });
    lx.pos = count.value > 0 ? at + count.value * ENTRY : count.end;
  }
  const open = lx.next();
  if (open.kind !== 'delim' || open.text !== '<<') {
    if (open.kind === 'eof') throw truncated('a trailer', offset);
    throw corrupt('a trailer that is not a dictionary', open.start);
  }
  const trailer = parseDict(lx, 0);
  return {
    offset,
    kind: 'table',
    trailer,
    lookup(num) {
      for (const s of subsections) {
        if (num < s.first || num >= s.first + s.count) continue;
        const at = s.at + (num - s.first) * ENTRY;
        if (file[at + 17] === 0x66) return { type: 'free' };
        return { type: 'offset', offset: digits(file, at, 10), gen: digits(file, at + 11, 5) };
      }
      return undefined;
    },
  };
}

/** `nnnnnnnnnn ggggg n` + a two-byte EOL (SP CR, SP LF or CR LF), exactly 20 bytes. */
function checkEntry(file: Uint8Array, at: number): void {
  let ok = file[at + 10] === 0x20 && file[at + 16] === 0x20;
  for (let i = 0; i < 10 && ok; i++) ok = isDigit(file[at + i]);
  for (let i = 11; i < 16 && ok; i++) ok = isDigit(file[at + i]);
  const type = file[at + 17];
  const a = file[at + 18];
  const b = file[at + 19];
  ok &&= type === 0x6e || type === 0x66;
  ok &&= (a === 0x20 && (b === 0x0d || b === 0x0a)) || (a === 0x0d && b === 0x0a);
  if (!ok) throw corrupt('a cross-reference entry that is not 20 bytes of "offset gen n|f"', at);
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function digits(file: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + file[at + i]! - 0x30;
  return v;
}

/** §7.5.8: a cross-reference stream object (its dictionary doubles as the trailer). */
function readStream(file: Uint8Array, offset: number, budget: DecodeBudget): XrefSection {
  const obj = parseIndirectObject(file, offset);
  if (obj.value.kind !== 'dict' || obj.stream === undefined) {
    throw corrupt('no cross-reference table or stream where startxref points', offset);
  }
  const dict = obj.value.dict;
  const type = dictGet(dict, 'Type');
  if (type?.kind !== 'name' || type.name !== 'XRef') {
    throw corrupt('no cross-reference table or stream where startxref points', offset);
  }
  const w = dictGet(dict, 'W');
  const widths = w?.kind === 'array' ? w.items.map(asNat) : [];
  if (widths.length !== 3 || widths.some((x) => x === undefined || x > 8)) {
    throw corrupt('a cross-reference stream with a bad /W', offset);
  }
  const [w0, w1, w2] = widths as [number, number, number];
  const rowWidth = w0 + w1 + w2;
  const size = natEntry(dict, 'Size', offset);
  const index = dictGet(dict, 'Index');
  const ranges = index === undefined ? [0, size] : index.kind === 'array' ? index.items.map(asNat) : [];
  if (ranges.length % 2 !== 0 || ranges.some((x) => x === undefined)) {
    throw corrupt('a cross-reference stream with a bad /Index', offset);
  }
  const data = decodeStream(dict, file.subarray(obj.stream.start, obj.stream.end), budget.remaining, offset);
  budget.remaining -= data.length;
  if (rowWidth === 0) throw corrupt('a cross-reference stream with empty rows', offset);
  const maxRows = Math.floor(data.length / rowWidth);
  const pairs: { first: number; count: number; row: number }[] = [];
  let rows = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const count = ranges[i + 1]!;
    if (count > maxRows - rows) throw corrupt('a cross-reference stream shorter than its /Index', offset);
    pairs.push({ first: ranges[i]!, count, row: rows });
    rows += count;
  }
  const field = (at: number, width: number, fallback: number): number => {
    if (width === 0) return fallback;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
    return v;
  };
  return {
    offset,
    kind: 'stream',
    trailer: dict,
    lookup(num) {
      for (const p of pairs) {
        if (num < p.first || num >= p.first + p.count) continue;
        const at = (p.row + num - p.first) * rowWidth;
        const t = field(at, w0, 1);
        const f2 = field(at + w0, w1, 0);
        const f3 = field(at + w0 + w1, w2, 0);
        if (!Number.isSafeInteger(f2)) throw corrupt('a cross-reference stream offset out of range', offset);
        // Table 18: type 0 free, 1 in use, 2 compressed; other types are null references.
        if (t === 1) return { type: 'offset', offset: f2, gen: f3 };
        if (t === 2) return { type: 'compressed', stream: f2, index: f3 };
        return { type: 'free' };
      }
      return undefined;
    },
  };
}
