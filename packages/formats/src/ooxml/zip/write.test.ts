import { bytesEqual } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { readZip } from './archive.js';
import { entryData } from './inflate.js';
import { assembleZip, buildZip, encodeEntry, endOf, pieceOf } from './write.js';

const enc = new TextEncoder();

describe('ZIP writer', () => {
  it('is deterministic and round-trips names, data, comments and attributes', () => {
    const spec = {
      name: '文档/名.xml',
      data: enc.encode('<x/>'.repeat(100)),
      method: 8 as const,
      time: 0x1234,
      date: 0x5678,
      comment: enc.encode('c'),
      externalAttributes: 0x81a40000,
    };
    const a = buildZip([spec], { comment: enc.encode('archive') });
    expect(bytesEqual(a, buildZip([spec], { comment: enc.encode('archive') }))).toBe(true);
    const e = readZip(a).entries[0]!;
    expect(e.central.name).toBe('文档/名.xml');
    expect(new TextDecoder().decode(entryData(e, 1 << 20))).toBe('<x/>'.repeat(100));
  });

  it('copies entries verbatim: reassembling an archive from its pieces gives the same bytes', () => {
    for (const zip64 of [false, true]) {
      const file = buildZip(
        ['a', 'b', 'c'].map((name) => ({
          name,
          data: enc.encode(name),
          method: 0 as const,
          time: 0,
          date: 0x21,
          zip64,
        })),
        { comment: enc.encode('z'), forceZip64: zip64 },
      );
      const archive = readZip(file);
      const pieces = archive.entries.map(pieceOf);
      expect(bytesEqual(assembleZip(pieces, pieces, endOf(file, archive)), file)).toBe(true);
    }
  });

  it('writes a ZIP64 end record when the entry count needs one', () => {
    const pieces = Array.from({ length: 0xffff }, (_, i) =>
      encodeEntry({ name: `p/${String(i)}`, data: new Uint8Array(0), method: 0, time: 0, date: 0x21 }),
    );
    const file = assembleZip(pieces, pieces, { comment: new Uint8Array(0) });
    const archive = readZip(file);
    expect(archive.zip64).toBeDefined();
    expect(archive.entries.length).toBe(0xffff);
  });
});
