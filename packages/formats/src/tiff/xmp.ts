/**
 * Standard XMP in TIFF: XMP Specification Part 3 (2016) §1.1.6. The packet is the value of tag
 * 700 (0x02BC, "XMP"/"XMLPacket"), field type BYTE or UNDEFINED, in IFD0.
 *
 * TIFF addresses everything by absolute offset (TIFF 6.0 §2), so a write never moves a byte
 * that something points at. Instead:
 *  - the packet is appended at the end of the file (on a word boundary, TIFF 6.0 §2) and the
 *    tag-700 entry is rewritten in place to point at it (count and offset only);
 *  - when IFD0 must change size (the tag is added or removed), IFD0 is copied to the end of the
 *    file with the entry inserted in ascending tag order (or dropped) and the header's IFD0
 *    offset is repointed; the old directory stays behind as unreferenced bytes;
 *  - what this module itself appended is reused: when IFD0 (optionally followed by its packet)
 *    or the packet alone ends the file, and nothing else the file references lies there, that
 *    tail is rewritten instead of appended to, so relabelling does not grow the file.
 * Every byte outside the tag-700 entry, the header's IFD0 offset and that reused tail is kept.
 * Consequently, removing a packet from a file whose IFD0 was not at its end leaves the old
 * directory (and any superseded packet) behind: the result is an equivalent TIFF, not the
 * original bytes.
 *
 * A packet up to 4 bytes long sits in the entry itself (TIFF 6.0 §2 "Value/Offset"). Entries are
 * written as BYTE, libtiff's type for the tag; an UNDEFINED one is read, and rewritten as BYTE
 * (ExifTool's -validate flags UNDEFINED as non-standard).
 * Tag 700 twice in IFD0, or in any other IFD (another page, a SubIFD, the Exif IFD), is
 * `format.duplicate_metadata`: XMP Part 3 puts the one packet in IFD0, and readers that look
 * elsewhere could be shown a second, forged label.
 */
import { type FormatError, formatError } from '../errors.js';
import { writeU16, writeU32 } from './bytes.js';
import { TIFF_HEADER_SIZE, type TiffEntry, type TiffIfd, type TiffLayout, walkTiff } from './ifd.js';

export const XMP_TAG = 700;
const TYPE_BYTE = 1;
const TYPE_UNDEFINED = 7;
const MAX_ENTRIES = 0xffff;
/** Classic TIFF offsets and counts are 32-bit, so the whole file must stay below 4 GiB. */
export const MAX_TIFF_SIZE = 0xffffffff;

function evenUp(at: number): number {
  return at + (at & 1);
}

function duplicate(what: string, details: Record<string, unknown>): FormatError {
  return formatError(
    'format.duplicate_metadata',
    `TIFF holds ${what}; XMP belongs once in IFD0 (tag 700). Remove the extra packet before labelling.`,
    details,
  );
}

/** The tag-700 entry of IFD0, undefined when absent. Throws on a second one anywhere. */
function findXmpEntry(layout: TiffLayout): TiffEntry | undefined {
  let found: TiffEntry | undefined;
  layout.ifds.forEach((ifd, index) => {
    for (const e of ifd.entries) {
      if (e.tag !== XMP_TAG) continue;
      if (index !== 0) {
        throw duplicate(`an XMP entry outside IFD0 (in ${ifd.kind})`, { ifd: ifd.kind, at: e.at });
      }
      if (found !== undefined) throw duplicate('two XMP entries in IFD0', { first: found.at, second: e.at });
      found = e;
    }
  });
  return found;
}

export function readTiffXmp(file: Uint8Array): Uint8Array | undefined {
  const e = findXmpEntry(walkTiff(file));
  if (e === undefined) return undefined;
  if (e.type !== TYPE_BYTE && e.type !== TYPE_UNDEFINED) {
    throw formatError(
      'format.corrupt',
      'TIFF XMP entry (tag 700) is not of type BYTE or UNDEFINED (XMP Part 3 §1.1.6); relabel to repair it.',
      { at: e.at, type: e.type },
    );
  }
  return file.slice(e.valueStart, e.valueEnd);
}

/** The 12-byte tag-700 entry for `packet`, whose bytes start at `dataAt` unless they fit inline. */
function buildXmpEntry(packet: Uint8Array, dataAt: number, le: boolean): Uint8Array {
  const entry = new Uint8Array(12);
  writeU16(entry, 0, XMP_TAG, le);
  writeU16(entry, 2, TYPE_BYTE, le);
  writeU32(entry, 4, packet.length, le);
  if (packet.length <= 4) entry.set(packet, 8);
  else writeU32(entry, 8, dataAt, le);
  return entry;
}

