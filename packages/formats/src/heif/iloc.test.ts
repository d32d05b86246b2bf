import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { encodeBox, readBoxHeader } from '../isobmff/boxes.js';
import { bytesSource } from '../source.js';
import { catchFormatError } from '../testing/mutations.js';
import type { UintSize } from './bytes.js';
import { encodeIlocEntry, parseIloc } from './iloc.js';

/** An iloc box with no entries, then the parsed box with `entries` appended (count fixed). */
function iloc(version: number, sizes: [UintSize, UintSize, UintSize, UintSize], entries: Uint8Array[] = []) {
  const [o, l, b, i] = sizes;
  const countSize = version < 2 ? 2 : 4;
  const count = new Uint8Array(countSize);
  count[countSize - 1] = entries.length;
  const payload = concatBytes([
    Uint8Array.of(version, 0, 0, 0, (o << 4) | l, (b << 4) | i),
    count,
    ...entries,
  ]);
  const file = encodeBox('iloc', payload);
  return { file, box: parseIloc(file, readBoxHeader(bytesSource(file), 0, file.length)) };
}

describe('iloc entries', () => {
  it.each<[number, [UintSize, UintSize, UintSize, UintSize], 0 | 1]>([
    [0, [4, 4, 0, 0], 0],
    [0, [0, 4, 4, 0], 0],
    [1, [4, 4, 4, 4], 1],
    [1, [8, 8, 0, 0], 0],
    [2, [8, 4, 8, 4], 1],
  ])('version %i, sizes %j: an encoded entry parses back (method %i)', (version, sizes, method) => {
    const empty = iloc(version, sizes).box;
    const entry = encodeIlocEntry(empty, 0x1234, method, 0x10203, 77);
    const parsed = iloc(version, sizes, [entry]).box.entries[0]!;
    expect(parsed.itemId).toBe(0x1234);
    expect(parsed.constructionMethod).toBe(method);
    expect(parsed.baseOffset + parsed.extents[0]!.offset).toBe(0x10203);
    expect(parsed.extents[0]!.length).toBe(77);
  });

  it('encodes an empty packet as an entry without extents', () => {
    const empty = iloc(1, [4, 4, 0, 0]).box;
    expect(iloc(1, [4, 4, 0, 0], [encodeIlocEntry(empty, 5, 0, 999, 0)]).box.entries[0]!.extents).toEqual([]);
  });

  it('refuses values that do not fit the fields (format.metadata_too_large)', () => {
    const small = iloc(0, [4, 4, 0, 0]).box;
    expect(catchFormatError(() => encodeIlocEntry(small, 0x10000, 0, 0, 1))?.code).toBe(
      'format.metadata_too_large',
    );
    expect(catchFormatError(() => encodeIlocEntry(small, 1, 0, 2 ** 32, 1))?.code).toBe(
      'format.metadata_too_large',
    );
    const noOffsets = iloc(0, [0, 4, 0, 0]).box;
    expect(catchFormatError(() => encodeIlocEntry(noOffsets, 1, 0, 10, 1))?.code).toBe(
      'format.metadata_too_large',
    );
  });

  it('reads 64-bit fields up to 2^53 and refuses larger ones', () => {
    const big = concatBytes([
      Uint8Array.of(0, 1, 0, 0, 0, 0), // item 1, dri 0 (version 0)
      Uint8Array.of(0, 1),
      Uint8Array.of(0, 0x20, 0, 0, 0, 0, 0, 0), // offset 2^53
      Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1),
    ]);
    expect(catchFormatError(() => iloc(0, [8, 8, 0, 0], [big]))?.code).toBe('format.corrupt');
  });
});
