/**
 * Object streams (ISO 32000-1 §7.5.7, PDF 1.5): a stream whose decoded data starts with `/N`
 * pairs "object number, offset" and holds the objects' values from byte `/First` on. Writers
 * put most non-stream objects there, the document information dictionary included.
 *
 * Hostile input: the header is read only up to the wanted pair, offsets are checked against
 * the data, and the object found must carry the number the cross-reference promised.
 */
import { decodeStream } from './filters.js';
import { Lexer, corrupt } from './lexer.js';
import { type IndirectObject, type PdfValue, asNat, dictGet, parseValue } from './objects.js';

export interface ObjectStream {
  /** The decoded data. */
  readonly data: Uint8Array;
  readonly first: number;
  readonly n: number;
}

/** Decodes the object stream `obj` (parsed at `offset`) within `budget` bytes. */
export function readObjectStream(
  file: Uint8Array,
  obj: IndirectObject,
  budget: number,
  offset: number,
): ObjectStream {
  const dict = obj.value.kind === 'dict' ? obj.value.dict : undefined;
  const type = dict === undefined ? undefined : dictGet(dict, 'Type');
  if (dict === undefined || obj.stream === undefined || type?.kind !== 'name' || type.name !== 'ObjStm') {
    throw corrupt('a compressed object whose container is not an object stream', offset);
  }
  const n = asNat(dictGet(dict, 'N'));
  const first = asNat(dictGet(dict, 'First'));
  const data = decodeStream(dict, file.subarray(obj.stream.start, obj.stream.end), budget, offset);
  if (n === undefined || first === undefined || first > data.length) {
    throw corrupt('an object stream with a bad /N or /First', offset);
  }
  return { data, first, n };
}

/** The value of the `index`th object of `stm`, which must be object number `num`. */
export function objectAt(stm: ObjectStream, index: number, num: number): PdfValue {
  if (index >= stm.n) throw corrupt('an object stream index past /N', index);
  const lx = new Lexer(stm.data.subarray(0, stm.first));
  let offset = -1;
  for (let i = 0; i <= index; i++) {
    const n = lx.next();
    const at = lx.next();
    if (n.kind !== 'number' || !n.integer || at.kind !== 'number' || !at.integer || at.value < 0) {
      throw corrupt('a malformed object stream header', i);
    }
    if (i === index) {
      if (n.value !== num) throw corrupt('an object stream that holds another object', i);
      offset = at.value;
    }
  }
  if (stm.first + offset >= stm.data.length) throw corrupt('an object stream offset past its data', offset);
  return parseValue(new Lexer(stm.data, stm.first + offset));
}
