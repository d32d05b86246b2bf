/**
 * Puts new header packets into an Ogg stream: the pages after the identification page that
 * hold the comment header (and the Vorbis setup header) are replaced, and the audio pages that
 * follow are kept byte for byte but for their page sequence numbers (RFC 3533 §6), which shift
 * when the number of header pages changes, and so their CRCs.
 *
 * The header pages are laid out canonically, as libogg's `ogg_stream_flush` and FFmpeg's Ogg
 * muxer (libavformat/oggenc.c) write them: the packets' lacing values in order, 255 to a page,
 * a new page only when one is full, the last one flushed (Vorbis I §A.2 and RFC 7845 §3 want
 * the audio on a fresh page). A page on which a header packet ends has granule position 0
 * (header packets have granule 0); one on which none ends has -1 (RFC 3533 §6). So labeling
 * and unlabeling a file from those encoders gives back its exact bytes.
 */
import { concatBytes } from '@synthguard/core';
import { FLAG_CONTINUED, FLAG_EOS, MAX_SEGMENTS, NO_GRANULE, buildPage, renumberPage } from './page.js';
import type { OggStream } from './stream.js';

export interface PageContent {
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
  /** The page's first segment continues a packet begun on the page before. */
  readonly continued: boolean;
  readonly granule: bigint;
}

/** The canonical pages (contents) of `packets`, laid out as described above. */
export function paginate(packets: readonly Uint8Array[]): PageContent[] {
  let count = 0;
  for (const p of packets) count += Math.floor(p.length / 255) + 1;
  const lacing = new Uint8Array(count).fill(255);
  let at = 0;
  for (const p of packets) {
    // RFC 3533 §5: floor(len/255) values of 255, then the remainder (0 for a multiple of 255).
    at += Math.floor(p.length / 255);
    lacing[at++] = p.length % 255;
  }
  const body = concatBytes(packets);
  const pages: PageContent[] = [];
  let bodyAt = 0;
  for (let s = 0; s < count; s += MAX_SEGMENTS) {
    const values = lacing.subarray(s, Math.min(s + MAX_SEGMENTS, count));
    const size = values.reduce((a, v) => a + v, 0);
    pages.push({
      lacing: values,
      body: body.subarray(bodyAt, bodyAt + size),
      continued: s > 0 && lacing[s - 1] === 255,
      granule: values.some((v) => v < 255) ? 0n : NO_GRANULE,
    });
    bodyAt += size;
  }
  return pages;
}

const U32 = 0x100000000;

/**
 * A new file: `stream`'s header packets after the identification header replaced by `packets`
 * (comment, and setup for Vorbis), paginated canonically. The EOS flag stays on the last header
 * page when the stream has no audio pages.
 */
export function replaceHeaderPackets(
  file: Uint8Array,
  stream: OggStream,
  packets: readonly Uint8Array[],
): Uint8Array {
  const { pages, audioPage } = stream;
  const first = pages[0]!;
  const headerEnd = pages[audioPage - 1]!.end;
  const eos = audioPage === pages.length;
  const contents = paginate(packets);
  const headerPages = contents.map((c, i) =>
    buildPage({
      flags: (c.continued ? FLAG_CONTINUED : 0) | (eos && i === contents.length - 1 ? FLAG_EOS : 0),
      granule: c.granule,
      serial: first.serial,
      sequence: (first.sequence + 1 + i) % U32,
      lacing: c.lacing,
      body: c.body,
    }),
  );
  const audio = file.slice(headerEnd);
  if (contents.length !== audioPage - 1) {
    for (let i = audioPage; i < pages.length; i++) {
      const p = pages[i]!;
      renumberPage(
        audio,
        p.start - headerEnd,
        p.end - headerEnd,
        (first.sequence + 1 + contents.length + i - audioPage) % U32,
      );
    }
  }
  return concatBytes([file.subarray(0, first.end), ...headerPages, audio]);
}
