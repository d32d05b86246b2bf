/**
 * Standard XMP in WebP: the payload of the 'XMP ' chunk of the extended format (RFC 9649 §2.7,
 * "Metadata"), announced by the X flag of VP8X.
 *
 * - Replace: an existing 'XMP ' chunk is replaced in place; the X flag is set.
 * - Insert: after the image data and EXIF (§2.7 order: VP8X, ICCP, ANIM, image data, EXIF,
 *   XMP, unknown chunks), i.e. right after the last VP8X/ICCP/ANIM/ALPH/VP8/VP8L/ANMF/EXIF
 *   chunk, before unknown chunks. A simple file (§2.5/§2.6) is converted to the extended
 *   format first: a VP8X
 *   chunk is inserted before the bitstream, with the canvas from the bitstream header and the
 *   alpha flag for a VP8L image whose alpha_is_used bit is set.
 * - Remove: the chunk goes and the X flag is cleared. When VP8X then holds nothing a simple
 *   file lacks — it is byte-identical to the VP8X this module would build for the bitstream
 *   right after it — VP8X is dropped too, so write-then-remove gives back a simple file
 *   exactly. (ExifTool likewise drops a VP8X that is no longer needed.) Consequence: an
 *   extended file whose VP8X was redundant from the start comes back as a simple file.
 *
 * File Size in the RIFF header is updated; every other byte is kept, trailer included.
 * A second 'XMP ' chunk is format.duplicate_metadata. Only top-level chunks carry XMP.
 */
import { bytesEqual, concatBytes } from '@synthguard/core';
import { formatError } from '../errors.js';
import {
  EXTENDED_ONLY,
  MAX_RIFF_SIZE,
  VP8X_FLAG,
  VP8X_PAYLOAD_SIZE,
  type WebpChunk,
  type WebpImage,
  type WebpLayout,
  buildWebpChunk,
  walkWebp,
  writeU32LE,
} from './riff.js';

const XMP_FOURCC = 'XMP ';
/** Chunks that belong before the XMP chunk (§2.7); XMP goes after the last of them. */
const BEFORE_XMP = new Set(['VP8X', 'ICCP', 'ANIM', 'ALPH', 'VP8 ', 'VP8L', 'ANMF', 'EXIF']);

/** Largest packet that fits a WebP file holding nothing else (the RIFF size cap). */
export const MAX_WEBP_XMP_PACKET = MAX_RIFF_SIZE - 4 - 8;

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

function findXmpChunk(layout: WebpLayout): WebpChunk | undefined {
  let found: WebpChunk | undefined;
  for (const c of layout.chunks) {
    if (c.fourcc !== XMP_FOURCC) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        "WebP holds more than one 'XMP ' chunk; remove the extra one before labelling.",
        { first: found.start, second: c.start },
      );
    }
    found = c;
  }
  return found;
}

/** The VP8X chunk a simple file with this bitstream converts to (§2.7 extended header). */
export function buildVp8xChunk(image: WebpImage, flags = 0): Uint8Array {
  const payload = new Uint8Array(VP8X_PAYLOAD_SIZE);
  payload[0] = flags | (image.info.alpha ? VP8X_FLAG.alpha : 0);
  const w = image.info.width - 1;
  const h = image.info.height - 1;
  payload.set(
    [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff],
    4,
  );
  return buildWebpChunk('VP8X', payload);
}

/** Applies non-overlapping edits (sorted here) inside the RIFF chunk and fixes File Size. */
function applyEdits(file: Uint8Array, riffEnd: number, edits: Edit[]): Uint8Array {
  edits.sort((a, b) => a.start - b.start);
  const parts: Uint8Array[] = [];
  let at = 0;
  let delta = 0;
  for (const e of edits) {
    parts.push(file.subarray(at, e.start), e.bytes);
    delta += e.bytes.length - (e.end - e.start);
    at = e.end;
  }
  parts.push(file.subarray(at));
  const size = riffEnd - 8 + delta;
  if (size > MAX_RIFF_SIZE) {
    throw formatError(
      'format.metadata_too_large',
      'The XMP packet does not fit a WebP file (4 GiB RIFF limit); make it smaller.',
      {
        size,
        limit: MAX_RIFF_SIZE,
      },
    );
  }
  const out = concatBytes(parts);
  writeU32LE(out, 4, size);
  return out;
}

function setFlags(vp8x: WebpChunk, flags: number): Edit {
  return { start: vp8x.dataStart, end: vp8x.dataStart + 1, bytes: Uint8Array.of(flags) };
}

/** Where a new XMP chunk goes: after the last chunk that §2.7 orders before it. */
function insertionPoint(layout: WebpLayout): number {
  let at = layout.chunks[0]!.end;
  for (const c of layout.chunks) if (BEFORE_XMP.has(c.fourcc)) at = c.end;
  return at;
}

export function readWebpXmp(file: Uint8Array): Uint8Array | undefined {
  const c = findXmpChunk(walkWebp(file));
  return c === undefined ? undefined : file.slice(c.dataStart, c.dataEnd);
}

export function writeWebpXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const layout = walkWebp(file);
  const existing = findXmpChunk(layout);
  if (packet === undefined) {
    if (existing === undefined) return file.slice();
    return applyEdits(file, layout.riffEnd, removal(file, layout, existing));
  }
  if (packet.length > MAX_WEBP_XMP_PACKET) {
    throw formatError(
      'format.metadata_too_large',
      'The XMP packet does not fit a WebP file; make it smaller.',
      {
        size: packet.length,
        limit: MAX_WEBP_XMP_PACKET,
      },
    );
  }
  const chunk = buildWebpChunk(XMP_FOURCC, packet);
  const edits: Edit[] = [];
  if (layout.extended) {
    const flags = file[layout.vp8x.dataStart]!;
    edits.push(setFlags(layout.vp8x, flags | VP8X_FLAG.xmp));
  } else {
    edits.push({ start: 12, end: 12, bytes: buildVp8xChunk(layout.image, VP8X_FLAG.xmp) });
  }
  if (existing !== undefined) {
    edits.push({ start: existing.start, end: existing.end, bytes: chunk });
  } else {
    const at = insertionPoint(layout);
    edits.push({ start: at, end: at, bytes: chunk });
  }
  return applyEdits(file, layout.riffEnd, edits);
}

function removal(file: Uint8Array, layout: WebpLayout, xmp: WebpChunk): Edit[] {
  const edits: Edit[] = [{ start: xmp.start, end: xmp.end, bytes: new Uint8Array(0) }];
  if (!layout.extended) return edits;
  const { vp8x, image } = layout;
  const flags = file[vp8x.dataStart]! & ~VP8X_FLAG.xmp;
  // VP8X as it would read without the X flag, against the one a simple file converts to.
  const cleared = file.slice(vp8x.start, vp8x.end);
  cleared[8] = flags;
  // The chunk that follows VP8X once the XMP chunk is gone.
  const next = layout.chunks.find((c) => c.start >= vp8x.end && c !== xmp);
  // A chunk only the extended format may carry (ALPH, ANIM, ANMF) keeps VP8X, whatever its flags say.
  const needsVp8x = layout.chunks.some((c) => c !== vp8x && EXTENDED_ONLY.has(c.fourcc));
  if (
    image !== undefined &&
    next === image.chunk &&
    !needsVp8x &&
    bytesEqual(cleared, buildVp8xChunk(image))
  ) {
    edits.push({ start: vp8x.start, end: vp8x.end, bytes: new Uint8Array(0) });
  } else {
    edits.push(setFlags(vp8x, flags));
  }
  return edits;
}
