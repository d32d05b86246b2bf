/**
 * The whole-file walk of a HEIF / AVIF file (ISO/IEC 23008-12:2022 §10, ISO/IEC 14496-12 §4.3):
 * top-level boxes tile the file exactly (a size-0 box only last), `ftyp` first with a HEIF
 * major brand, at most one file-level `meta` (required for still-image brands), at most one
 * `moov`. Returns every structure a write patches: the meta items, track chunk offsets and the
 * box-level XMP carriers (`uuid` BE7ACFCB-97A9-42E8-9C71-999491E3AFAC at the top level, as
 * ExifTool writes for sequences, XMP Part 3 §1.1.4; and QuickTime `moov/udta/XMP_`).
 */
import { formatError } from '../errors.js';
import { type BoxHeader, payloadStart, readChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { IMAGE_BRANDS, SEQUENCE_BRANDS, majorBrand } from './brands.js';
import { type MetaLayout, parseMeta } from './meta.js';
import { type ChunkOffset, parseMoov } from './tracks.js';

const MAX_TOP_LEVEL = 10_000;

/** The XMP `uuid` (XMP Specification Part 3 §1.1.4 "MPEG-4"). */
export const XMP_UUID = Uint8Array.of(
  0xbe,
  0x7a,
  0xcf,
  0xcb,
  0x97,
  0xa9,
  0x42,
  0xe8,
  0x9c,
  0x71,
  0x99,
  0x94,
  0x91,
  0xe3,
  0xaf,
  0xac,
);

/** A box whose payload is an XMP packet, with the boxes that enclose it (outermost first). */
export interface XmpBox {
  readonly box: BoxHeader;
  readonly ancestors: readonly BoxHeader[];
}

export interface HeifLayout {
  readonly top: readonly BoxHeader[];
  readonly meta: MetaLayout | undefined;
  /** Every box whose size a write may change (meta and its children, mdat, moov paths, uuid). */
  readonly boxes: readonly BoxHeader[];
  readonly chunkOffsets: readonly ChunkOffset[];
  readonly xmpBoxes: readonly XmpBox[];
  /**
   * Movie fragments (`moof`) or sample auxiliary offsets (`saio`): offsets this module does not
   * move, so writes refuse the file.
   */
  readonly fragmented: boolean;
}

function isXmpUuid(box: BoxHeader): boolean {
  const u = box.uuid;
  return u !== undefined && u.every((b, i) => b === XMP_UUID[i]);
}

export function walkHeif(file: Uint8Array): HeifLayout {
  const brand = majorBrand(file);
  if (brand === undefined || !(IMAGE_BRANDS.has(brand) || SEQUENCE_BRANDS.has(brand))) {
    const truncated = file.length < 16;
    throw formatError(
      truncated ? 'format.truncated' : 'format.unsupported',
      truncated
        ? 'The file ends inside its ftyp box.'
        : 'Not a HEIF file: no ftyp box with a HEIF brand first.',
    );
  }
  const top = readChildren(bytesSource(file), 0, file.length, MAX_TOP_LEVEL);
  const metas = top.filter((b) => b.type === 'meta');
  const moovs = top.filter((b) => b.type === 'moov');
  if (metas.length > 1 || moovs.length > 1) {
    throw formatError('format.corrupt', 'The file holds more than one top-level meta or moov box.');
  }
  if (metas.length === 0 && (IMAGE_BRANDS.has(brand) || moovs.length === 0)) {
    throw formatError('format.corrupt', 'The HEIF file has no top-level meta box.', { brand });
  }
  const meta = metas[0] && parseMeta(file, metas[0]);
  const moov = moovs[0] && parseMoov(file, moovs[0]);
  // concat, not push(...): the lists can hold 10^5 boxes, too many for call arguments.
  const boxes: BoxHeader[] = top
    .filter((b) => b.type === 'mdat' || b.type === 'uuid')
    .concat(
      meta === undefined ? [] : [meta.box],
      meta?.children ?? [],
      meta?.iinf?.items.map((i) => i.box) ?? [],
      meta?.iref?.refs.map((r) => r.box) ?? [],
      moov?.boxes ?? [],
    );
  const xmpBoxes: XmpBox[] = [
    ...top.filter(isXmpUuid).map((box) => ({ box, ancestors: [] })),
    ...(moov?.xmp ?? []),
  ];
  return {
    top,
    meta,
    boxes,
    chunkOffsets: moov?.chunkOffsets ?? [],
    xmpBoxes,
    fragmented: top.some((b) => b.type === 'moof') || moov?.auxiliaryOffsets === true,
  };
}

/** The payload range of a box-level XMP carrier. */
export function xmpBoxPayload(x: XmpBox): { start: number; end: number } {
  return { start: payloadStart(x.box), end: x.box.end };
}
