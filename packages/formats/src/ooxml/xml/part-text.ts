/**
 * An XML part's bytes as text and back. OPC parts are UTF-8 or UTF-16 (ECMA-376 Part 2 §8.1.4);
 * Office and every common writer use UTF-8, which is all we edit. A UTF-8 byte order mark is kept
 * so a part we re-encode differs only where we edited it.
 */
import { utf8Encode } from '@synthguard/core';
import { formatError } from '../../errors.js';

export interface PartText {
  readonly bom: boolean;
  readonly text: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodePart(bytes: Uint8Array): PartText {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
  ) {
    throw formatError('format.unsupported', 'OOXML part is UTF-16; only UTF-8 parts can be labeled.');
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { bom, text: decoder.decode(bom ? bytes.subarray(3) : bytes) };
  } catch (cause) {
    throw formatError('format.corrupt', 'OOXML part is not valid UTF-8.', {}, cause);
  }
}

export function encodePart(p: PartText): Uint8Array {
  const body = utf8Encode(p.text);
  if (!p.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}
