/**
 * One EBML element header (RFC 8794 §4-§6: ID, data size, data) and the child lists of master
 * elements, read with every bound checked against the parent's end.
 *
 * `readChildren` parses masters named in `DEEP_MASTERS` recursively (SeekHead, Cues, Tags: the
 * elements a write rewrites) and keeps other children as opaque ranges. Nesting is capped at
 * `MAX_DEPTH` and the number of kept elements at `MAX_ELEMENTS`, so hostile nesting or millions
 * of tiny elements cost bounded memory. A CRC-32 first child (RFC 8794 §11.3.1) is verified.
 */
import { crc32 } from 'node:zlib';
import { formatError } from '../errors.js';
import { DEEP_MASTERS, ID_CRC32 } from './ids.js';
import { corrupt, readElementId, readElementSize, truncated } from './vint.js';

/** ffmpeg's EBML_MAX_DEPTH is 16; nothing in Matroska's schema comes close. */
export const MAX_DEPTH = 16;
/** Elements kept in parsed trees (Cues of a long film hold ~10^5). */
export const MAX_ELEMENTS = 1 << 20;

export interface EbmlElement {
  readonly id: number;
  readonly start: number;
  /** Offset of the size VINT (one past the ID). */
  readonly sizeAt: number;
  readonly dataStart: number;
  /** One past the data (for an unknown size: where the element was found to end). */
  readonly end: number;
  /** The size as written; undefined when unknown (RFC 8794 §6.2). */
  readonly size: number | undefined;
  /** Parsed children (DEEP_MASTERS only). */
  readonly children?: readonly EbmlElement[];
}

export interface ElementHeader {
  readonly id: number;
  readonly start: number;
  readonly sizeAt: number;
  readonly dataStart: number;
  readonly size: number | undefined;
}

/** The header at `at`, inside a parent ending at `limit`. */
export function readHeader(file: Uint8Array, at: number, limit: number): ElementHeader {
  const id = readElementId(file, at, limit);
  const sizeAt = at + id.length;
  const size = readElementSize(file, sizeAt, limit);
  return { id: id.id, start: at, sizeAt, dataStart: sizeAt + size.length, size: size.size };
}

/** The end of a known-size element, checked against its parent's end. */
export function knownEnd(file: Uint8Array, h: ElementHeader, limit: number): number {
  if (h.size === undefined) {
    throw corrupt(
      `element 0x${h.id.toString(16)} has an unknown size, which only Segment and Cluster may`,
      h.start,
    );
  }
  const end = h.dataStart + h.size;
  if (end > limit) {
    throw end > file.length
      ? truncated(`element 0x${h.id.toString(16)}`, h.start)
      : corrupt(`element 0x${h.id.toString(16)} overruns its parent`, h.start);
  }
  return end;
}

/** Counts kept elements across one walk. */
export class ElementBudget {
  private used = 0;
  take(at: number): void {
    if (++this.used > MAX_ELEMENTS) {
      throw formatError(
        'format.metadata_too_large',
        `Matroska file holds more than ${String(MAX_ELEMENTS)} index and tag elements; remux it with fewer cues.`,
        { offset: at, limit: MAX_ELEMENTS },
      );
    }
  }
}

/**
 * RFC 8794 §11.3.1: a CRC-32 element, when present, is the first child and holds the IEEE CRC-32
 * (little-endian) of all the parent's other data. Throws format.corrupt on a mismatch.
 */
export function checkCrc(file: Uint8Array, dataStart: number, end: number): void {
  if (dataStart >= end || file[dataStart] !== ID_CRC32) return;
  const h = readHeader(file, dataStart, end);
  const crcEnd = knownEnd(file, h, end);
  if (h.size !== 4) throw corrupt('a CRC-32 element whose size is not 4', dataStart);
  const stored =
    (file[h.dataStart]! | (file[h.dataStart + 1]! << 8) | (file[h.dataStart + 2]! << 16)) +
    file[h.dataStart + 3]! * 0x1000000;
  if (crc32(file.subarray(crcEnd, end)) !== stored) {
    throw corrupt('a CRC-32 element does not match its parent (damaged data)', dataStart);
  }
}

/** The children of a known-size master's data `[start, end)`, parsed per DEEP_MASTERS. */
export function readChildren(
  file: Uint8Array,
  start: number,
  end: number,
  depth: number,
  budget: ElementBudget,
  masters: ReadonlySet<number> | undefined,
): EbmlElement[] {
  if (depth > MAX_DEPTH) throw corrupt(`EBML nesting deeper than ${String(MAX_DEPTH)}`, start);
  checkCrc(file, start, end);
  const out: EbmlElement[] = [];
  let at = start;
  while (at < end) {
    const h = readHeader(file, at, end);
    const elEnd = knownEnd(file, h, end);
    budget.take(at);
    const deep = masters?.has(h.id) === true ? DEEP_MASTERS.get(h.id) : undefined;
    out.push({
      ...h,
      end: elEnd,
      ...(deep === undefined
        ? {}
        : { children: readChildren(file, h.dataStart, elEnd, depth + 1, budget, deep) }),
    });
    at = elEnd;
  }
  return out;
}
