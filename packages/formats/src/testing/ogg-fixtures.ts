/**
 * Test-only Ogg Vorbis / Ogg Opus fixtures, built in pure TypeScript (no encoder needed): real
 * identification headers (Vorbis I §4.2.2, RFC 7845 §5.1), comment headers, a setup header of
 * arbitrary bytes and pseudo-random audio packets, paged by a small libogg-like packer of its own
 * (RFC 3533: lacing, continued packets across pages, granule -1 where no packet ends, BOS/EOS).
 * Plus the probes, duplicate-field forger and reseal function for runAigcFieldConformance.
 */
import { asciiBytes, concatBytes, sha256Hex } from '@synthguard/core';
import { pageCrc } from '../ogg/crc.js';
import { replaceHeaderPackets } from '../ogg/paginate.js';
import { walkOgg } from '../ogg/stream.js';
import { buildVorbisComment, buildVorbisEntry, vorbisVendor } from '../vorbis/comment.js';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

type Probes = Pick<
  AigcConformanceOptions,
  'decode' | 'preserved' | 'addSecondField' | 'reseal' | 'normalize'
>;

/** Deterministic pseudo-random bytes (xorshift32), so fixtures are the same on every run. */
export function buildNoise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function le(bytes: number, value: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  return out;
}

/** Vorbis I §4.2.2: 30 bytes; block sizes 256 / 2048; framing bit set. */
export function buildVorbisIdHeader(channels = 2, rate = 44100): Uint8Array {
  return concatBytes([
    asciiBytes('\x01vorbis'),
    le(4, 0),
    Uint8Array.of(channels),
    le(4, rate),
    le(4, 0),
    le(4, 128000),
    le(4, 0),
    Uint8Array.of(0xb8, 0x01),
  ]);
}

/** RFC 7845 §5.1: family 0 for 1-2 channels, else family 1 with one stream per channel. */
export function buildOpusIdHeader(channels = 2): Uint8Array {
  const family = channels > 2 ? 1 : 0;
  const head = concatBytes([
    asciiBytes('OpusHead'),
    Uint8Array.of(1, channels),
    le(2, 312),
    le(4, 48000),
    le(2, 0),
    Uint8Array.of(family),
  ]);
  if (family === 0) return head;
  const table = Uint8Array.from({ length: channels }, (_, i) => i);
  return concatBytes([head, Uint8Array.of(channels, 0), table]);
}

/** The comment header: magic, vendor and comments, then the Vorbis framing bit or Opus `extra`. */
export function buildCommentHeader(
  codec: 'vorbis' | 'opus',
  vendor: string,
  comments: readonly (readonly [string, string])[],
  extra: Uint8Array = codec === 'vorbis' ? Uint8Array.of(1) : new Uint8Array(0),
): Uint8Array {
  return concatBytes([
    asciiBytes(codec === 'vorbis' ? '\x03vorbis' : 'OpusTags'),
    buildVorbisComment(
      vendor,
      comments.map(([k, v]) => buildVorbisEntry(k, v)),
    ),
    extra,
  ]);
}

export interface OggPacket {
  readonly data: Uint8Array;
  readonly granule: bigint;
  /** End the page after this packet (libogg `ogg_stream_flush`). */
  readonly flush?: boolean;
  /** A header packet: its pages close only when full or flushed, never at `pageSize`. */
  readonly header?: boolean;
}

export interface PackOptions {
  serial?: number;
  firstSequence?: number;
  /** A page is closed once its body reaches this size, even inside a packet. */
  pageSize?: number;
}

/**
 * Pages `packets` as one logical stream: the first packet alone on a BOS page, then pages of at
 * most 255 segments, closed when full, after a `flush` packet, or (audio) at `pageSize` bytes;
 * EOS on the last.
 */
