/**
 * PDF objects (ISO 32000-1 §7.3): the eight basic types plus indirect references, parsed from
 * the lexer's tokens, and indirect objects `N G obj … endobj` with an optional stream (§7.3.10,
 * §7.3.8). Dictionary entries keep their byte span, so a writer can copy an entry exactly as it
 * was (the Info dictionary update keeps every other entry byte for byte).
 *
 * Hostile input: nesting depth and container sizes are capped, a stream's data must lie inside
 * the file, and every failure is a FormatError.
 */
import { Lexer, corrupt, truncated } from './lexer.js';

/** Deepest nesting of arrays and dictionaries we follow. */
export const MAX_DEPTH = 64;
/** Most entries in one array or dictionary. */
export const MAX_ITEMS = 100_000;

export type PdfValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean }
  | { readonly kind: 'string'; readonly bytes: Uint8Array }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'array'; readonly items: readonly PdfValue[] }
  | { readonly kind: 'dict'; readonly dict: PdfDict }
  | { readonly kind: 'ref'; readonly num: number; readonly gen: number };

export interface PdfDictEntry {
  /** The key, `#xx` escapes decoded. */
  readonly key: string;
  readonly value: PdfValue;
  /** Span of the entry (key through value) in the parsed bytes. */
  readonly start: number;
  readonly end: number;
}

export interface PdfDict {
  readonly entries: readonly PdfDictEntry[];
}

export interface Ref {
  readonly num: number;
  readonly gen: number;
}

/** The first entry with `key`, or undefined. */
export function dictGet(dict: PdfDict, key: string): PdfValue | undefined {
  return dict.entries.find((e) => e.key === key)?.value;
}

/** A non-negative integer value, or undefined for any other value. */
export function asNat(v: PdfValue | undefined): number | undefined {
  return v?.kind === 'number' && v.integer && v.value >= 0 ? v.value : undefined;
}

/** Parses one direct object (or `N G R`) at the lexer's position. */
export function parseValue(lx: Lexer, depth = 0): PdfValue {
  if (depth > MAX_DEPTH) throw corrupt('objects nested too deeply', lx.pos);
  const t = lx.next();
  switch (t.kind) {
    case 'eof':
      throw truncated('an object', t.start);
    case 'string':
      return { kind: 'string', bytes: t.bytes };
    case 'name':
      return { kind: 'name', name: t.name };
    case 'number': {
      if (t.integer && t.value >= 0) {
        const ref = tryRef(lx, t.value);
        if (ref !== undefined) return ref;
      }
      return { kind: 'number', value: t.value, integer: t.integer };
    }
    case 'keyword':
      if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'null' };
      throw corrupt(`an unexpected keyword where an object belongs`, t.start);
    case 'delim':
      if (t.text === '[') return { kind: 'array', items: parseArray(lx, depth) };
      if (t.text === '<<') return { kind: 'dict', dict: parseDict(lx, depth) };
      throw corrupt(`an unexpected "${t.text}"`, t.start);
  }
}

/** `num gen R` (§7.3.10) after an integer `num`; restores the position when it is not one. */
function tryRef(lx: Lexer, num: number): PdfValue | undefined {
  const at = lx.pos;
  const gen = lx.next();
  if (gen.kind === 'number' && gen.integer && gen.value >= 0 && gen.value <= 0xffff) {
    const r = lx.next();
    if (r.kind === 'keyword' && r.text === 'R') return { kind: 'ref', num, gen: gen.value };
  }
  lx.pos = at;
  return undefined;
}

function parseArray(lx: Lexer, depth: number): PdfValue[] {
  const items: PdfValue[] = [];
  for (;;) {
    const t = lx.peek();
    if (t.kind === 'delim' && t.text === ']') {
      lx.pos = t.end;
      return items;
    }
    if (items.length >= MAX_ITEMS) throw corrupt('an array with too many elements', t.start);
    items.push(parseValue(lx, depth + 1));
  }
}

/** §7.3.7: `<<` (already read) then name/value pairs up to `>>`. */
export function parseDict(lx: Lexer, depth: number): PdfDict {
  const entries: PdfDictEntry[] = [];
  for (;;) {
    const t = lx.next();
    if (t.kind === 'delim' && t.text === '>>') return { entries };
    if (t.kind === 'eof') throw truncated('a dictionary', t.start);
    if (t.kind !== 'name') throw corrupt('a dictionary key that is not a name', t.start);
    if (entries.length >= MAX_ITEMS) throw corrupt('a dictionary with too many entries', t.start);
    const value = parseValue(lx, depth + 1);
    entries.push({ key: t.name, value, start: t.start, end: lx.pos });
  }
}

export interface IndirectObject extends Ref {
  readonly value: PdfValue;
  /** The stream's raw (still encoded) data, when the object is a stream. */
  readonly stream?: { readonly start: number; readonly end: number };
}

/**
 * The indirect object at `offset` (§7.3.10): `num gen obj`, a value, then `endobj`, or a
 * dictionary followed by `stream` EOL, `/Length` bytes, EOL and `endstream` (§7.3.8.1).
 * `resolveLength` turns an indirect `/Length` into a number.
 */
export function parseIndirectObject(
  data: Uint8Array,
  offset: number,
  resolveLength: (ref: Ref) => number | undefined = () => undefined,
): IndirectObject {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= data.length) {
    throw corrupt('an object offset outside the file', offset);
  }
  const lx = new Lexer(data, offset);
  const num = lx.next();
  const gen = lx.next();
  const obj = lx.next();
  if (
    num.kind !== 'number' ||
    !num.integer ||
    num.value < 0 ||
    gen.kind !== 'number' ||
    !gen.integer ||
    gen.value < 0 ||
    gen.value > 0xffff ||
    obj.kind !== 'keyword' ||
    obj.text !== 'obj'
  ) {
    if (num.kind === 'eof' || gen.kind === 'eof' || obj.kind === 'eof')
      throw truncated('an object header', offset);
    throw corrupt('no "N G obj" header where the cross-reference points', offset);
  }
  const value = parseValue(lx);
  const ref = { num: num.value, gen: gen.value };
  const kw = lx.next();
  if (kw.kind === 'keyword' && kw.text === 'endobj') return { ...ref, value };
  if (kw.kind !== 'keyword' || kw.text !== 'stream' || value.kind !== 'dict') {
    if (kw.kind === 'eof') throw truncated('an object', offset);
    throw corrupt('an object without "endobj"', kw.start);
  }
  // §7.3.8.1: `stream` is followed by CR LF or LF, never CR alone.
  let start = kw.end;
  if (data[start] === 0x0d && data[start + 1] === 0x0a) start += 2;
  else if (data[start] === 0x0a) start += 1;
  else throw corrupt('no end-of-line after "stream"', kw.end);
  const lengthValue = dictGet(value.dict, 'Length');
  const length = lengthValue?.kind === 'ref' ? resolveLength(lengthValue) : asNat(lengthValue);
  if (length === undefined) throw corrupt('a stream without a valid /Length', kw.start);
  const end = start + length;
  if (end > data.length) throw truncated('stream data', start);
  lx.pos = end;
  const endstream = lx.next();
  const endobj = lx.next();
  if (endstream.kind === 'eof' || endobj.kind === 'eof') throw truncated('a stream object', offset);
  if (
    endstream.kind !== 'keyword' ||
    endstream.text !== 'endstream' ||
    endobj.kind !== 'keyword' ||
    endobj.text !== 'endobj'
  ) {
    throw corrupt('a stream whose /Length does not end at "endstream"', end);
  }
  return { ...ref, value, stream: { start, end } };
}
