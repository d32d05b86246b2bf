/**
 * A PDF file as far as the label needs it: the header (ISO 32000-1 §7.5.2), the
 * cross-reference chain (§7.5.4-§7.5.8), the newest trailer, the catalog (`/Root`, checked to
 * be a dictionary) and the document information dictionary (`/Info`, §14.3.3), which may live
 * in an object stream (§7.5.7). `loadPdf` is the whole structural walk `validate` runs.
 *
 * Encrypted files (`/Encrypt`, §7.6) are walked as far as the chain; their strings cannot be
 * read or written without the key, so the label carrier refuses them.
 */
import { formatError } from '../errors.js';
import { corrupt } from './lexer.js';
import { type ObjectStream, objectAt, readObjectStream } from './object-stream.js';
import { type PdfDict, type PdfValue, type Ref, asNat, dictGet, parseIndirectObject } from './objects.js';
import { type DecodeBudget, MAX_DECODED_BYTES, type XrefChain, lookupEntry, readXrefChain } from './xref.js';

/** A resolved object and the bytes its dictionary spans point into. */
export interface ResolvedObject {
  readonly value: PdfValue;
  /** The file, or the decoded object stream the object came from. */
  readonly source: Uint8Array;
  /** The raw (still encoded) stream data, when the object is a stream. */
  readonly stream: Uint8Array | undefined;
}

export interface PdfInfo {
  /** The trailer's `/Info` reference (§7.5.5 Table 15: always indirect). */
  readonly ref: Ref;
  readonly dict: PdfDict;
  readonly source: Uint8Array;
}

export interface PdfDocument {
  readonly file: Uint8Array;
  readonly chain: XrefChain;
  /** The newest trailer dictionary (for a cross-reference stream: its dictionary). */
  readonly trailer: PdfDict;
  /** The newest trailer's `/Size`: one more than the highest object number. */
  readonly size: number;
  readonly encrypted: boolean;
  /** The effective document information dictionary, or undefined when there is none. */
  readonly info: PdfInfo | undefined;
  /** The object `ref` points at, or undefined for a free or missing object (null, §7.3.10). */
  resolve(ref: Ref): ResolvedObject | undefined;
}

const HEADER = /^%PDF-[12]\.\d/;

/** §7.5.2: `%PDF-1.n` (or `%PDF-2.0`) at offset 0. Never throws. */
export function hasPdfSignature(head: Uint8Array): boolean {
  return head.length >= 8 && HEADER.test(String.fromCharCode(...head.subarray(0, 8)));
}

export function loadPdf(file: Uint8Array): PdfDocument {
  if (!hasPdfSignature(file)) throw corrupt('no %PDF-1.x header', 0);
  const budget: DecodeBudget = { remaining: MAX_DECODED_BYTES };
  const chain = readXrefChain(file, budget);
  const trailer = chain.sections[0]!.trailer;
  const size = asNat(dictGet(trailer, 'Size'));
  if (size === undefined) throw corrupt('a trailer without a valid /Size', chain.startxref);
  const root = dictGet(trailer, 'Root');
  if (root?.kind !== 'ref') throw corrupt('a trailer without a /Root reference', chain.startxref);
  const encrypt = dictGet(trailer, 'Encrypt');
  const encrypted = encrypt !== undefined && encrypt.kind !== 'null';
  const resolve = resolver(file, chain, budget);
  let info: PdfInfo | undefined;
  if (!encrypted) {
    const catalog = resolve(root);
    if (catalog?.value.kind !== 'dict' || catalog.stream !== undefined) {
      throw corrupt('a /Root that is not a dictionary', chain.startxref);
    }
    const ref = dictGet(trailer, 'Info');
    if (ref !== undefined && ref.kind !== 'null') {
      if (ref.kind !== 'ref') throw corrupt('an /Info that is not an indirect reference', chain.startxref);
      const obj = resolve(ref);
      if (obj !== undefined) {
        if (obj.value.kind !== 'dict' || obj.stream !== undefined) {
          throw corrupt('an /Info that is not a dictionary', chain.startxref);
        }
        info = { ref: { num: ref.num, gen: ref.gen }, dict: obj.value.dict, source: obj.source };
      }
    }
  }
  return { file, chain, trailer, size, encrypted, info, resolve };
}

/** Throws `format.unsupported` for an encrypted file (its strings need the key). */
export function requireUnencrypted(doc: PdfDocument): void {
  if (doc.encrypted) {
    throw formatError(
      'format.unsupported',
      'The PDF is encrypted; decrypt it (remove the password) before labelling.',
    );
  }
}

function resolver(
  file: Uint8Array,
  chain: XrefChain,
  budget: DecodeBudget,
): (ref: Ref) => ResolvedObject | undefined {
  const streams = new Map<number, ObjectStream>();

  /** An indirect `/Length` (§7.3.8.2): a plain integer object, not itself a stream. */
  const lengthOf = (ref: Ref): number | undefined => {
    const e = lookupEntry(chain, ref.num);
    if (e?.type !== 'offset' || e.gen !== ref.gen) return undefined;
    const obj = parseIndirectObject(file, e.offset);
    return obj.stream === undefined ? asNat(obj.value) : undefined;
  };

  /** §7.5.7: the container of compressed objects is itself an uncompressed object. */
  const objectStream = (num: number): ObjectStream => {
    const cached = streams.get(num);
    if (cached !== undefined) return cached;
    const e = lookupEntry(chain, num);
    if (e?.type !== 'offset') throw corrupt('an object stream that is not a plain object', 0);
    const obj = parseIndirectObject(file, e.offset, lengthOf);
    if (obj.num !== num) throw corrupt('a cross-reference entry that points at another object', e.offset);
    const stream = readObjectStream(file, obj, budget.remaining, e.offset);
    budget.remaining -= stream.data.length;
    streams.set(num, stream);
    return stream;
  };

  return (ref) => {
    const e = lookupEntry(chain, ref.num);
    if (e === undefined || e.type === 'free') return undefined;
    if (e.type === 'compressed') {
      // §7.5.7: compressed objects have generation 0.
      if (ref.gen !== 0) return undefined;
      const stm = objectStream(e.stream);
      return { value: objectAt(stm, e.index, ref.num), source: stm.data, stream: undefined };
    }
    if (e.gen !== ref.gen) return undefined;
    const obj = parseIndirectObject(file, e.offset, lengthOf);
    if (obj.num !== ref.num || obj.gen !== e.gen) {
      throw corrupt('a cross-reference entry that points at another object', e.offset);
    }
    const stream = obj.stream === undefined ? undefined : file.subarray(obj.stream.start, obj.stream.end);
    return { value: obj.value, source: file, stream };
  };
}
