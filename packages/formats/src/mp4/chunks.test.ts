import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { type ByteSource, applySplices } from '../source.js';
import { buildMp4, leaf, listBoxes } from '../testing/mp4-fixtures.js';
import { planMp4Aigc, readMp4Aigc, writeMp4AigcBytes } from './aigc.js';

interface Table {
  readonly type: string;
  readonly entries: number[];
}

/** Every track's chunk offset table, read with the fixtures' own box lister. */
function tables(file: Uint8Array, moovAt = 0): Table[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const moov = listBoxes(file, moovAt, file.length).find((b) => b.type === 'moov')!;
  const find = (start: number, end: number, type: string) =>
    listBoxes(file, start, end).find((b) => b.type === type)!;
  return listBoxes(file, moov.body, moov.end)
    .filter((b) => b.type === 'trak')
    .map((trak) => {
      const mdia = find(trak.body, trak.end, 'mdia');
      const minf = find(mdia.body, mdia.end, 'minf');
      const stbl = find(minf.body, minf.end, 'stbl');
      const t = listBoxes(file, stbl.body, stbl.end).find((b) => b.type === 'stco' || b.type === 'co64')!;
      const n = dv.getUint32(t.body + 4);
      const entries = Array.from({ length: n }, (_, i) =>
        t.type === 'co64'
          ? dv.getUint32(t.body + 8 + 8 * i) * 2 ** 32 + dv.getUint32(t.body + 12 + 8 * i)
          : dv.getUint32(t.body + 8 + 4 * i),
      );
      return { type: t.type, entries };
    });
}

function setEntry(file: Uint8Array, track: number, entry: number, value: number): void {
  // Find the track's stco through the same lister, then write the entry.
  const moov = listBoxes(file, 0, file.length).find((b) => b.type === 'moov')!;
  let box = listBoxes(file, moov.body, moov.end).filter((b) => b.type === 'trak')[track]!;
  for (const type of ['mdia', 'minf', 'stbl', 'stco']) {
    box = listBoxes(file, box.body, box.end).find((b) => b.type === type)!;
  }
  new DataView(file.buffer, file.byteOffset).setUint32(box.body + 8 + 4 * entry, value);
}

describe('MP4 chunk offset patching', () => {
  it('moves every entry after the moov by exactly the moov growth, and no entry before it', () => {
    const file = buildMp4({ moovFirst: true, afterFtyp: [leaf('free', new Uint8Array(16))] }).slice();
    const free = listBoxes(file, 0, file.length).find((b) => b.type === 'free')!;
    setEntry(file, 1, 0, free.body); // a chunk before the moov
    const before = tables(file);
    const out = writeMp4AigcBytes(file, 'value');
    const d = out.length - file.length;
    expect(d).toBeGreaterThan(0);
    const after = tables(out);
    expect(after.map((t) => t.type)).toEqual(['stco', 'stco']);
    expect(after[1]!.entries[0]).toBe(free.body);
    const moved = (t: Table) => t.entries.map((o) => (o === free.body ? o : o + d));
    expect(after.map((t) => t.entries)).toEqual(before.map(moved));
    // Removal moves them back.
    expect(writeMp4AigcBytes(out, undefined)).toEqual(file);
  });

  it('leaves offsets alone when the moov comes last', () => {
    const file = buildMp4();
    expect(tables(writeMp4AigcBytes(file, 'value'))).toEqual(tables(file));
  });

  it('turns an stco whose entries would pass 2^32 - 1 into a co64, in a 4 GiB file never read whole', () => {
    // moov, then a 64-bit mdat that runs to 4 GiB + 1 MiB: only the moov and 16 header bytes exist.
    const moov = buildMp4({ brand: null, moovFirst: true, tracks: [[10, 10, 10], [5]] }).slice();
    const moovBox = listBoxes(moov, 0, moov.length).find((b) => b.type === 'moov')!;
    const moovBytes = moov.slice(0, moovBox.end);
    const size = 2 ** 32 + 2 ** 20;
    const first = moovBox.end + 16;
    setEntry(moovBytes, 0, 0, first);
    setEntry(moovBytes, 0, 1, 0xffff_fff0 - 100);
    setEntry(moovBytes, 0, 2, 0xffff_fff8);
    setEntry(moovBytes, 1, 0, first + 30);
    const mdatHeader = new Uint8Array(16);
    const dv = new DataView(mdatHeader.buffer);
    dv.setUint32(0, 1);
    mdatHeader.set([0x6d, 0x64, 0x61, 0x74], 4);
    dv.setUint32(8, 1);
    dv.setUint32(12, size - moovBox.end - 2 ** 32);
    const head = concatBytes([moovBytes, mdatHeader]);
    const reads: [number, number][] = [];
    const src: ByteSource = {
      size,
      read(offset, length) {
        reads.push([offset, length]);
        if (offset + length > head.length) throw new Error(`read inside mdat at ${String(offset)}`);
        return head.subarray(offset, offset + length);
      },
    };
    expect(readMp4Aigc(src)).toBeUndefined();
    const plan = planMp4Aigc(src, 'value');
    for (const s of plan) expect(s.offset + s.length).toBeLessThanOrEqual(moovBox.end);
    const newMoov = applySplices(moovBytes, plan);
    const d = newMoov.length - moovBytes.length;
    const [video, audio] = tables(newMoov);
    expect(video).toEqual({ type: 'co64', entries: [first + d, 0xffff_fff0 - 100 + d, 0xffff_fff8 + d] });
    expect(audio).toEqual({ type: 'stco', entries: [first + 30 + d] });
    // The growth is the new meta plus 4 more bytes for each of the three widened entries.
    expect(d).toBe(writeMp4AigcBytes(moov, 'value').length - moov.length + 3 * 4);
    expect(Math.max(...reads.map(([o, l]) => o + l))).toBeLessThanOrEqual(head.length);
  });
});
