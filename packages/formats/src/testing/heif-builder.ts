/**
 * Test-only builder of HEIF / AVIF files: `buildHeif` lays out a file from a list of items
 * (ftyp, meta with hdlr/pitm/iinf/iloc/iref/iprp/idat, mdat, optionally a sequence track and a
 * uuid XMP box) in any iloc version and field widths, meta before or after mdat, so tests can
 * reach every layout the handler must keep valid (ISO/IEC 23008-12, ISO/IEC 14496-12 §8.11).
 */
import { asciiBytes, concatBytes, utf8Encode } from '@synthguard/core';
import { encodeUint, fourccBytes, type UintSize } from '../heif/bytes.js';
import { XMP_UUID } from '../heif/layout.js';
import { encodeBox, payloadStart, readChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';

export interface HeifItem {
  readonly id: number;
  /** item_type: 'av01', 'hvc1', 'Exif', 'mime'. */
  readonly type: string;
  readonly contentType?: string;
  readonly data: Uint8Array;
  /** Where the bytes go (default mdat). */
  readonly store?: 'mdat' | 'idat';
  /** Split the data into two extents. */
  readonly split?: boolean;
  /** `cdsc` (or another type) references from this item. */
  readonly refs?: readonly { readonly type: string; readonly to: number }[];
}

export interface HeifOptions {
  readonly major: string;
  readonly compatible: readonly string[];
  readonly items: readonly HeifItem[];
  readonly primary: number;
  /** The raw `iprp` box (properties and their associations). */
  readonly iprp?: Uint8Array;
  readonly iloc: {
    readonly version: 0 | 1 | 2;
    readonly offsetSize: UintSize;
    readonly lengthSize: UintSize;
    readonly baseOffsetSize: UintSize;
    /** Put each item's first offset in base_offset (as libheif does). */
    readonly useBase?: boolean;
  };
  readonly iinfVersion?: 0 | 1;
  readonly mdatFirst?: boolean;
  /** The last mdat written with size 0 ("to the end of the file"). */
  readonly mdatToEnd?: boolean;
  /** The mdat written with a 64-bit largesize header. */
  readonly mdatLarge?: boolean;
  /** A one-track sequence whose `stco` points at these samples, stored in mdat. */
  readonly samples?: readonly Uint8Array[];
  /** More boxes inside meta, after iprp (e.g. `grpl`). */
  readonly metaExtra?: readonly Uint8Array[];
  /** A top-level `uuid` XMP box before meta. */
  readonly uuidXmp?: Uint8Array;
}

function fullBox(type: string, version: number, body: Uint8Array): Uint8Array {
  return encodeBox(type, concatBytes([Uint8Array.of(version, 0, 0, 0), body]));
}

function infe(item: HeifItem): Uint8Array {
  const text = item.type === 'mime' ? `\0${item.contentType ?? ''}\0` : '\0';
  return fullBox(
    'infe',
    item.id > 0xffff ? 3 : 2,
    concatBytes([
      encodeUint(item.id, item.id > 0xffff ? 4 : 2),
      encodeUint(0, 2),
      fourccBytes(item.type),
      utf8Encode(text),
    ]),
  );
}

function pieces(item: HeifItem): Uint8Array[] {
  if (item.split !== true) return [item.data];
  const half = Math.floor(item.data.length / 2);
  return [item.data.subarray(0, half), item.data.subarray(half)];
}

/** The iloc box, given each item's extent offsets (absolute, or relative to the idat payload). */
function iloc(o: HeifOptions, offsets: ReadonlyMap<number, readonly number[]>): Uint8Array {
  const { version, offsetSize, lengthSize, baseOffsetSize, useBase } = o.iloc;
  const idSize = version < 2 ? 2 : 4;
  const parts: Uint8Array[] = [
    Uint8Array.of((offsetSize << 4) | lengthSize, (baseOffsetSize << 4) | (version > 0 ? 4 : 0)),
    encodeUint(o.items.length, idSize),
  ];
  for (const item of o.items) {
    const offs = offsets.get(item.id) ?? [];
    const base = useBase === true && baseOffsetSize > 0 ? (offs[0] ?? 0) : 0;
    parts.push(encodeUint(item.id, idSize));
    if (version > 0) parts.push(encodeUint(item.store === 'idat' ? 1 : 0, 2));
    parts.push(encodeUint(0, 2), encodeUint(base, baseOffsetSize));
    const ps = pieces(item);
    parts.push(encodeUint(ps.length, 2));
    ps.forEach((p, k) => {
      if (version > 0) parts.push(encodeUint(0, 4)); // item_reference_index (index_size 4)
      parts.push(encodeUint((offs[k] ?? 0) - base, offsetSize), encodeUint(p.length, lengthSize));
    });
  }
  return fullBox('iloc', version, concatBytes(parts));
}

function iref(o: HeifOptions): Uint8Array | undefined {
  const refs = o.items.flatMap((i) =>
    (i.refs ?? []).map((r) =>
      encodeBox(r.type, concatBytes([encodeUint(i.id, 2), encodeUint(1, 2), encodeUint(r.to, 2)])),
    ),
  );
  return refs.length === 0 ? undefined : fullBox('iref', 0, concatBytes(refs));
}

function sequenceTrack(chunkOffsets: readonly number[]): Uint8Array {
  const stco = fullBox(
    'stco',
    0,
    concatBytes([encodeUint(chunkOffsets.length, 4), ...chunkOffsets.map((c) => encodeUint(c, 4))]),
  );
  const stbl = encodeBox('stbl', concatBytes([fullBox('stsz', 0, new Uint8Array(8)), stco]));
  const minf = encodeBox('minf', stbl);
  const mdia = encodeBox(
    'mdia',
    concatBytes([
      fullBox('hdlr', 0, concatBytes([new Uint8Array(4), asciiBytes('pict'), new Uint8Array(13)])),
      minf,
    ]),
  );
  return encodeBox('moov', concatBytes([fullBox('mvhd', 0, new Uint8Array(96)), encodeBox('trak', mdia)]));
}

/** Lays the file out twice: once to measure, once with the real offsets. */
export function buildHeif(o: HeifOptions): Uint8Array {
  const mdatItems = o.items.filter((i) => i.store !== 'idat');
  const idatItems = o.items.filter((i) => i.store === 'idat');
  const idatPayload = concatBytes(idatItems.map((i) => i.data));
  const mdatPayload = concatBytes([...mdatItems.map((i) => i.data), ...(o.samples ?? [])]);
  const ftyp = encodeBox(
    'ftyp',
    concatBytes([asciiBytes(o.major), new Uint8Array(4), ...o.compatible.map(asciiBytes)]),
  );
  const uuid = o.uuidXmp && encodeBox('uuid', concatBytes([XMP_UUID, o.uuidXmp]));
  const layout = (offsets: ReadonlyMap<number, readonly number[]>, chunks: readonly number[]) => {
    const children = [
      fullBox(
        'hdlr',
        0,
        concatBytes([new Uint8Array(4), asciiBytes('pict'), new Uint8Array(12), asciiBytes('\0')]),
      ),
      fullBox('pitm', 0, encodeUint(o.primary, 2)),
      fullBox(
        'iinf',
        o.iinfVersion ?? 0,
        concatBytes([encodeUint(o.items.length, o.iinfVersion === 1 ? 4 : 2), ...o.items.map(infe)]),
      ),
      iloc(o, offsets),
      iref(o),
      o.iprp,
      ...(o.metaExtra ?? []),
      idatItems.length > 0 ? encodeBox('idat', idatPayload) : undefined,
    ].filter((b): b is Uint8Array => b !== undefined);
    const meta = fullBox('meta', 0, concatBytes(children));
    const mdat =
      o.mdatLarge === true
        ? concatBytes([
            encodeUint(1, 4),
            asciiBytes('mdat'),
            encodeUint(16 + mdatPayload.length, 8),
            mdatPayload,
          ])
        : encodeBox('mdat', mdatPayload);
    if (o.mdatToEnd === true) mdat.set(encodeUint(0, 4), 0);
    const moov = o.samples && sequenceTrack(chunks);
    const order = o.mdatFirst === true ? [ftyp, uuid, mdat, meta, moov] : [ftyp, uuid, meta, moov, mdat];
    // With no data outside meta, there is no mdat at all.
    const boxes = order.filter(
      (b): b is Uint8Array => b !== undefined && (b !== mdat || mdatPayload.length > 0),
    );
    return { boxes, meta, mdat, children };
  };
  const measure = layout(
    new Map(),
    (o.samples ?? []).map(() => 0),
  );
  const offsetOf = (box: Uint8Array) => {
    let at = 0;
    for (const b of measure.boxes) {
      if (b === box) return at;
      at += b.length;
    }
    throw new Error('fixture: box not laid out');
  };
  const mdatData = mdatPayload.length > 0 ? offsetOf(measure.mdat) + (o.mdatLarge === true ? 16 : 8) : 0;
  const offsets = new Map<number, number[]>();
  let inMdat = mdatData;
  let inIdat = 0;
  for (const item of o.items) {
    const idat = item.store === 'idat';
    const at = idat ? inIdat : inMdat;
    const ps = pieces(item);
    offsets.set(
      item.id,
      ps.map((_, k) => at + (k === 0 ? 0 : ps[0]!.length)),
    );
    if (idat) inIdat += item.data.length;
    else inMdat += item.data.length;
  }
  const chunks: number[] = [];
  for (const s of o.samples ?? []) {
    chunks.push(inMdat);
    inMdat += s.length;
  }
  return concatBytes(layout(offsets, chunks).boxes);
}

/** Bytes that stand in for a coded HEVC image (no encoder here). */
export function opaqueCoded(seed: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + (i >> 3)) & 0xff);
}

