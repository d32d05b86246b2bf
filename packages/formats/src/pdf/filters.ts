/**
 * Stream decoding for the streams the handler must read: cross-reference streams (§7.5.8) and
 * object streams (§7.5.7). Writers use `/FlateDecode` (§7.4.4, zlib via `node:zlib`) with or
 * without the PNG predictors of Table 8 (`/Predictor` 10-15, usually 12 "Up" with
 * `/Columns`); no filter at all is also valid. Other filters (LZW, ASCII85, …) are
 * `format.unsupported` here: no mainstream writer uses them for these two stream types.
 *
 * Allocation is capped: inflation stops at the caller's budget (`format.corrupt`).
 */
import { inflateSync } from 'node:zlib';
import { formatError } from '../errors.js';
import { corrupt } from './lexer.js';
import { type PdfDict, type PdfValue, asNat, dictGet } from './objects.js';

function single(v: PdfValue | undefined, what: string): PdfValue | undefined {
  if (v?.kind !== 'array') return v;
  if (v.items.length > 1) {
    throw formatError(
      'format.unsupported',
      `PDF ${what} uses a filter chain; only FlateDecode is supported.`,
    );
  }
  return v.items[0];
}

/** The decoded bytes of a stream with dictionary `dict` and raw data `raw`, at most `budget`. */
export function decodeStream(dict: PdfDict, raw: Uint8Array, budget: number, offset: number): Uint8Array {
  const filter = single(dictGet(dict, 'Filter'), 'stream');
  const parms = single(dictGet(dict, 'DecodeParms'), 'stream');
  if (filter === undefined || filter.kind === 'null') {
    if (raw.length > budget) throw corrupt('a stream larger than the decoding limit', offset);
    return raw;
  }
  if (filter.kind !== 'name' || (filter.name !== 'FlateDecode' && filter.name !== 'Fl')) {
    throw formatError(
      'format.unsupported',
      'A PDF cross-reference or object stream uses a filter other than FlateDecode; re-save the PDF.',
      { offset },
    );
  }
  if (budget <= 0) throw corrupt('more stream data than the decoding limit', offset);
  let data: Uint8Array;
  try {
    const inflated = inflateSync(raw, { maxOutputLength: budget });
    data = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
  } catch (cause) {
    throw formatError(
      'format.corrupt',
      'PDF has a FlateDecode stream that does not inflate (damaged, or beyond the size limit).',
      { offset, limit: budget },
      cause,
    );
  }
  if (parms === undefined || parms.kind === 'null') return data;
  if (parms.kind !== 'dict') throw corrupt('a /DecodeParms that is not a dictionary', offset);
  return unpredict(parms.dict, data, offset);
}

/** §7.4.4.4 Table 8: undo a PNG predictor (10-15); 1 is none; TIFF (2) is not supported. */
function unpredict(parms: PdfDict, data: Uint8Array, offset: number): Uint8Array {
  const predictor = asNat(dictGet(parms, 'Predictor')) ?? 1;
  if (predictor === 1) return data;
  if (predictor < 10 || predictor > 15) {
    throw formatError('format.unsupported', 'A PDF stream uses the TIFF predictor; re-save the PDF.', {
      offset,
    });
  }
  const colors = asNat(dictGet(parms, 'Colors')) ?? 1;
  const bpc = asNat(dictGet(parms, 'BitsPerComponent')) ?? 8;
  const columns = asNat(dictGet(parms, 'Columns')) ?? 1;
  if (colors < 1 || colors > 32 || ![1, 2, 4, 8, 16].includes(bpc) || columns < 1 || columns > 1 << 20) {
    throw corrupt('predictor parameters out of range', offset);
  }
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  if (rows * (rowLength + 1) !== data.length) throw corrupt('predicted data that is not whole rows', offset);
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const x = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + left;
          break;
        case 2:
          v = x + up;
          break;
        case 3:
          v = x + ((left + up) >> 1);
          break;
        case 4:
          v = x + paeth(left, up, upLeft);
          break;
        default:
          throw corrupt('an unknown PNG predictor row type', offset);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

/** PNG specification §9.4: the Paeth predictor. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
