/**
 * EBML variable-size integers (RFC 8794 §4): element IDs (§5) and element data sizes (§6), and
 * the unsigned integer element encoding (§7.2).
 *
 * A VINT is 1 to 8 bytes; the number of leading zero bits of the first byte, plus one, is its
 * length. Matroska IDs are at most 4 bytes (EBMLMaxIDLength 4 in RFC 9559's EBML header). A size whose
 * VINT_DATA bits are all ones is "unknown" (§6.2). Sizes up to 2^56 - 2 exceed 2^53: such a value
 * is only ever compared with a file length, so the rounding of larger values is harmless.
 */
import { type FormatError, formatError } from '../errors.js';

export const MAX_ID_LENGTH = 4;
export const MAX_SIZE_LENGTH = 8;

export function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `Matroska/EBML is structurally invalid: ${what}.`, { offset });
}

export function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `Matroska/EBML ends inside ${what}; supply the complete file.`, {
    offset,
  });
}

/** Leading zero bits of a non-zero byte, plus one: the VINT length it announces. */
function vintLength(first: number): number {
  return Math.clz32(first) - 23;
}

/**
 * Checks that bytes `[at, at + n)` lie before `limit` (the parent's end): past the end of the
 * file they are truncated, else corrupt (they overrun a complete parent).
 */
function need(file: Uint8Array, at: number, n: number, limit: number, what: string): void {
  if (at + n <= limit) return;
  throw at + n > file.length ? truncated(what, at) : corrupt(`${what} overruns its parent`, at);
}

export interface ElementId {
  /** The ID with its length marker: 0x1A45DFA3. */
  readonly id: number;
  readonly length: number;
}

/** RFC 8794 §5: an Element ID at `at` (before `limit`). Throws FormatError. */
export function readElementId(file: Uint8Array, at: number, limit: number): ElementId {
  need(file, at, 1, limit, 'an element ID');
  const first = file[at]!;
  if (first === 0) throw corrupt('an element ID longer than 4 bytes', at);
  const length = vintLength(first);
  if (length > MAX_ID_LENGTH) throw corrupt('an element ID longer than 4 bytes', at);
  need(file, at, length, limit, 'an element ID');
  let id = first;
  let allOnes = ((first | (0xff << (8 - length))) & 0xff) === 0xff;
  let allZeros = (first & (0xff >> length)) === 0;
  for (let k = 1; k < length; k++) {
    const b = file[at + k]!;
    id = id * 256 + b;
    allOnes &&= b === 0xff;
    allZeros &&= b === 0;
  }
  // §5: VINT_DATA all zeros or all ones is not a valid ID.
  if (allOnes || allZeros) throw corrupt('a reserved element ID', at);
  return { id, length };
}

export interface ElementSize {
  /** The data size, or undefined for the reserved "unknown" value (all VINT_DATA bits set). */
  readonly size: number | undefined;
  readonly length: number;
}

/** RFC 8794 §6: an element data size at `at` (before `limit`). Throws FormatError. */
export function readElementSize(file: Uint8Array, at: number, limit: number): ElementSize {
  need(file, at, 1, limit, 'an element size');
  const first = file[at]!;
  if (first === 0) throw corrupt('an element size longer than 8 bytes', at);
  const length = vintLength(first);
  need(file, at, length, limit, 'an element size');
  let value = first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let k = 1; k < length; k++) {
    const b = file[at + k]!;
    value = value * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { size: allOnes ? undefined : value, length };
}

/** The largest size a `length`-byte VINT holds (all-ones is reserved for "unknown"). */
export function maxSizeFor(length: number): number {
  return 2 ** (7 * length) - 2;
}

/** The shortest VINT length that holds `size`. */
export function minimalSizeLength(size: number): number {
  let length = 1;
  while (size > maxSizeFor(length)) length++;
  return length;
}

/** `size` as a VINT of exactly `length` bytes (the caller checked it fits). */
export function encodeSize(size: number, length: number): Uint8Array {
  if (length < 1 || length > MAX_SIZE_LENGTH || size < 0 || size > maxSizeFor(length)) {
    throw new RangeError(`encodeSize(${String(size)}, ${String(length)})`);
  }
  const out = new Uint8Array(length);
  let v = size;
  for (let k = length - 1; k >= 0; k--) {
    out[k] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] = out[0]! | (0x80 >> (length - 1));
  return out;
}

/** The bytes of an element ID (its length follows from the value). */
export function encodeId(id: number): Uint8Array {
  const length = id > 0xffffff ? 4 : id > 0xffff ? 3 : id > 0xff ? 2 : 1;
  const out = new Uint8Array(length);
  let v = id;
  for (let k = length - 1; k >= 0; k--) {
    out[k] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** RFC 8794 §7.2: an unsigned integer element's data (0 to 8 bytes, big-endian). */
export function readUint(file: Uint8Array, start: number, end: number): number {
  if (end - start > 8) throw corrupt('an unsigned integer longer than 8 bytes', start);
  let v = 0;
  for (let p = start; p < end; p++) v = v * 256 + file[p]!;
  if (v > Number.MAX_SAFE_INTEGER) throw corrupt('an unsigned integer beyond 2^53', start);
  return v;
}

/** The shortest unsigned integer data that holds `value`; 0 takes one byte, as muxers write it. */
export function minimalUintLength(value: number): number {
  let length = 1;
  while (length < 8 && value >= 2 ** (8 * length)) length++;
  return length;
}

export function encodeUint(value: number, length: number): Uint8Array {
  if (length < minimalUintLength(value) && !(value === 0 && length === 0)) {
    throw new RangeError(`encodeUint(${String(value)}, ${String(length)})`);
  }
  const out = new Uint8Array(length);
  let v = value;
  for (let k = length - 1; k >= 0; k--) {
    out[k] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * The length a rewritten number keeps: a field written at its shortest stays shortest (so it
 * shrinks back when the value does, and removing a label restores the original bytes); a field
 * written wider (muxers reserve 8-byte Segment sizes) keeps its width unless the value outgrows it.
 */
export function keptLength(oldLength: number, oldMinimal: number, newMinimal: number): number {
  return oldLength === oldMinimal ? newMinimal : Math.max(oldLength, newMinimal);
}