/** A minimal big-endian Exif item payload: 4-byte tiff header offset, then a TIFF header. */
export function exifItem(): Uint8Array {
  return concatBytes([
    encodeUint(0, 4),
    asciiBytes('MM'),
    Uint8Array.of(0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0),
  ]);
}

export const XMP_MIME = 'application/rdf+xml';

/**
 * An `iprp` for opaque HEVC items: an empty `hvcC` (lengthSizeMinusOne 3, no parameter sets)
 * and an `ispe`, associated with each of `itemIds`. Enough for libheif to parse the header
 * (sharp's metadata), not to decode.
 */
export function heicIprp(itemIds: readonly number[], width = 16, height = 8): Uint8Array {
  const hvcC = new Uint8Array(23);
  hvcC[0] = 1; // configurationVersion
  hvcC[21] = 3; // lengthSizeMinusOne
  const ispe = fullBox('ispe', 0, concatBytes([encodeUint(width, 4), encodeUint(height, 4)]));
  const ipma = fullBox(
    'ipma',
    0,
    concatBytes([
      encodeUint(itemIds.length, 4),
      ...itemIds.map((id) => concatBytes([encodeUint(id, 2), Uint8Array.of(2, 0x81, 0x02)])),
    ]),
  );
  return encodeBox(
    'iprp',
    concatBytes([encodeBox('ipco', concatBytes([encodeBox('hvcC', hvcC), ispe])), ipma]),
  );
}

/** The top-level box types, for layout assertions. */
export function topLevelTypes(file: Uint8Array): string[] {
  return readChildren(bytesSource(file), 0, file.length).map((b) => b.type);
}

/** The payload of the first top-level box of a type. */
export function topLevelPayload(file: Uint8Array, type: string): Uint8Array {
  const box = readChildren(bytesSource(file), 0, file.length).find((b) => b.type === type)!;
  return file.subarray(payloadStart(box), box.end);
}
