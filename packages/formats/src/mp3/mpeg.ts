/**
 * MPEG audio frame headers and the frame walk (ISO/IEC 11172-3 §2.4.1.3 and §2.4.2.3; ISO/IEC
 * 13818-3 for the MPEG-2 lower sample rates; "MPEG 2.5" as the de-facto extension).
 *
 *   11-bit sync, version (2), layer (2), protection, bitrate index (4), sample rate (2),
 *   padding, private, mode (2), mode extension (2), copyright, original, emphasis (2).
 *
 * Frame length: Layer I (12 * bitrate / rate + padding) * 4; Layer II 144 * bitrate / rate +
 * padding; Layer III the same for MPEG-1 and 72 * bitrate / rate + padding for MPEG-2/2.5.
 * Free-format frames (bitrate index 0) carry no length and are not supported.
 */
import { type FormatError, formatError } from '../errors.js';

export interface MpegFrameHeader {
  /** The raw version bits: 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5. */
  readonly versionBits: number;
  /** The raw layer bits: 3 Layer I, 2 Layer II, 1 Layer III. */
  readonly layerBits: number;
  readonly sampleRate: number;
  readonly bitrate: number;
  /** Whole frame length in bytes, header included. */
  readonly length: number;
}

export interface MpegAudio {
  /** Offset of the first frame. */
  readonly start: number;
  /** One past the last frame that was walked. */
  readonly end: number;
  readonly frames: number;
}

/** Junk (or zeros) tolerated between the ID3v2 tag and the first frame. */
export const MAX_SYNC_SEARCH = 64 * 1024;
/** Frames walked; past this (about 7.6 hours of 44.1 kHz MPEG-1) the rest is taken as audio unchecked. */
export const MAX_MPEG_FRAMES = 1 << 20;

/** kbit/s by [MPEG-1 ? 0 : 1][layer I, II, III][index]. */
const BITRATES: readonly (readonly (readonly number[])[])[] = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];

/** Hz by version bits (0: 2.5, 2: MPEG-2, 3: MPEG-1) and index. */
const SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

/** The header at `at` (4 bytes needed), or undefined when the bytes are not a valid header. */
export function parseMpegHeader(b: Uint8Array, at: number): MpegFrameHeader | undefined {
  if (at < 0 || at + 4 > b.length) return undefined;
  const b1 = b[at + 1]!;
  const b2 = b[at + 2]!;
  if (b[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
    return undefined;
  }
  const padding = (b2 >> 1) & 1;
  const layer = 4 - layerBits; // 1, 2, 3
  const bitrate = BITRATES[versionBits === 3 ? 0 : 1]![layer - 1]![bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[versionBits]![rateIndex]!;
  let length: number;
  if (layer === 1) length = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  else if (layer === 3 && versionBits !== 3) length = Math.floor((72 * bitrate) / sampleRate) + padding;
  else length = Math.floor((144 * bitrate) / sampleRate) + padding;
  return { versionBits, layerBits, sampleRate, bitrate, length };
}

function sameStream(a: MpegFrameHeader, b: MpegFrameHeader | undefined): boolean {
  return (
    b !== undefined &&
    a.versionBits === b.versionBits &&
    a.layerBits === b.layerBits &&
    a.sampleRate === b.sampleRate
  );
}

/** True when [at, n) starts like a frame header (0xFF then three sync bits), even if cut short. */
function looksLikeSync(b: Uint8Array, at: number): boolean {
  return b[at] === 0xff && (at + 1 >= b.length || (b[at + 1]! & 0xe0) === 0xe0);
}

/** Tags that may follow the last frame: ID3v1 'TAG', APEv2 'APETAGEX', Lyrics3 'LYRICSBEGIN'. */
function isKnownTrailer(b: Uint8Array, at: number): boolean {
  const text = String.fromCharCode(...b.subarray(at, at + 11));
  return (
    (text.startsWith('TAG') && b.length - at === 128) || text.startsWith('APETAGEX') || text === 'LYRICSBEGIN'
  );
}

function truncated(what: string, offset: number): FormatError {
  return formatError('format.truncated', `MP3 ends inside ${what}; supply the complete file.`, { offset });
}

/**
 * The first frame at or after `from` (within MAX_SYNC_SEARCH): a valid header whose frame is
 * followed by a header of the same stream, by the end of the file or by a known tag.
 */
function findFirstFrame(b: Uint8Array, from: number): number {
  const n = b.length;
  const last = Math.min(n, from + MAX_SYNC_SEARCH);
  let cutShort = false;
  for (let p = from; p < last; p++) {
    if (b[p] !== 0xff) continue;
    const h = parseMpegHeader(b, p);
    if (h === undefined) {
      if (p + 4 > n && looksLikeSync(b, p)) cutShort = true;
      continue;
    }
    const next = p + h.length;
    if (next > n) {
      cutShort = true;
      continue;
    }
    if (next === n || sameStream(h, parseMpegHeader(b, next)) || isKnownTrailer(b, next)) return p;
  }
  if (cutShort) throw truncated('the first MPEG audio frame', from);
  throw formatError('format.corrupt', 'MP3 holds no MPEG audio frame after its ID3v2 tag.', { offset: from });
}

/**
 * Walks the MPEG audio frames from `from`. After the last frame, bytes that start like a frame
 * header mean the file was cut (format.truncated) or damaged (format.corrupt); anything else
 * (ID3v1, APEv2, Lyrics3, junk) is a trailer kept as it is.
 */
export function walkMpegAudio(b: Uint8Array, from: number): MpegAudio {
  const n = b.length;
  const start = findFirstFrame(b, from);
  const first = parseMpegHeader(b, start)!;
  let p = start;
  let frames = 0;
  while (p < n) {
    if (frames === MAX_MPEG_FRAMES) return { start, end: n, frames };
    const h = parseMpegHeader(b, p);
    if (!sameStream(first, h)) break;
    if (p + h!.length > n) throw truncated('an MPEG audio frame', p);
    p += h!.length;
    frames++;
  }
  if (p < n && looksLikeSync(b, p)) {
    if (p + 4 > n) throw truncated('an MPEG audio frame header', p);
    throw formatError('format.corrupt', 'MP3 holds an invalid MPEG audio frame header.', { offset: p });
  }
  return { start, end: p, frames };
}