export function buildOggStream(packets: readonly OggPacket[], o: PackOptions = {}): Uint8Array {
  const serial = o.serial ?? 0x5eed;
  const pageSize = o.pageSize ?? 4096;
  const pages: Uint8Array[] = [];
  let lacing: number[] = [];
  let body: Uint8Array[] = [];
  let size = 0;
  let granule = -1n;
  let continued = false;
  const close = (eos: boolean): void => {
    const header = new Uint8Array(27 + lacing.length);
    const view = new DataView(header.buffer);
    header.set(asciiBytes('OggS'));
    header[5] = (continued ? 1 : 0) | (pages.length === 0 ? 2 : 0) | (eos ? 4 : 0);
    view.setBigInt64(6, granule, true);
    view.setUint32(14, serial, true);
    view.setUint32(18, ((o.firstSequence ?? 0) + pages.length) % 0x100000000, true);
    header[26] = lacing.length;
    header.set(lacing, 27);
    const page = concatBytes([header, ...body]);
    new DataView(page.buffer).setUint32(22, pageCrc(page, 0, page.length), true);
    pages.push(page);
    continued = lacing.at(-1) === 255;
    lacing = [];
    body = [];
    size = 0;
    granule = -1n;
  };
  packets.forEach((p, i) => {
    for (let at = 0; ; at += 255) {
      const length = Math.min(255, p.data.length - at);
      lacing.push(length);
      body.push(p.data.subarray(at, at + length));
      size += length;
      const done = length < 255;
      if (done) granule = p.granule;
      const flush = done && (i === 0 || p.flush === true);
      if (i < packets.length - 1 || !done) {
        if (lacing.length === 255 || (p.header !== true && size >= pageSize) || flush) close(false);
      }
      if (done) break;
    }
  });
  close(true);
  return concatBytes(pages);
}

export interface OggOptions extends PackOptions {
  codec: 'vorbis' | 'opus';
  channels?: number;
  vendor?: string;
  comments?: readonly (readonly [string, string])[];
  /** Bytes after the comments (Vorbis: the framing byte; Opus: extra data). */
  extra?: Uint8Array;
  setupSize?: number;
  /** Sizes of the audio packets (each one 960 or 1024 samples). */
  audio?: readonly number[];
  /** Vorbis: flush the comment header before the setup header (some muxers do; libogg does not). */
  splitHeaders?: boolean;
}

/** A complete stream with headers as libogg / FFmpeg page them (unless `splitHeaders`). */
export function buildOgg(o: OggOptions): Uint8Array {
  const vorbis = o.codec === 'vorbis';
  const id = vorbis ? buildVorbisIdHeader(o.channels) : buildOpusIdHeader(o.channels);
  const comment = buildCommentHeader(o.codec, o.vendor ?? 'synthguard test', o.comments ?? [], o.extra);
  const headers: OggPacket[] = [
    { data: id, granule: 0n, header: true },
    { data: comment, granule: 0n, header: true, flush: !vorbis || o.splitHeaders === true },
  ];
  if (vorbis) {
    const setup = concatBytes([asciiBytes('\x05vorbis'), buildNoise(o.setupSize ?? 900, 7)]);
    headers.push({ data: setup, granule: 0n, header: true, flush: true });
  }
  const step = vorbis ? 1024n : 960n;
  const audio = (o.audio ?? [60, 600, 17, 255, 510, 2000, 90, 33]).map((size, i) => {
    const data = buildNoise(size, 100 + i);
    // Vorbis I §4.3.1: an audio packet's first bit is 0.
    if (vorbis && size > 0) data[0] = data[0]! & 0xfe;
    return { data, granule: step * BigInt(i + 1) };
  });
  return buildOggStream([...headers, ...audio], o);
}

