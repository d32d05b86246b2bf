/**
 * Standard XMP in GIF: XMP Specification Part 3 (2016) §1.1.2.
 *
 * An Application Extension (GIF89a §26: 0x21 0xFF, block size 11) with identifier 'XMP Data'
 * and authentication code 'XMP'. Its application data is the UTF-8 packet written RAW — not
 * cut into sub-blocks — followed by a 258-byte "magic trailer" 0x01, 0xFF, 0xFE, ..., 0x01,
 * 0x00, 0x00 (the last byte is the Block Terminator). A reader that walks the packet as
 * sub-blocks (taking packet bytes for sizes) lands somewhere in the descending run and is
 * carried to the terminator, so decoders skip the block like any other.
 *
 * That only holds while the packet has no zero byte (a walk landing on one would end the
 * block early and read the rest of the packet as blocks): Part 3 requires UTF-8 for this
 * reason, and XML cannot contain U+0000. So:
 * - The block's extent is what every GIF reader sees: its sub-block walk (see blocks.ts).
 *   Read: the bytes from after the identifier up to the magic trailer, which must end that
 *   walk exactly (else format.corrupt). This is ExifTool's reading too.
 * - Write: a packet containing a zero byte is refused (ExifTool refuses it as well), since
 *   the file would then decode differently in other readers.
 * - Insert: before the first image (ExifTool's position), ahead of the Graphic Control
 *   Extension that belongs to it (§23: its scope is the next graphic rendering block), so
 *   e.g. NETSCAPE2.0 stays first; before the Trailer when there is no image. Not before the
 *   Trailer as the XMP Toolkit does: libnsgif (libvips, sharp) rejects a GIF whose last block
 *   is an extension when bytes follow the Trailer (16 or more, in our tests), and trailers
 *   are kept. A GIF87a header becomes GIF89a (the Application Extension is a GIF89a block;
 *   ExifTool upgrades too). Removal turns it back into GIF87a when nothing GIF89a-specific
 *   remains (no extension block, no sort flag, no pixel aspect ratio), so removing an
 *   inserted packet restores a GIF87a exactly; a GIF89a without any of these that is
 *   labelled and unlabelled comes back as GIF87a, pixel for pixel equal.
 * - Replace in place; a second XMP application extension is format.duplicate_metadata.
 */
import { asciiBytes, concatBytes, startsWithAt } from '@synthguard/core';
import { formatError } from '../errors.js';
import { splice } from '../splice.js';
import { type GifBlock, type GifLayout, LSD_PACKED, walkGif } from './blocks.js';

/** Application Identifier (8) + Authentication Code (3). */
export const XMP_APPLICATION = 'XMP DataXMP';
/** 0x21 0xFF 0x0B 'XMP DataXMP': everything before the packet. */
export const XMP_EXTENSION_HEADER: Uint8Array = concatBytes([
  Uint8Array.of(0x21, 0xff, 0x0b),
  asciiBytes(XMP_APPLICATION),
]);

/** 0x01, 0xFF, 0xFE, ..., 0x01, 0x00, then the Block Terminator 0x00 (258 bytes). */
export const XMP_MAGIC_TRAILER: Uint8Array = (() => {
  const t = new Uint8Array(258);
  t[0] = 0x01;
  for (let i = 0; i < 256; i++) t[1 + i] = 0xff - i;
  t[257] = 0x00;
  return t;
})();

const VERSION_AT = 4; // '7' or '9' in 'GIF87a' / 'GIF89a'

function findXmpBlock(layout: GifLayout): GifBlock | undefined {
  let found: GifBlock | undefined;
  for (const b of layout.blocks) {
    if (b.application !== XMP_APPLICATION) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'GIF holds more than one XMP application extension; remove the extra one before labelling.',
        { first: found.start, second: b.start },
      );
    }
    found = b;
  }
  return found;
}

export function readGifXmp(file: Uint8Array): Uint8Array | undefined {
  const block = findXmpBlock(walkGif(file));
  if (block === undefined) return undefined;
  const packetStart = block.start + XMP_EXTENSION_HEADER.length;
  const packetEnd = block.end - XMP_MAGIC_TRAILER.length;
  if (packetEnd < packetStart || !startsWithAt(file, XMP_MAGIC_TRAILER, packetEnd)) {
    throw formatError(
      'format.corrupt',
      'GIF XMP application extension does not end with the XMP magic trailer (XMP Part 3 §1.1.2); supply a file whose XMP block is intact.',
      { offset: block.start },
    );
  }
  return file.slice(packetStart, packetEnd);
}

/** True when the data stream, without `removed`, uses nothing that GIF87a lacks. */
function fitsGif87a(file: Uint8Array, layout: GifLayout, removed: GifBlock): boolean {
  // GIF87a: the LSD's bit 3 and its last byte were reserved zeros (GIF89a: sort flag and
  // pixel aspect ratio), as were bits 3-5 of an image descriptor's packed byte.
  if ((file[LSD_PACKED]! & 0x08) !== 0 || file[LSD_PACKED + 2] !== 0) return false;
  for (const b of layout.blocks) {
    if (b === removed) continue;
    if (b.kind === 'extension' || (file[b.start + 9]! & 0x38) !== 0) return false;
  }
  return true;
}

/** Before the first image and the Graphic Control Extension right before it; else the Trailer. */
function insertionPoint(layout: GifLayout): number {
  const i = layout.blocks.findIndex((b) => b.kind === 'image');
  if (i < 0) return layout.trailerAt;
  const previous = layout.blocks[i - 1];
  return previous?.label === 0xf9 ? previous.start : layout.blocks[i]!.start;
}

export function writeGifXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array {
  const layout = walkGif(file);
  const existing = findXmpBlock(layout);
  if (packet === undefined) {
    if (existing === undefined) return file.slice();
    const out = splice(file, existing.start, existing.end, new Uint8Array(0));
    if (layout.version === '89a' && fitsGif87a(file, layout, existing)) out[VERSION_AT] = 0x37;
    return out;
  }
  const zero = packet.indexOf(0);
  if (zero >= 0) {
    throw formatError(
      'format.corrupt',
      'The XMP packet contains a zero byte, which a GIF cannot carry (XMP Part 3 §1.1.2 stores it raw); supply UTF-8 XMP.',
      { packetOffset: zero },
    );
  }
  const block = concatBytes([XMP_EXTENSION_HEADER, packet, XMP_MAGIC_TRAILER]);
  const at = existing === undefined ? insertionPoint(layout) : existing.start;
  const out = splice(file, at, existing === undefined ? at : existing.end, block);
  out[VERSION_AT] = 0x39;
  return out;
}
