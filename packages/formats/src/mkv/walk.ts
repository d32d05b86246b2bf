/**
 * The Matroska/WebM file walker: the EBML header (RFC 8794 §11.2), then one Segment (RFC 9559
 * \Segment) and its top-level children, every size checked.
 *
 * - DocType must be `matroska` or `webm` (RFC 9559's EBML header; WebM is its subset) and
 *   EBMLReadVersion 1; anything else is `format.unsupported`.
 * - A known-size Segment must end the file (a second Segment, or bytes after it, are refused: a
 *   second Segment could carry a second label that some players show).
 * - An unknown-size Segment (live streams, RFC 8794 §6.2) runs to the end of the file; an
 *   unknown-size Cluster ends where a top-level ID starts (an element that cannot be its child).
 *   RFC 9559 allows an unknown size for Segment and Cluster only.
 * - SeekHead, Cues and Tags are parsed to the leaves (a write rewrites them); the children of
 *   Clusters are walked but not kept, except the Cluster `Position` (a Segment Position).
 * - Every CRC-32 element (first child of a top-level element or a parsed master) is verified.
 */
import { latin1Decode } from '@synthguard/core';
import { formatError } from '../errors.js';
import { type EbmlElement, ElementBudget, checkCrc, knownEnd, readChildren, readHeader } from './element.js';
import {
  DEEP_MASTERS,
  ID_CLUSTER,
  ID_CLUSTER_POSITION,
  ID_DOC_TYPE,
  ID_EBML,
  ID_EBML_READ_VERSION,
  ID_INFO,
  ID_SEGMENT,
  POSITION_IDS,
  TOP_LEVEL_IDS,
} from './ids.js';
import { corrupt, readElementId, readUint, truncated } from './vint.js';

export const EBML_MAGIC: Uint8Array = Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3);

export type DocType = 'matroska' | 'webm';

export interface TopLevelElement extends EbmlElement {
  /** Cluster only: its `Position` child (RFC 9559 \Segment\Cluster\Position), if it has one. */
  readonly clusterPosition?: EbmlElement;
}

export interface MatroskaLayout {
  readonly docType: DocType;
  /** The Segment header; `size` undefined when unknown. `end` is the end of its data. */
  readonly segment: EbmlElement;
  readonly children: readonly TopLevelElement[];
}

export function hasEbmlMagic(head: Uint8Array): boolean {
  return head.length >= 4 && EBML_MAGIC.every((b, i) => head[i] === b);
}

/** RFC 8794 §11.2: the header's DocType and read version. */
function readEbmlHeader(file: Uint8Array, budget: ElementBudget): { end: number; docType: DocType } {
  for (let i = 0; i < 4; i++) {
    if (i >= file.length) throw truncated('the EBML header', i);
    if (file[i] !== EBML_MAGIC[i]) throw corrupt('no EBML header magic (1A 45 DF A3)', i);
  }
  const h = readHeader(file, 0, file.length);
  const end = knownEnd(file, h, file.length);
  let docType: string | undefined;
  for (const c of readChildren(file, h.dataStart, end, 1, budget, undefined)) {
    if (c.id === ID_DOC_TYPE) {
      // §7.4: a String may be padded with trailing 0x00 bytes.
      let e = c.end;
      while (e > c.dataStart && file[e - 1] === 0) e--;
      docType = latin1Decode(file.subarray(c.dataStart, e));
    } else if (c.id === ID_EBML_READ_VERSION && readUint(file, c.dataStart, c.end) !== 1) {
      throw formatError(
        'format.unsupported',
        'EBML read version other than 1; this file needs a newer reader.',
      );
    }
  }
  if (docType === undefined) throw corrupt('the EBML header has no DocType', 0);
  if (docType !== 'matroska' && docType !== 'webm') {
    throw formatError('format.unsupported', 'EBML file is neither Matroska nor WebM (DocType).', {
      docTypeLength: docType.length,
    });
  }
  return { end, docType };
}

