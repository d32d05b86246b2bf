/**
 * The Ogg physical stream walk (RFC 3533 §4-§6) for one logical Vorbis or Opus stream.
 *
 * Every page is read and checked (`readPage`: version, flags, lengths, CRC); then the stream
 * rules this handler relies on:
 * - one logical stream: the first page has BOS; every page has its serial and consecutive page
 *   sequence numbers (a gap is a lost page); a second BOS is a multiplexed stream, a BOS after
 *   the EOS page a chained one (both `format.unsupported`);
 * - lacing continuity: a page's 'continued' flag is set exactly when the page before it ended
 *   inside a packet (lacing value 255 last), RFC 3533 §6;
 * - the headers: the identification header alone on the first page (Vorbis I §A.2,
 *   RFC 7845 §3), then the comment header (and the Vorbis setup header) on the following pages,
 *   the last header finishing its page so the audio starts on a fresh one;
 * - the last page has EOS (RFC 3533 §4): a file cut at a page boundary is `format.truncated`.
 *
 * Linear time; the header packets are the only copies made (at most the file's size).
 */
import { concatBytes } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import type { VorbisCommentLayout } from '../vorbis/comment.js';
import {
  HEADER_PACKETS,
  type OggCodec,
  checkCommentPacket,
  checkIdHeader,
  checkSetupPacket,
} from './codec.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, type OggPage, hasCapturePattern, readPage } from './page.js';

export interface OggStream {
  readonly codec: OggCodec;
  readonly pages: readonly OggPage[];
  /** The header packets (copies): identification, comment, and for Vorbis setup. */
  readonly headers: readonly Uint8Array[];
  /** The comment structure inside `headers[1]` (offsets relative to that packet). */
  readonly comment: VorbisCommentLayout;
  /** Index of the first page after the header pages (pages.length when there is no audio). */
  readonly audioPage: number;
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `Ogg stream is invalid: ${what}.`, { offset });
}

function truncated(offset: number): FormatError {
  const message = 'Ogg ends without its end-of-stream page; supply the complete file.';
  return formatError('format.truncated', message, { offset });
}

function unsupported(what: string, offset: number): FormatError {
  return formatError(
    'format.unsupported',
    `The Ogg file is ${what}; only a single Vorbis or Opus stream can be labeled.`,
    { offset },
  );
}

/** Collects the header packets from the lacing values as the pages go by. */
class HeaderCollector {
  readonly packets: Uint8Array[] = [];
  /** Page start of each packet's first byte (for error offsets). */
  readonly offsets: number[] = [];
  codec: OggCodec | undefined;
  private parts: Uint8Array[] = [];

  /** Packets still wanted: the identification header, then the codec's other headers. */
  get wanted(): number {
    return this.codec === undefined ? 1 : HEADER_PACKETS[this.codec];
  }

  get done(): boolean {
    return this.packets.length >= this.wanted;
  }

  add(segment: Uint8Array, pageStart: number): void {
    if (this.parts.length === 0) this.offsets.push(pageStart);
    this.parts.push(segment);
  }

  /** Ends the current packet; returns true when it was the last header. */
  finish(): boolean {
    const packet = concatBytes(this.parts);
    this.parts = [];
    this.packets.push(packet);
    if (this.packets.length === 1) this.codec = checkIdHeader(packet, this.offsets[0]!);
    return this.done;
  }
}

/** Walks and checks the whole file. Throws FormatError. */
export function walkOgg(file: Uint8Array): OggStream {
  const pages: OggPage[] = [];
  const headers = new HeaderCollector();
  let audioPage = -1;
  // A packet is open across the page boundary (the last lacing value was 255).
  let open = false;
  let at = 0;
  for (;;) {
    const page = readPage(file, at);
    const index = pages.length;
    checkPageOrder(page, index, pages[0]);
    if (((page.flags & FLAG_CONTINUED) !== 0) !== open) {
      throw corrupt(open ? 'a packet is not continued on the next page' : 'a page continues no packet', at);
    }
    let segment = page.bodyStart;
    for (let s = 0; s < page.segments; s++) {
      const length = file[page.lacingStart + s]!;
      if (!headers.done) headers.add(file.subarray(segment, segment + length), page.start);
      segment += length;
      open = length === 255;
      if (open || headers.done) continue;
      const last = headers.finish();
      // Vorbis I §A.2, RFC 7845 §3: the identification header alone on the first page, and
      // the last header finishing its page.
      if (headers.packets.length === 1 && (index !== 0 || s !== page.segments - 1)) {
        throw corrupt('the identification header is not alone on the first page', at);
      }
      if (last) {
        if (s !== page.segments - 1) throw corrupt('audio data shares a page with the headers', at);
        audioPage = index + 1;
      }
    }
    if (index === 0 && headers.packets.length !== 1) {
      throw corrupt('the first page does not hold one complete identification header', at);
    }
    pages.push(page);
    at = page.end;
    if ((page.flags & FLAG_EOS) !== 0) break;
    if (at >= file.length) throw truncated(at);
  }
  if (open) throw corrupt('the end-of-stream page ends inside a packet', pages.at(-1)!.start);
  if (audioPage < 0) throw corrupt('the stream ends before its header packets', pages.at(-1)!.start);
  checkTrailer(file, at);
  const codec = headers.codec!;
  const comment = checkCommentPacket(codec, headers.packets[1]!, headers.offsets[1]!);
  if (codec === 'vorbis') checkSetupPacket(headers.packets[2]!, headers.offsets[2]!);
  return { codec, pages, headers: headers.packets, comment, audioPage };
}

/** BOS only first, one serial, consecutive sequence numbers (mod 2^32). */
function checkPageOrder(page: OggPage, index: number, first: OggPage | undefined): void {
  if (first === undefined) {
    if ((page.flags & FLAG_BOS) === 0) throw corrupt('the first page lacks the beginning-of-stream flag', 0);
    return;
  }
  const bos = (page.flags & FLAG_BOS) !== 0;
  if (bos && page.serial !== first.serial)
    throw unsupported('multiplexed (several logical streams)', page.start);
  if (bos) throw corrupt('a later page has the beginning-of-stream flag', page.start);
  if (page.serial !== first.serial) throw corrupt('a page belongs to another logical stream', page.start);
  if (page.sequence !== (first.sequence + index) % 0x100000000) {
    throw corrupt('page sequence numbers skip (a page is missing)', page.start);
  }
}

/** Nothing may follow the EOS page; another stream there is a chained file (RFC 3533 §4). */
function checkTrailer(file: Uint8Array, at: number): void {
  if (at === file.length) return;
  if (hasCapturePattern(file, at) && at + 5 < file.length && (file[at + 5]! & FLAG_BOS) !== 0) {
    throw unsupported('chained (several streams one after another)', at);
  }
  throw corrupt('data follows the end-of-stream page', at);
}
