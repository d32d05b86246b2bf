/**
 * Absolute file offsets outside `meta` that a write must keep pointing at the same bytes:
 * the chunk offsets of image-sequence tracks (`stco` / `co64`, ISO/IEC 14496-12:2022 §8.7.5,
 * under moov/trak/mdia/minf/stbl), as `avis` / `msf1` files written by ffmpeg carry next to
 * their `meta`. Only that fixed path is walked, so nesting is bounded.
 */
import { formatError } from '../errors.js';
import { type BoxHeader, payloadStart, readNestedChildren } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { readUint } from './bytes.js';
import { Cursor } from './cursor.js';

/** Cap on chunk offsets in one file (each becomes an object). */
export const MAX_CHUNK_OFFSETS = 1_000_000;
const MAX_CHILDREN = 10_000;

export interface ChunkOffset {
  /** File offset of the field. */
  readonly at: number;
  readonly size: 4 | 8;
  readonly value: number;
}

export interface MoovLayout {
  /** Every box on the walked paths (for size fields), moov first. */
  readonly boxes: readonly BoxHeader[];
  readonly chunkOffsets: readonly ChunkOffset[];
  /** moov/udta/XMP_ boxes (QuickTime-style XMP), with their ancestors. */
  readonly xmp: readonly { readonly box: BoxHeader; readonly ancestors: readonly BoxHeader[] }[];
  /** A track holds `saio` (§8.7.9): absolute offsets of auxiliary data this module does not move. */
  readonly auxiliaryOffsets: boolean;
}

function children(file: Uint8Array, box: BoxHeader): BoxHeader[] {
  return readNestedChildren(bytesSource(file), payloadStart(box), box.end, MAX_CHILDREN);
}

function readOffsets(file: Uint8Array, box: BoxHeader, out: ChunkOffset[]): void {
  const c = new Cursor(file, payloadStart(box), box.end, box.type);
  c.fullBoxVersion();
  const count = c.uint(4);
  const size = box.type === 'co64' ? 8 : 4;
  if (count * size !== c.remaining) {
    throw formatError('format.corrupt', `${box.type} entry_count does not match its size.`, {
      offset: box.start,
    });
  }
  if (out.length + count > MAX_CHUNK_OFFSETS) {
    throw formatError('format.corrupt', `More than ${String(MAX_CHUNK_OFFSETS)} chunk offsets.`);
  }
  for (let i = 0; i < count; i++) {
    const at = c.at + i * size;
    const value = readUint(file, at, size);
    if (value > file.length) {
      throw formatError(
        value === Infinity ? 'format.corrupt' : 'format.truncated',
        'A track chunk offset points past the end of the file.',
        { offset: at },
      );
    }
    out.push({ at, size, value });
  }
}

export function parseMoov(file: Uint8Array, moov: BoxHeader): MoovLayout {
  const boxes: BoxHeader[] = [moov];
  const chunkOffsets: ChunkOffset[] = [];
  const xmp: { box: BoxHeader; ancestors: BoxHeader[] }[] = [];
  let auxiliaryOffsets = false;
  for (const child of children(file, moov)) {
    if (child.type === 'udta') {
      boxes.push(child);
      for (const u of children(file, child)) {
        if (u.type === 'XMP_') {
          boxes.push(u);
          xmp.push({ box: u, ancestors: [moov, child] });
        }
      }
    }
    if (child.type !== 'trak') continue;
    boxes.push(child);
    for (const mdia of children(file, child).filter((b) => b.type === 'mdia')) {
      boxes.push(mdia);
      for (const minf of children(file, mdia).filter((b) => b.type === 'minf')) {
        boxes.push(minf);
        for (const stbl of children(file, minf).filter((b) => b.type === 'stbl')) {
          boxes.push(stbl);
          for (const table of children(file, stbl)) {
            if (table.type === 'saio') auxiliaryOffsets = true;
            if (table.type === 'stco' || table.type === 'co64') {
              boxes.push(table);
              readOffsets(file, table, chunkOffsets);
            }
          }
        }
      }
    }
  }
  return { boxes, chunkOffsets, xmp, auxiliaryOffsets };
}
