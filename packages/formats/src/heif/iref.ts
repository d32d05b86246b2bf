/**
 * The Item Reference box `iref`, ISO/IEC 14496-12:2022 §8.11.12: typed references between
 * items. Version 0 uses 16-bit item IDs, version 1 32-bit ones. Metadata items point at the
 * image they describe with a `cdsc` reference (ISO/IEC 23008-12 §6.4.5), which is how libheif
 * and ExifTool attach XMP to the primary image.
 */
import { formatError } from '../errors.js';
import { type BoxHeader, encodeBox, payloadStart, readNestedChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { encodeUint } from './bytes.js';
import { Cursor } from './cursor.js';
import { MAX_ITEMS } from './iloc.js';

export interface ItemReference {
  readonly box: BoxHeader;
  readonly fromId: number;
  /** File offset of reference_count (16-bit). */
  readonly countAt: number;
  /** to_item_IDs with the file offset of each. */
  readonly to: readonly { readonly id: number; readonly at: number }[];
}

export interface Iref {
  readonly box: BoxHeader;
  readonly idSize: 2 | 4;
  readonly refs: readonly ItemReference[];
}

export function parseIref(file: Uint8Array, box: BoxHeader): Iref {
  const c = new Cursor(file, payloadStart(box), box.end, 'iref');
  const version = c.fullBoxVersion();
  if (version > 1) {
    throw formatError('format.unsupported', `iref version ${String(version)} is not defined (0..1).`, {
      offset: box.start,
    });
  }
  const idSize = version === 0 ? 2 : 4;
  let total = 0;
  const refs = readNestedChildren(bytesSource(file), c.at, box.end, MAX_ITEMS).map((b): ItemReference => {
    const r = new Cursor(file, payloadStart(b), b.end, 'iref');
    const fromId = r.uint(idSize);
    const countAt = r.at;
    const count = r.uint(2);
    total += count;
    if (total > MAX_ITEMS) {
      throw formatError('format.corrupt', `iref holds more than ${String(MAX_ITEMS)} references.`);
    }
    const to: { id: number; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      const at = r.at;
      to.push({ id: r.uint(idSize), at });
    }
    if (r.remaining !== 0) {
      throw formatError('format.corrupt', 'An iref reference box has bytes after its item IDs.', {
        offset: b.start,
      });
    }
    return { box: b, fromId, countAt, to };
  });
  return { box, idSize, refs };
}

/** One `type` reference from `fromId` to `toId`, with `idSize`-byte IDs. */
export function encodeReference(type: string, fromId: number, toId: number, idSize: 2 | 4): Uint8Array {
  const payload = new Uint8Array(2 * idSize + 2);
  payload.set(encodeUint(fromId, idSize), 0);
  payload.set(encodeUint(1, 2), idSize);
  payload.set(encodeUint(toId, idSize), idSize + 2);
  return encodeBox(type, payload);
}

/** A whole `iref` box holding `refs` (already encoded with 16-bit IDs for version 0). */
export function encodeIref(idSize: 2 | 4, refs: Uint8Array): Uint8Array {
  const payload = new Uint8Array(4 + refs.length);
  payload[0] = idSize === 2 ? 0 : 1;
  payload.set(refs, 4);
  return encodeBox('iref', payload);
}