/** IFD0 without its tag-700 entry, plus `xmpEntry` before the first higher tag (TIFF 6.0 §2: ascending order). */
function buildIfd(file: Uint8Array, ifd: TiffIfd, xmpEntry: Uint8Array | undefined, le: boolean): Uint8Array {
  const kept = ifd.entries.filter((e) => e.tag !== XMP_TAG);
  const count = kept.length + (xmpEntry === undefined ? 0 : 1);
  if (count > MAX_ENTRIES) {
    const message = 'TIFF IFD0 already holds 65535 entries; remove one before labelling.';
    throw formatError('format.metadata_too_large', message, { limit: MAX_ENTRIES });
  }
  const out = new Uint8Array(2 + 12 * count + 4);
  writeU16(out, 0, count, le);
  let at = 2;
  let placed = xmpEntry === undefined;
  for (const e of kept) {
    if (!placed && e.tag > XMP_TAG) {
      out.set(xmpEntry!, at);
      at += 12;
      placed = true;
    }
    out.set(file.subarray(e.at, e.at + 12), at);
    at += 12;
  }
  if (!placed) out.set(xmpEntry!, at);
  out.set(file.subarray(ifd.end - 4, ifd.end), out.length - 4); // next-IFD offset, unchanged
  return out;
}

function tooLarge(size: number): FormatError {
  return formatError(
    'format.metadata_too_large',
    'The labelled TIFF would exceed 4 GiB, the limit of 32-bit TIFF offsets; make the packet smaller.',
    { size, limit: MAX_TIFF_SIZE },
  );
}

/** `file[0, keep)`, zero padding, then each part at its offset; the result is `size` bytes long. */
function assemble(
  file: Uint8Array,
  keep: number,
  size: number,
  parts: readonly (readonly [number, Uint8Array])[],
): Uint8Array {
  if (size > MAX_TIFF_SIZE) throw tooLarge(size);
  const out = new Uint8Array(size);
  out.set(file.subarray(0, keep));
  for (const [at, bytes] of parts) out.set(bytes, at);
  return out;
}

export function writeTiffXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const layout = walkTiff(file);
  const entry = findXmpEntry(layout);
  if (packet === undefined && entry === undefined) return file.slice();
  const le = layout.littleEndian;
  const ifd0 = layout.ifds[0]!;
  const n = file.length;
  const tail = packet !== undefined && packet.length > 4 ? packet : new Uint8Array(0);
  const outOfLine = entry !== undefined && !entry.inline ? entry : undefined;

  // Everything the file references except IFD0 itself and its packet: none of it may be touched.
  const others = layout.ranges.filter(
    (r) => r.ifd !== 0 || (r.kind !== 'ifd' && !(r.kind === 'value' && r.tag === XMP_TAG)),
  );
  const othersEnd = others.reduce((max, r) => Math.max(max, r.end), TIFF_HEADER_SIZE);
  const overlapsOthers = (start: number, end: number): boolean =>
    others.some((r) => r.start < end && start < r.end);

  /** A new IFD0 at `dirAt` (the packet right after it), `file[0, keep)` before, the header repointed. */
  const rewriteIfd0 = (dirAt: number, keep: number): Uint8Array => {
    const entries = ifd0.entries.length - (entry === undefined ? 0 : 1) + (packet === undefined ? 0 : 1);
    const dataAt = dirAt + 2 + 12 * entries + 4;
    const xmpEntry = packet === undefined ? undefined : buildXmpEntry(packet, dataAt, le);
    const header = file.slice(0, TIFF_HEADER_SIZE);
    writeU32(header, 4, dirAt, le);
    const parts: [number, Uint8Array][] = [
      [0, header],
      [dirAt, buildIfd(file, ifd0, xmpEntry, le)],
      [dataAt, tail],
    ];
    // The directory left behind is unreferenced; blank its XMP entry's count and offset so the
    // result does not depend on which packet the file held (a label signature hashes the file
    // without its packet, and must get the same bytes whatever the label said).
    if (
      entry !== undefined &&
      dirAt !== ifd0.offset &&
      entry.at + 12 <= keep &&
      !overlapsOthers(entry.at, entry.at + 12)
    ) {
      parts.push([entry.at + 4, new Uint8Array(8)]);
    }
    return assemble(file, keep, dataAt + tail.length, parts);
  };

  // IFD0, alone or followed directly by its packet, ends the file: rewrite it where it is.
  if (
    ifd0.offset % 2 === 0 &&
    ifd0.offset >= othersEnd &&
    (ifd0.end === n || (outOfLine?.valueStart === ifd0.end && outOfLine.valueEnd === n))
  ) {
    return rewriteIfd0(ifd0.offset, ifd0.offset);
  }

  // The packet alone ends the file (appended by an earlier write): reuse its place.
  const keep =
    outOfLine !== undefined &&
    outOfLine.valueEnd === n &&
    outOfLine.valueStart >= othersEnd &&
    outOfLine.valueStart >= ifd0.end
      ? outOfLine.valueStart
      : n;

  // Replace the packet: rewrite the entry in place, the packet at the end unless it fits inline.
  if (packet !== undefined && entry !== undefined && !overlapsOthers(entry.at, entry.at + 12)) {
    const dataAt = packet.length <= 4 ? keep : evenUp(keep);
    return assemble(file, keep, dataAt + tail.length, [
      [entry.at, buildXmpEntry(packet, dataAt, le)],
      [dataAt, tail],
    ]);
  }

  // IFD0 changes size (or its entry cannot be patched safely): copy it to the end.
  return rewriteIfd0(evenUp(keep), keep);
}
