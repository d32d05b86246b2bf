import { bytesEqual } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCommentHeader,
  buildOgg,
  buildOggStream,
  buildOpusIdHeader,
  oggProbes,
} from '../testing/ogg-fixtures.js';
import { FLAG_CONTINUED, FLAG_EOS, type OggPage, readPage } from './page.js';
import { paginate, replaceHeaderPackets } from './paginate.js';
import { walkOgg } from './stream.js';

/** Every page, read without the stream rules (the packets here are not real headers). */
function pagesOf(file: Uint8Array): OggPage[] {
  const pages: OggPage[] = [];
  for (let at = 0; at < file.length; at = pages.at(-1)!.end) pages.push(readPage(file, at));
  return pages;
}

const bytes = (n: number) => new Uint8Array(n).fill(0x61);
const shape = (packets: Uint8Array[]) =>
  paginate(packets).map((p) => ({
    lacing: [...p.lacing],
    body: p.body.length,
    continued: p.continued,
    granule: p.granule,
  }));

describe('canonical header pagination (libogg ogg_stream_flush, FFmpeg oggenc)', () => {
  it('laces packets in order on one page while they fit (RFC 3533 §5)', () => {
    expect(shape([bytes(10), bytes(255), bytes(0), bytes(300)])).toEqual([
      { lacing: [10, 255, 0, 0, 255, 45], body: 565, continued: false, granule: 0n },
    ]);
  });

  it('fills pages to 255 segments; granule -1 where no packet ends; continued flag', () => {
    // 255 x 255 bytes: the terminating 0 lacing value goes to the second page.
    expect(shape([bytes(255 * 255), bytes(20)])).toEqual([
      { lacing: new Array<number>(255).fill(255), body: 65025, continued: false, granule: -1n },
      { lacing: [0, 20], body: 20, continued: true, granule: 0n },
    ]);
    // A packet ending on the 255th segment: the next page starts a packet.
    expect(shape([bytes(254 * 255 + 10), bytes(300)])).toEqual([
      {
        lacing: [...new Array<number>(254).fill(255), 10],
        body: 254 * 255 + 10,
        continued: false,
        granule: 0n,
      },
      { lacing: [255, 45], body: 300, continued: false, granule: 0n },
    ]);
  });

  it('pages header packets exactly as an independent libogg-style packer does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 140_000 }), { minLength: 1, maxLength: 3 }), (sizes) => {
        const packets = sizes.map(bytes);
        const file = buildOggStream([
          { data: buildOpusIdHeader(), granule: 0n },
          ...packets.map((data, i) => ({ data, granule: 0n, header: true, flush: i === packets.length - 1 })),
          { data: bytes(5), granule: 960n },
        ]);
        const pages = pagesOf(file).slice(1, -1);
        const expected = paginate(packets);
        expect(pages.length).toBe(expected.length);
        pages.forEach((p, i) => {
          expect(file.subarray(p.lacingStart, p.bodyStart)).toEqual(expected[i]!.lacing);
          expect(p.granule).toBe(expected[i]!.granule);
          expect((p.flags & FLAG_CONTINUED) !== 0).toBe(expected[i]!.continued);
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('replaceHeaderPackets', () => {
  const comments: [string, string][] = [['TITLE', 't']];
  const file = buildOgg({ codec: 'vorbis', comments, setupSize: 64_000, firstSequence: 0xfffffffd });
  const stream = walkOgg(file);
  const audio = (f: Uint8Array) => oggProbes.decode!(f);

  it('renumbers the audio pages (mod 2^32) when the header pages grow, and keeps their bytes', async () => {
    // 64 kB setup + this comment cross the 255-segment boundary: one more header page.
    const big = buildCommentHeader('vorbis', 'v', [['TITLE', 'x'.repeat(2000)]]);
    const out = replaceHeaderPackets(file, stream, [big, stream.headers[2]!]);
    const s = walkOgg(out);
    expect(s.audioPage).toBe(stream.audioPage + 1);
    expect(s.pages.map((p) => p.sequence)).toEqual(s.pages.map((_, i) => (0xfffffffd + i) % 2 ** 32));
    expect(await audio(out)).toEqual(await audio(file));
    const back = replaceHeaderPackets(out, s, stream.headers.slice(1));
    expect(bytesEqual(back, file)).toBe(true);
  });

  it('keeps EOS on the last header page of a stream without audio', () => {
    const bare = buildOgg({ codec: 'opus', audio: [] });
    const big = buildCommentHeader('opus', 'v', [['TITLE', 'y'.repeat(70_000)]]);
    const out = replaceHeaderPackets(bare, walkOgg(bare), [big]);
    const pages = walkOgg(out).pages;
    expect(pages.map((p) => p.flags & FLAG_EOS)).toEqual([0, 0, FLAG_EOS]);
  });
});
