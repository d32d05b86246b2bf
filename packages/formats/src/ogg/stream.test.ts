import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildOgg, buildOggStream, buildOpusIdHeader, oggProbes } from '../testing/ogg-fixtures.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, buildPage, readPage, renumberPage } from './page.js';
import { walkOgg } from './stream.js';

const reseal = oggProbes.reseal!;
/** Pages with small audio pages, so packets span pages. */
const vorbis = buildOgg({ codec: 'vorbis', comments: [['TITLE', 't']], pageSize: 300 });

function split(file: Uint8Array): Uint8Array[] {
  return walkOgg(file).pages.map((p) => file.slice(p.start, p.end));
}

/** Joins pages, numbering them 0, 1, ... (CRCs recomputed). */
function join(pages: readonly Uint8Array[]): Uint8Array {
  const out = concatBytes(pages);
  let at = 0;
  pages.forEach((p, i) => {
    renumberPage(out, at, at + p.length, i);
    at += p.length;
  });
  return out;
}

function withFlags(page: Uint8Array, flags: number): Uint8Array {
  const out = page.slice();
  out[5] = flags;
  return reseal(out);
}

/** One page holding both pages' segments (flags of the first). */
function merge(a: Uint8Array, b: Uint8Array): Uint8Array {
  const pa = readPage(a, 0);
  const pb = readPage(b, 0);
  return buildPage({
    flags: pa.flags,
    granule: pb.granule,
    serial: pa.serial,
    sequence: pa.sequence,
    lacing: concatBytes([a.subarray(27, pa.bodyStart), b.subarray(27, pb.bodyStart)]),
    body: concatBytes([a.subarray(pa.bodyStart), b.subarray(pb.bodyStart)]),
  });
}

const code = (file: Uint8Array) => catchFormatError(() => walkOgg(file))?.code;

describe('walkOgg (RFC 3533, one logical Vorbis or Opus stream)', () => {
  it('lists the pages, the header packets and where the audio starts', () => {
    const s = walkOgg(vorbis);
    expect(s.codec).toBe('vorbis');
    expect(s.headers.map((h) => h[0])).toEqual([1, 3, 5]);
    expect(s.audioPage).toBe(2);
    expect(s.pages.length).toBeGreaterThan(6);
    expect(s.pages.map((p) => p.sequence)).toEqual(s.pages.map((_, i) => i));
    expect(s.pages.some((p) => p.flags & FLAG_CONTINUED)).toBe(true);
    expect(s.pages.at(-1)!.flags & FLAG_EOS).toBe(FLAG_EOS);
    expect(s.pages.at(-1)!.end).toBe(vorbis.length);
  });

  it('takes a file cut at a page boundary (no EOS page) as format.truncated', () => {
    const pages = split(vorbis);
    for (let n = 1; n < pages.length; n++)
      expect(code(concatBytes(pages.slice(0, n))), `${n} pages`).toBe('format.truncated');
    expect(code(new Uint8Array(0))).toBe('format.truncated');
  });

  it('refuses multiplexed and chained files as format.unsupported', () => {
    const other = split(buildOgg({ codec: 'opus', serial: 99 }));
    const pages = split(vorbis);
    const multiplexed = concatBytes([pages[0]!, other[0]!, ...pages.slice(1)]);
    expect(catchFormatError(() => walkOgg(multiplexed))?.message).toMatch(/multiplexed/);
    const chained = concatBytes([vorbis, ...other]);
    const err = catchFormatError(() => walkOgg(chained));
    expect(err?.code).toBe('format.unsupported');
    expect(err?.message).toMatch(/chained/);
  });

  it.each([
    ['Theora video', Uint8Array.of(0x80, ...asciiBytes('theora'), ...new Uint8Array(40)), /Theora/],
    ['FLAC-in-Ogg', Uint8Array.of(...asciiBytes('\x7fFLAC'), ...new Uint8Array(40)), /FLAC/],
  ])('refuses %s as format.unsupported', (_name, id, message) => {
    const file = buildOggStream([
      { data: id, granule: 0n },
      { data: new Uint8Array(10), granule: 0n },
    ]);
    const err = catchFormatError(() => walkOgg(file));
    expect(err?.code).toBe('format.unsupported');
    expect(err?.message).toMatch(message);
  });

  it.each([
    ['junk after the EOS page', () => concatBytes([vorbis, asciiBytes('junk')]), /data follows/],
    ['a cut page after the EOS page', () => concatBytes([vorbis, asciiBytes('OggS\0')]), /data follows/],
    [
      'a first page without BOS',
      () => join([withFlags(split(vorbis)[0]!, 0), ...split(vorbis).slice(1)]),
      /first page lacks/,
    ],
    [
      'BOS on a later page',
      () => {
        const p = split(vorbis);
        return join([p[0]!, withFlags(p[1]!, FLAG_BOS), ...p.slice(2)]);
      },
      /later page has the beginning/,
    ],
    [
      'a page of another serial',
      () => {
        const p = split(vorbis);
        const moved = p[3]!.slice();
        moved[14] = moved[14]! ^ 1;
        return join([...p.slice(0, 3), reseal(moved), ...p.slice(4)]);
      },
      /another logical stream/,
    ],
    [
      'a missing page (sequence gap)',
      () => {
        const p = split(vorbis);
        return concatBytes([...p.slice(0, 3), ...p.slice(4)]);
      },
      /skip/,
    ],
    [
      'a continued flag on a page that starts a packet',
      () => {
        const p = split(vorbis);
        return join([p[0]!, p[1]!, withFlags(p[2]!, FLAG_CONTINUED), ...p.slice(3)]);
      },
      /continues no packet/,
    ],
    [
      'a continued packet without the continued flag',
      () => {
        const p = split(vorbis);
        const i = p.findIndex((page) => page[5]! & FLAG_CONTINUED);
        return join([...p.slice(0, i), withFlags(p[i]!, p[i]![5]! & ~FLAG_CONTINUED), ...p.slice(i + 1)]);
      },
      /not continued/,
    ],
    [
      'an identification header sharing its page',
      () => {
        const p = split(vorbis);
        return join([merge(p[0]!, p[1]!), ...p.slice(2)]);
      },
      /not alone/,
    ],
    [
      'audio sharing the last header page',
      () => {
        const p = split(vorbis);
        return join([p[0]!, merge(p[1]!, p[2]!), ...p.slice(3)]);
      },
      /shares a page/,
    ],
    [
      'an EOS page that ends inside a packet',
      () => {
        const p = split(vorbis);
        const i = p.findIndex((page) => page[5]! & FLAG_CONTINUED) - 1;
        return join([...p.slice(0, i), withFlags(p[i]!, FLAG_EOS)]);
      },
      /ends inside a packet/,
    ],
    [
      'an EOS page before the headers end',
      () => withFlags(split(vorbis)[0]!, FLAG_BOS | FLAG_EOS),
      /before its header packets/,
    ],
    [
      'an identification header split over two pages',
      () =>
        buildOggStream(
          [
            { data: buildOpusIdHeader(255), granule: 0n },
            { data: new Uint8Array(1), granule: 0n },
          ],
          { pageSize: 10 },
        ),
      /one complete identification header/,
    ],
  ])('rejects %s as format.corrupt', (_name, build, message) => {
    const err = catchFormatError(() => walkOgg(build()));
    expect(err?.code).toBe('format.corrupt');
    expect(err?.message).toMatch(message);
  });
});
