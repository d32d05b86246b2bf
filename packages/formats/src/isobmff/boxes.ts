/**
 * ISO/IEC 14496-12 box headers, read through a ByteSource so the MP4 and HEIF handlers can walk
 * a file's top level without loading `mdat`. Every header is bounds-checked against its parent
 * before it is trusted; nesting is capped by the callers (MAX_BOX_DEPTH).
 */
import { formatError } from '../errors.js';
import type { ByteSource } from '../source.js';

export const MAX_BOX_DEPTH = 16;

export interface BoxHeader {
  /** Four-character type ('moov'); for 'uuid' boxes the extended type is in `uuid`. */
  readonly type: string;
  /** Offset of the box's first byte (its size field). */
  readonly start: number;
  /** 8, 16 (64-bit size) or +16 for 'uuid'. */
  readonly headerSize: number;
  /** Offset one past the box's last byte. */
  readonly end: number;
  /** True when the header used the 64-bit `largesize` form. */
  readonly large: boolean;
  /** True when the size field was 0 ("to the end of the enclosing box or file"). */
  readonly toEnd: boolean;
  readonly uuid?: Uint8Array;
}

export function payloadStart(box: BoxHeader): number {
  return box.start + box.headerSize;
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0);
}

/** Big-endian unsigned 32-bit integer at `at` (callers bounds-check; missing bytes read as 0). */
export function u32(b: Uint8Array, at: number): number {
  return (
    ((b[at] ?? 0) * 0x1000000 + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0)) >>> 0
  );
}

/**
 * The header of the box at `offset` inside `[offset, limit)`. Throws `format.truncated` when the
 * header or the box runs past `limit`, `format.corrupt` for sizes smaller than the header or
 * beyond 2^53.
 */
export function readBoxHeader(src: ByteSource, offset: number, limit: number): BoxHeader {
  if (limit - offset < 8) {
    throw formatError('format.truncated', 'A box header runs past the end of its parent.', { offset });
  }
  const h = src.read(offset, 8);
  const size32 = u32(h, 0);
  const type = fourcc(h, 4);
  let headerSize = 8;
  let size: number;
  let large = false;
  let toEnd = false;
  if (size32 === 1) {
    if (limit - offset < 16) {
      throw formatError('format.truncated', 'A 64-bit box size runs past the end of its parent.', {
        offset,
        type,
      });
    }
    const l = src.read(offset + 8, 8);
    const hi = u32(l, 0);
    const lo = u32(l, 4);
    if (hi > 0x1fffff)
      throw formatError('format.corrupt', 'A box size exceeds 2^53 bytes.', { offset, type });
    size = hi * 0x100000000 + lo;
    headerSize = 16;
    large = true;
  } else if (size32 === 0) {
    size = limit - offset;
    toEnd = true;
  } else {
    size = size32;
  }
  let uuid: Uint8Array | undefined;
  if (type === 'uuid') {
    if (limit - offset < headerSize + 16) {
      throw formatError('format.truncated', 'A uuid box header runs past the end of its parent.', { offset });
    }
    uuid = src.read(offset + headerSize, 16).slice();
    headerSize += 16;
  }
  if (size < headerSize) {
    throw formatError('format.corrupt', `Box '${printable(type)}' is smaller than its header.`, {
      offset,
      size,
    });
  }
  if (offset + size > limit) {
    throw formatError('format.truncated', `Box '${printable(type)}' runs past the end of its parent.`, {
      offset,
      size,
      limit,
    });
  }
  return { type, start: offset, headerSize, end: offset + size, large, toEnd, ...(uuid ? { uuid } : {}) };
}

/** The boxes that tile `[start, end)` exactly, in order. Throws like readBoxHeader. */
export function readChildren(src: ByteSource, start: number, end: number, maxBoxes = 100_000): BoxHeader[] {
  const boxes: BoxHeader[] = [];
  let at = start;
  while (at < end) {
    if (boxes.length >= maxBoxes) {
      throw formatError('format.corrupt', `More than ${String(maxBoxes)} boxes in one container.`, {
        offset: at,
      });
    }
    const box = readBoxHeader(src, at, end);
    boxes.push(box);
    at = box.end;
  }
  return boxes;
}

/**
 * The children of a box (not of the file): like readChildren, but a size of 0 is
 * `format.corrupt`, since only the last box of the file may run "to the end" (§4.2). Otherwise
 * an edit appended to the parent would silently land inside such a child.
 */
export function readNestedChildren(
  src: ByteSource,
  start: number,
  end: number,
  maxBoxes = 100_000,
): BoxHeader[] {
  const boxes = readChildren(src, start, end, maxBoxes);
  const toEnd = boxes.find((b) => b.toEnd);
  if (toEnd !== undefined) {
    throw formatError('format.corrupt', `Box '${printable(toEnd.type)}' inside another box has size 0.`, {
      offset: toEnd.start,
    });
  }
  return boxes;
}

/** Big-endian unsigned 64-bit integer at `at`; above 2^53 is `format.corrupt` (no exact number). */
export function u64(b: Uint8Array, at: number): number {
  const hi = u32(b, at);
  if (hi > 0x1fffff) throw formatError('format.corrupt', 'A 64-bit field exceeds 2^53.', { offset: at });
  return hi * 0x100000000 + u32(b, at + 4);
}

export function writeU32(b: Uint8Array, at: number, value: number): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, value);
}

export function writeU64(b: Uint8Array, at: number, value: number): void {
  writeU32(b, at, Math.floor(value / 0x100000000));
  writeU32(b, at + 4, value >>> 0);
}

/** Four bytes as a box type (Latin-1, as ISO/IEC 14496-12 §4.2 compares them byte for byte). */
export function fourccAt(b: Uint8Array, at: number): string {
  return fourcc(b, at);
}

/** The four bytes of a box type ('moov'); throws RangeError unless it is 4 Latin-1 characters. */
export function fourccBytes(type: string): Uint8Array {
  if (type.length !== 4) throw new RangeError(`box type must be 4 characters: ${type}`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const c = type.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`box type must be Latin-1: ${type}`);
    out[i] = c;
  }
  return out;
}

/** Type names in messages: non-printable bytes escaped, never raw input. */
export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Encodes a box: 32-bit size when it fits, else 64-bit `largesize`. */
export function encodeBox(type: string, payload: Uint8Array): Uint8Array {
  fourccBytes(type);
  const large = payload.length + 8 > 0xffffffff;
  const headerSize = large ? 16 : 8;
  const out = new Uint8Array(headerSize + payload.length);
  const view = new DataView(out.buffer);
  const total = headerSize + payload.length;
  if (large) {
    view.setUint32(0, 1);
    view.setUint32(8, Math.floor(total / 0x100000000));
    view.setUint32(12, total >>> 0);
  } else {
    view.setUint32(0, total);
  }
  out.set(fourccBytes(type), 4);
  out.set(payload, headerSize);
  return out;
}
