import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../../testing/mutations.js';
import { readZip } from './archive.js';
import { entryData } from './inflate.js';
import { putU16, putU32 } from './le.js';
import { type EntrySpec, type ZipPiece, assembleZip, buildZip, encodeEntry } from './write.js';

const enc = new TextEncoder();

function spec(name: string, text: string, more: Partial<EntrySpec> = {}): EntrySpec {
  return { name, data: enc.encode(text), method: 8, time: 0, date: 0x21, ...more };
}

const specs = [
  spec('[Content_Types].xml', '<Types/>'.repeat(20)),
  spec('a.xml', 'hello'.repeat(50), { method: 0 }),
];

describe('readZip', () => {
  it.each([
    ['plain', {}],
    ['signed data descriptors', { dataDescriptor: 'signed' as const }],
    ['unsigned data descriptors', { dataDescriptor: 'unsigned' as const }],
    ['ZIP64 extras', { zip64: true }],
    ['ZIP64 extras and descriptors', { zip64: true, dataDescriptor: 'signed' as const }],
  ])('reads what buildZip writes (%s)', (_, more) => {
    const file = buildZip(
      specs.map((s) => ({ ...s, ...more })),
      { comment: enc.encode('PK\x05\x06 a comment that looks like a record'), forceZip64: 'zip64' in more },
    );
    const archive = readZip(file);
    expect(archive.entries.map((e) => e.central.name)).toEqual(['[Content_Types].xml', 'a.xml']);
    expect(archive.zip64 !== undefined).toBe('zip64' in more);
    expect(new TextDecoder().decode(entryData(archive.entries[1]!, 1 << 20))).toBe('hello'.repeat(50));
    expect(entryData(archive.entries[0]!, 1 << 20).length).toBe(160);
  });

  it('writes a ZIP64 end record when it is forced, and keeps its shape when rewritten', () => {
    const file = buildZip(specs, { comment: new Uint8Array(0), forceZip64: true });
    expect(readZip(file).zip64).toBeDefined();
  });

  function corrupt(
    name: string,
    edit: (file: Uint8Array) => Uint8Array,
    code = 'format.corrupt',
  ): [string, () => void] {
    return [
      name,
      () => {
        expect(catchFormatError(() => readZip(edit(buildZip(specs))))?.code).toBe(code);
      },
    ];
  }

  const localOf =
    (i: number): ((f: Uint8Array) => number) =>
    (f) => {
      let at = 0;
      for (let k = 0; k < i; k++) {
        const n = f[at + 26]! | (f[at + 27]! << 8);
        const m = f[at + 28]! | (f[at + 29]! << 8);
        const c = f[at + 18]! | (f[at + 19]! << 8) | (f[at + 20]! << 16);
        at += 30 + n + m + c;
      }
      return at;
    };
  const cdOf = (f: Uint8Array): number =>
    f[f.length - 6]! | (f[f.length - 5]! << 8) | (f[f.length - 4]! << 16);

  it.each([
    corrupt('junk after the end record', (f) => Uint8Array.from([...f, 0]), 'format.truncated'),
    corrupt('no end record', (f) => f.subarray(0, f.length - 22), 'format.truncated'),
    corrupt('a multi-disk archive', (f) => {
      const g = f.slice();
      putU16(g, g.length - 22 + 4, 1);
      return g;
    }),
    corrupt('a central directory that does not end at the end record', (f) => {
      const g = f.slice();
      putU32(g, g.length - 22 + 12, cdOf(f) + 1);
      return g;
    }),
    corrupt('a wrong entry count', (f) => {
      const g = f.slice();
      putU16(g, g.length - 22 + 8, 1);
      putU16(g, g.length - 22 + 10, 1);
      return g;
    }),
    corrupt('an encrypted entry', (f) => {
      const g = f.slice();
      g[cdOf(f) + 8]! |= 1;
      return g;
    }),
    corrupt('a compression method OPC does not allow', (f) => {
      const g = f.slice();
      putU16(g, cdOf(f) + 10, 14);
      return g;
    }),
    corrupt('an impossible compression ratio (zip bomb)', (f) => {
      const g = f.slice();
      putU32(g, cdOf(f) + 24, 0x7fffffff);
      return g;
    }),
    corrupt('a local name that differs from the central one', (f) => {
      const g = f.slice();
      g[localOf(0)(f) + 30] = 0x41;
      return g;
    }),
    corrupt('a local CRC that differs from the central one', (f) => {
      const g = f.slice();
      g[localOf(1)(f) + 14]! ^= 1;
      return g;
    }),
  ])('rejects %s', (_, run) => {
    run();
  });

  it('rejects bytes hidden between entries', () => {
    const pieces = specs.map((s) => encodeEntry(s));
    const padded: ZipPiece = { ...pieces[0]!, local: Uint8Array.from([...pieces[0]!.local, 1, 2, 3]) };
    const file = assembleZip([padded, pieces[1]!], [padded, pieces[1]!], { comment: new Uint8Array(0) });
    expect(catchFormatError(() => readZip(file))?.code).toBe('format.corrupt');
  });

  it('rejects two entries with the same name (case-insensitive)', () => {
    const file = buildZip([...specs, spec('A.XML', 'x')]);
    expect(catchFormatError(() => readZip(file))?.code).toBe('format.corrupt');
  });

  it('checks size and CRC of inflated parts, and caps their size', () => {
    const file = buildZip(specs);
    const archive = readZip(file);
    expect(catchFormatError(() => entryData(archive.entries[0]!, 10))?.code).toBe(
      'format.metadata_too_large',
    );
    const g = file.slice();
    const e = archive.entries[0]!;
    g[e.local.dataStart + 2]! ^= 0x10;
    expect(catchFormatError(() => entryData(readZip(g).entries[0]!, 1 << 20))?.code).toBe('format.corrupt');
  });
});
