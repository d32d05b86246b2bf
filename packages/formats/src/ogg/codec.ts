/**
 * The header packets of the two Ogg audio codecs this handler labels, and the codecs it refuses.
 *
 * Vorbis (Vorbis I specification §4.2): three headers, each '<type>vorbis': 1 identification
 * (§4.2.2, 30 bytes), 3 comment (§4.2.3: the comment structure of §5.2.1 then a framing bit),
 * 5 setup (§4.2.4, codebooks; not parsed here).
 * Opus (RFC 7845 §5): two headers, 'OpusHead' identification (§5.1) and 'OpusTags' comment
 * (§5.2: the same comment structure, then optional extra data that is kept as it is).
 *
 * Other first packets (Theora video, FLAC-in-Ogg, Speex, Skeleton, ...) are `format.unsupported`.
 */
import { asciiBytes, startsWithAt } from '@synthguard/core';
import { type FormatError, formatError } from '../errors.js';
import { type VorbisCommentLayout, parseVorbisComment } from '../vorbis/comment.js';

export type OggCodec = 'vorbis' | 'opus';

const VORBIS_ID = asciiBytes('\x01vorbis');
const VORBIS_COMMENT = asciiBytes('\x03vorbis');
const VORBIS_SETUP = asciiBytes('\x05vorbis');
const OPUS_ID = asciiBytes('OpusHead');
const OPUS_TAGS = asciiBytes('OpusTags');

/** Header packets per stream: Vorbis identification, comment, setup; Opus identification, comment. */
export const HEADER_PACKETS: Readonly<Record<OggCodec, number>> = { vorbis: 3, opus: 2 };

/** The magic that starts the comment packet; the comment structure follows it. */
export const COMMENT_MAGIC: Readonly<Record<OggCodec, Uint8Array>> = {
  vorbis: VORBIS_COMMENT,
  opus: OPUS_TAGS,
};

/** Magic of first packets this handler refuses, with what to tell the caller. */
const UNSUPPORTED: readonly [Uint8Array, string][] = [
  [Uint8Array.of(0x80, ...asciiBytes('theora')), 'Ogg Theora video'],
  [asciiBytes('\x7fFLAC'), 'FLAC in Ogg (label a native .flac file instead)'],
  [asciiBytes('Speex   '), 'Ogg Speex'],
  [asciiBytes('fishead\0'), 'an Ogg Skeleton (multiplexed) stream'],
  [asciiBytes('OVP80'), 'VP8 video in Ogg'],
  [Uint8Array.of(0x80, ...asciiBytes('kate')), 'Ogg Kate'],
];

/** The codec whose identification header starts at `b[at]` (magic only), or undefined. */
export function codecOfMagic(b: Uint8Array, at = 0): OggCodec | undefined {
  if (startsWithAt(b, VORBIS_ID, at)) return 'vorbis';
  if (startsWithAt(b, OPUS_ID, at)) return 'opus';
  return undefined;
}

function unsupported(what: string): FormatError {
  return formatError(
    'format.unsupported',
    `The Ogg file holds ${what}; only Ogg Vorbis and Ogg Opus audio can be labeled.`,
  );
}

function corrupt(what: string, offset: number): FormatError {
  return formatError('format.corrupt', `Ogg ${what}.`, { offset });
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) + b[at + 3]! * 0x1000000;
}

/** Vorbis I §4.2.2: version 0, channels and rate > 0, block sizes 64..8192 with bs0 <= bs1, framing bit. */
function checkVorbisId(p: Uint8Array, offset: number): void {
  if (p.length < 30) throw corrupt('Vorbis identification header is shorter than 30 bytes', offset);
  if (u32le(p, 7) !== 0) throw unsupported('a Vorbis stream of an unknown version');
  if (p[11] === 0 || u32le(p, 12) === 0)
    throw corrupt('Vorbis identification header has no channels or rate', offset);
  const bs0 = p[28]! & 0x0f;
  const bs1 = p[28]! >> 4;
  if (bs0 < 6 || bs1 > 13 || bs0 > bs1)
    throw corrupt('Vorbis identification header has invalid block sizes', offset);
  if ((p[29]! & 1) === 0) throw corrupt('Vorbis identification header lacks its framing bit', offset);
}

/** RFC 7845 §5.1: major version 0, channels > 0, and a channel mapping that fits the packet. */
function checkOpusId(p: Uint8Array, offset: number): void {
  if (p.length < 19) throw corrupt('Opus identification header is shorter than 19 bytes', offset);
  // §5.1: the upper four bits are the major version; only 0 is known.
  if (p[8]! >> 4 !== 0) throw unsupported('an Opus stream of an unknown major version');
  const channels = p[9]!;
  const family = p[18]!;
  if (channels === 0) throw corrupt('Opus identification header has no channels', offset);
  if (family === 0) {
    if (channels > 2) throw corrupt('Opus mapping family 0 with more than 2 channels', offset);
    return;
  }
  if (p.length < 21 + channels) throw corrupt('Opus channel mapping table runs past the header', offset);
  const streams = p[19]!;
  const coupled = p[20]!;
  if (streams === 0 || coupled > streams || streams + coupled > 255) {
    throw corrupt('Opus identification header has invalid stream counts', offset);
  }
}

/**
 * The codec of the first packet of the stream, after checking its identification header.
 * Throws format.unsupported for other codecs, format.corrupt for a malformed header.
 */
export function checkIdHeader(packet: Uint8Array, offset: number): OggCodec {
  const codec = codecOfMagic(packet);
  if (codec === 'vorbis') checkVorbisId(packet, offset);
  else if (codec === 'opus') checkOpusId(packet, offset);
  else {
    const known = UNSUPPORTED.find(([magic]) => startsWithAt(packet, magic));
    throw unsupported(known?.[1] ?? 'a codec other than Vorbis or Opus');
  }
  return codec;
}

/**
 * Checks the comment packet (magic, comment structure, and for Vorbis the framing bit after
 * it) and returns the structure's layout, offsets relative to the packet.
 */
export function checkCommentPacket(codec: OggCodec, packet: Uint8Array, offset: number): VorbisCommentLayout {
  const magic = COMMENT_MAGIC[codec];
  if (!startsWithAt(packet, magic)) throw corrupt(`${codec} comment header is missing`, offset);
  const layout = parseVorbisComment(packet, magic.length, packet.length);
  // Vorbis I §4.2.3 / §5.2.1: the comment header ends with a set framing bit.
  if (codec === 'vorbis' && (layout.end >= packet.length || (packet[layout.end]! & 1) === 0)) {
    throw corrupt('Vorbis comment header lacks its framing bit', offset);
  }
  return layout;
}

/** Vorbis I §4.2.4: the third header is the setup header (its codebooks are not parsed). */
export function checkSetupPacket(packet: Uint8Array, offset: number): void {
  if (!startsWithAt(packet, VORBIS_SETUP)) throw corrupt('Vorbis setup header is missing', offset);
}