/** Walks a Cluster's children from `dataStart`; an unknown size ends at a top-level ID. */
function walkCluster(
  file: Uint8Array,
  h: ReturnType<typeof readHeader>,
  limit: number,
): { end: number; position?: EbmlElement } {
  const known = h.size !== undefined;
  const end = known ? knownEnd(file, h, limit) : limit;
  let position: EbmlElement | undefined;
  let at = h.dataStart;
  while (at < end) {
    if (!known && TOP_LEVEL_IDS.has(readElementId(file, at, end).id)) break;
    const c = readHeader(file, at, end);
    const cEnd = knownEnd(file, c, end);
    if (c.id === ID_CLUSTER_POSITION) {
      if (position !== undefined) throw corrupt('a Cluster with two Position elements', at);
      readUint(file, c.dataStart, cEnd);
      position = { ...c, end: cEnd };
    }
    at = cEnd;
  }
  checkCrc(file, h.dataStart, at);
  return { end: at, ...(position === undefined ? {} : { position }) };
}

/** Every Segment Position in a parsed tree must be a readable unsigned integer (a write rewrites it). */
function checkPositions(file: Uint8Array, parentId: number, kids: readonly EbmlElement[]): void {
  const ids = POSITION_IDS.get(parentId);
  for (const c of kids) {
    if (ids?.has(c.id) === true) readUint(file, c.dataStart, c.end);
    if (c.children !== undefined) checkPositions(file, c.id, c.children);
  }
}

/** Walks the whole file. Throws FormatError on anything truncated, invalid or unsupported. */
export function walkMatroska(file: Uint8Array): MatroskaLayout {
  const budget = new ElementBudget();
  const { end: headerEnd, docType } = readEbmlHeader(file, budget);
  if (headerEnd >= file.length) throw truncated('the Segment (none after the EBML header)', headerEnd);
  const s = readHeader(file, headerEnd, file.length);
  if (s.id !== ID_SEGMENT) throw corrupt('the EBML header is not followed by a Segment', headerEnd);
  const segEnd = s.size === undefined ? file.length : knownEnd(file, s, file.length);
  if (segEnd < file.length) {
    throw corrupt('data after the Segment (a second Segment or junk); remux to one Segment', segEnd);
  }
  checkCrc(file, s.dataStart, segEnd);
  const children: TopLevelElement[] = [];
  let infos = 0;
  let at = s.dataStart;
  while (at < segEnd) {
    const h = readHeader(file, at, segEnd);
    budget.take(at);
    if (h.id === ID_SEGMENT || h.id === ID_EBML) {
      throw formatError('format.unsupported', 'Matroska file with more than one Segment; remux to one.', {
        offset: at,
      });
    }
    if (h.id === ID_CLUSTER) {
      const c = walkCluster(file, h, segEnd);
      children.push({
        ...h,
        end: c.end,
        ...(c.position === undefined ? {} : { clusterPosition: c.position }),
      });
      at = c.end;
      continue;
    }
    const end = knownEnd(file, h, segEnd);
    const deep = DEEP_MASTERS.get(h.id);
    if (deep !== undefined) {
      const kids = readChildren(file, h.dataStart, end, 1, budget, deep);
      checkPositions(file, h.id, kids);
      children.push({ ...h, end, children: kids });
    } else {
      // Info, Tracks, Chapters, Attachments (and Void / unknown elements): kept whole.
      if (TOP_LEVEL_IDS.has(h.id)) checkCrc(file, h.dataStart, end);
      children.push({ ...h, end });
    }
    if (h.id === ID_INFO) infos++;
    at = end;
  }
  // RFC 9559 \Segment\Info: minOccurs 1, maxOccurs 1.
  if (infos !== 1)
    throw corrupt(`a Segment with ${String(infos)} Info elements (exactly one expected)`, s.start);
  return { docType, segment: { ...s, end: segEnd }, children };
}
