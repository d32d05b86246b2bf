import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { encodeBox } from '../isobmff/boxes.js';
import {
  type HeifItem,
  type HeifOptions,
  XMP_MIME,
  buildHeif,
  heicIprp,
  opaqueCoded,
} from '../testing/heif-builder.js';
import { catchFormatError } from '../testing/mutations.js';
import { isHeif } from './brands.js';
import { findXmp } from './carrier.js';
import { encodeUint } from './bytes.js';
import { walkHeif } from './layout.js';

const image: HeifItem = { id: 1, type: 'hvc1', data: opaqueCoded(1, 40) };
const xmp: HeifItem = { id: 2, type: 'mime', contentType: XMP_MIME, data: asciiBytes('<x/>') };
function heic(extra: Partial<HeifOptions> = {}): Uint8Array {
  return buildHeif({
    major: 'heic',
    compatible: ['mif1'],
    primary: 1,
    iprp: heicIprp([1]),
    items: [image, xmp],
    iloc: { version: 1, offsetSize: 4, lengthSize: 4, baseOffsetSize: 0 },
    ...extra,
  });
}

function ftyp(brand: string): Uint8Array {
  return encodeBox('ftyp', concatBytes([asciiBytes(brand), new Uint8Array(4), asciiBytes('mif1')]));
}

/** A copy of `file` with `bytes` written at `at`. */
function poke(file: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = file.slice();
  out.set(bytes, at);
  return out;
}

const code = (file: Uint8Array) => catchFormatError(() => walkHeif(file))?.code;

describe('sniff', () => {
  it.each([
    ['heic', true],
    ['heix', true],
    ['mif1', true],
    ['mif2', true],
    ['avif', true],
    ['avis', true],
    ['msf1', true],
    ['hevc', true],
    ['isom', false],
    ['mp42', false],
    ['qt  ', false],
    ['M4A ', false],
  ])('major brand %s -> %s', (brand, expected) => {
    expect(isHeif(ftyp(brand))).toBe(expected);
  });
  it('needs ftyp first with a plausible size', () => {
    expect(isHeif(concatBytes([encodeBox('free', new Uint8Array(0)), ftyp('heic')]))).toBe(false);
    expect(isHeif(poke(ftyp('heic'), 0, encodeUint(8, 4)))).toBe(false);
    expect(isHeif(ftyp('heic').subarray(0, 11))).toBe(false);
  });
});

describe('walkHeif', () => {
  const file = heic();
  const layout = walkHeif(file);
  const meta = layout.meta!;
  const iloc = meta.iloc!;
  const entry = iloc.entries[0]!;

  it('reads the items, their locations and the primary item', () => {
    expect(meta.primaryId).toBe(1);
    expect(meta.iinf!.items.map((i) => [i.itemId, i.itemType, i.contentType])).toEqual([
      [1, 'hvc1', ''],
      [2, 'mime', XMP_MIME],
    ]);
    expect(iloc.entries.map((e) => e.itemId)).toEqual([1, 2]);
  });

  it.each<[string, () => Uint8Array, string]>([
    ['a non-HEIF major brand', () => poke(file, 8, asciiBytes('isom')), 'format.unsupported'],
    ['a cut inside ftyp', () => file.slice(0, 12), 'format.truncated'],
    [
      'no meta box',
      () => concatBytes([ftyp('heic'), encodeBox('mdat', new Uint8Array(4))]),
      'format.corrupt',
    ],
    [
      'two meta boxes',
      () => concatBytes([file, file.subarray(meta.box.start, meta.box.end)]),
      'format.corrupt',
    ],
    [
      'a meta handler other than pict',
      () => poke(file, meta.children.find((b) => b.type === 'hdlr')!.start + 16, asciiBytes('vide')),
      'format.unsupported',
    ],
    ['iloc version 3', () => poke(file, iloc.box.start + 8, Uint8Array.of(3)), 'format.unsupported'],
    ['iloc offset_size 2', () => poke(file, iloc.box.start + 12, Uint8Array.of(0x24)), 'format.corrupt'],
    [
      'an iloc item listed twice',
      () => poke(file, iloc.entries[1]!.start, encodeUint(1, 2)),
      'format.corrupt',
    ],
    ['iloc item_count too high', () => poke(file, iloc.countAt, encodeUint(3, 2)), 'format.corrupt'],
    ['construction_method 3', () => poke(file, entry.start + 2, encodeUint(3, 2)), 'format.corrupt'],
    [
      'an extent past the end of the file',
      () => poke(file, entry.extents[0]!.offsetAt, encodeUint(file.length, 4)),
      'format.truncated',
    ],
    ['idat construction without idat', () => poke(file, entry.start + 2, encodeUint(1, 2)), 'format.corrupt'],
    ['iinf entry_count off by one', () => poke(file, meta.iinf!.countAt, encodeUint(3, 2)), 'format.corrupt'],
    [
      'an infe box renamed',
      () => poke(file, meta.iinf!.items[0]!.box.start + 4, asciiBytes('free')),
      'format.corrupt',
    ],
    [
      'infe version 4',
      () => poke(file, meta.iinf!.items[0]!.box.start + 8, Uint8Array.of(4)),
      'format.unsupported',
    ],
    [
      'two infe with one item_ID',
      () => poke(file, meta.iinf!.items[1]!.box.start + 12, encodeUint(1, 2)),
      'format.corrupt',
    ],
    [
      'a box larger than its parent',
      () => poke(file, meta.children[0]!.start, encodeUint(0x7fff, 4)),
      'format.truncated',
    ],
  ])('rejects %s', (_, build, expected) => {
    expect(code(build())).toBe(expected);
  });

  it('rejects an XMP item without an iloc entry (corrupt) on read', () => {
    const noLoc = poke(file, iloc.entries[1]!.start, encodeUint(9, 2));
    expect(code(noLoc)).toBeUndefined();
    expect(catchFormatError(() => findXmp(noLoc, walkHeif(noLoc)))?.code).toBe('format.corrupt');
  });

  it('reads sequence chunk offsets and rejects one past the end', () => {
    const seq = heic({ major: 'msf1', samples: [opaqueCoded(2, 10), opaqueCoded(3, 12)] });
    const chunks = walkHeif(seq).chunkOffsets;
    expect(chunks.map((c) => seq.subarray(c.value, c.value + 10))).toEqual([
      opaqueCoded(2, 10),
      opaqueCoded(3, 12).subarray(0, 10),
    ]);
    expect(code(poke(seq, chunks[1]!.at, encodeUint(seq.length + 1, 4)))).toBe('format.truncated');
    expect(code(poke(seq, chunks[0]!.at - 4, encodeUint(3, 4)))).toBe('format.corrupt');
  });

  it('accepts a sequence brand without meta, but not a still brand', () => {
    const seq = heic({ major: 'msf1', samples: [opaqueCoded(2, 10)] });
    const noMeta = poke(seq, walkHeif(seq).meta!.box.start + 4, asciiBytes('free'));
    expect(walkHeif(noMeta).meta).toBeUndefined();
    expect(code(poke(noMeta, 8, asciiBytes('heic')))).toBe('format.corrupt');
  });
});