export function buildOggFixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-ogg');
  const libvorbis = 'Xiph.Org libVorbis I 20200704 (Reference)';
  return Promise.resolve([
    {
      name: 'Vorbis stereo; comment and setup share a page (libogg / FFmpeg); packets span pages',
      bytes: buildOgg({
        codec: 'vorbis',
        vendor: libvorbis,
        comments: [
          ['TITLE', 'tone'],
          ['ENCODER', 'Lavc59.37.100 libvorbis'],
        ],
        pageSize: 700,
      }),
      aigc: undefined,
    },
    {
      name: 'Opus mono; OpusTags with extra data after the comments',
      bytes: buildOgg({
        codec: 'opus',
        channels: 1,
        vendor: 'Lavf59.27.100',
        comments: [['title', '标题']],
        extra: Uint8Array.of(1, 0xaa, 0xbb, 0),
        audio: [3, 120, 255, 256],
      }),
      aigc: undefined,
    },
    {
      name: 'Vorbis; 70 kB comment over several header pages; sequence numbers wrap',
      bytes: buildOgg({
        codec: 'vorbis',
        vendor: libvorbis,
        comments: [
          ['ARTIST', 'a'],
          ['METADATA_BLOCK_PICTURE', 'QUFB'.repeat(17_600)],
        ],
        serial: 0xfffffff0,
        firstSequence: 0xfffffffe,
        audio: [400, 300],
      }),
      aigc: undefined,
    },
    {
      name: 'Opus headers only (EOS on the comment page)',
      bytes: buildOgg({ codec: 'opus', comments: [['TITLE', 'silence']], audio: [] }),
      aigc: undefined,
    },
    {
      name: 'Opus 6 channels (mapping family 1); AIGC first, then TITLE',
      bytes: buildOgg({
        codec: 'opus',
        channels: 6,
        comments: [
          ['AIGC', existing],
          ['TITLE', 't'],
        ],
        audio: [700, 20, 1],
        pageSize: 300,
      }),
      aigc: existing,
    },
    {
      name: 'Vorbis; lower-case aigc; comment and setup on separate pages',
      bytes: buildOgg({
        codec: 'vorbis',
        comments: [
          ['Comment', 'c'],
          ['aigc', '人工智能'],
        ],
        splitHeaders: true,
      }),
      aigc: '人工智能',
    },
  ]);
}

/** Page bytes without the sequence number and CRC (the fields a write may change). */
function pageWithoutNumbers(file: Uint8Array, start: number, end: number): Uint8Array {
  return concatBytes([file.subarray(start, start + 18), file.subarray(start + 26, end)]);
}

export const oggProbes: Probes = {
  /** The identification and setup headers, and every audio page but for its sequence number and CRC. */
  decode: (file) => {
    const { headers, pages, audioPage } = walkOgg(file);
    const audio = pages.slice(audioPage).map((p) => sha256Hex(pageWithoutNumbers(file, p.start, p.end)));
    return Promise.resolve({
      id: sha256Hex(headers[0]!),
      setup: headers[2] === undefined ? undefined : sha256Hex(headers[2]),
      audio,
    });
  },
  /** Serial, vendor, the other comments in order, and what follows them (framing bit, extra data). */
  preserved: (file) => {
    const { headers, comment, pages } = walkOgg(file);
    const packet = headers[1]!;
    const comments = comment.entries
      .filter((e) => e.key?.toUpperCase() !== 'AIGC')
      .map((e) => sha256Hex(packet.subarray(e.textStart, e.end)));
    return Promise.resolve({
      serial: pages[0]!.serial,
      vendor: vorbisVendor(packet, comment),
      comments,
      after: sha256Hex(packet.subarray(comment.end)),
    });
  },
  /** The header packets (comment count blanked), then the audio pages without numbers and CRCs. */
  normalize: (file) => {
    const { headers, comment, pages, audioPage } = walkOgg(file);
    const packet = headers[1]!.slice();
    packet.fill(0, comment.countAt, comment.countAt + 4);
    const audio = pages.slice(audioPage).map((p) => pageWithoutNumbers(file, p.start, p.end));
    return concatBytes([headers[0]!, packet, ...headers.slice(2), ...audio]);
  },
  /** A second entry, with a lower-case key, appended to the comments. */
  addSecondField: (file, value) => {
    const stream = walkOgg(file);
    const { comment } = stream;
    const packet = stream.headers[1]!;
    const forged = concatBytes([
      packet.subarray(0, comment.end),
      buildVorbisEntry('aigc', value),
      packet.subarray(comment.end),
    ]);
    new DataView(forged.buffer).setUint32(comment.countAt, comment.entries.length + 1, true);
    return replaceHeaderPackets(file, stream, [forged, ...stream.headers.slice(2)]);
  },
  /** Recomputes the CRC of every complete page found at an 'OggS'. Never throws. */
  reseal: (file) => {
    const out = file.slice();
    for (let at = 0; at + 27 <= out.length; at++) {
      if (out[at] !== 0x4f || out[at + 1] !== 0x67 || out[at + 2] !== 0x67 || out[at + 3] !== 0x53) continue;
      const bodyStart = at + 27 + out[at + 26]!;
      if (bodyStart > out.length) continue;
      let end = bodyStart;
      for (let i = at + 27; i < bodyStart; i++) end += out[i]!;
      if (end > out.length) continue;
      new DataView(out.buffer).setUint32(at + 22, pageCrc(out, at, end), true);
    }
    return out;
  },
};
