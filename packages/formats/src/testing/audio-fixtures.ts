/**
 * Test-only audio fixtures, built in pure TypeScript (no encoder needed): WAV with PCM sine
 * samples, MP3 from hand-assembled MPEG audio frames (zeroed side info: silence) and ID3v2
 * tags, FLAC with VERBATIM / CONSTANT subframes and correct CRCs. Plus the probes (essence,
 * other metadata), duplicate-field forgers and reseal functions for runAigcFieldConformance.
 */
import { asciiBytes, concatBytes, sha256Hex, utf8Encode } from '@synthguard/core';
import { createHash } from 'node:crypto';
import { crc16, crc8 } from '../flac/crc.js';
import {
  BLOCK_PADDING,
  BLOCK_VORBIS_COMMENT,
  blockHeader,
  walkFlac,
  walkFlacMetadata,
} from '../flac/stream.js';
import { type Id3Tag, writeSyncsafe } from '../mp3/id3v2.js';
import { walkMp3 } from '../mp3/stream.js';
import { parseTxxx } from '../mp3/txxx.js';
import { buildVorbisComment, buildVorbisEntry, parseVorbisComment, vorbisVendor } from '../vorbis/comment.js';
import { buildWavChunk, walkWav, writeU32LE, writeU64LE } from '../wav/chunks.js';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

type Probes = Pick<
  AigcConformanceOptions,
  'decode' | 'preserved' | 'addSecondField' | 'reseal' | 'normalize'
>;

/** Interleaved signed PCM sine samples in [-(2^(bits-1)), 2^(bits-1)). */
export function buildSineSamples(
  frames: number,
  channels: number,
  bits: number,
  hz = 440,
  rate = 44100,
): Int32Array {
  const out = new Int32Array(frames * channels);
  const amp = 2 ** (bits - 1) * 0.6;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++)
      out[i * channels + c] = Math.round(amp * Math.sin((2 * Math.PI * hz * (c + 1) * i) / rate));
  }
  return out;
}

// ---------------------------------------------------------------- WAV

export interface WavOptions {
  channels?: number;
  bits?: 8 | 16 | 24;
  frames?: number;
  form?: 'RIFF' | 'RF64';
  /** Chunks between 'fmt ' and 'data', and after 'data'. */
  before?: Uint8Array[];
  after?: Uint8Array[];
}

export function buildWav(o: WavOptions = {}): Uint8Array {
  const channels = o.channels ?? 2;
  const bits = o.bits ?? 16;
  const width = bits / 8;
  const samples = buildSineSamples(o.frames ?? 1000, channels, bits);
  const pcm = new Uint8Array(samples.length * width);
  samples.forEach((s, i) => {
    // 8-bit WAV is unsigned; wider samples are signed little-endian.
    const v = bits === 8 ? s + 128 : s;
    for (let k = 0; k < width; k++) pcm[i * width + k] = (v >> (8 * k)) & 0xff;
  });
  const fmt = new Uint8Array(16);
  const dv = new DataView(fmt.buffer);
  dv.setUint16(0, 1, true); // WAVE_FORMAT_PCM
  dv.setUint16(2, channels, true);
  dv.setUint32(4, 44100, true);
  dv.setUint32(8, 44100 * channels * width, true);
  dv.setUint16(12, channels * width, true);
  dv.setUint16(14, bits, true);
  const data = buildWavChunk('data', pcm);
  const chunks = [buildWavChunk('fmt ', fmt), ...(o.before ?? []), data, ...(o.after ?? [])];
  if (o.form === 'RF64') {
    // EBU Tech 3306: ds64 first; -1 in the header and the data chunk's size.
    const ds64 = buildWavChunk('ds64', new Uint8Array(28));
    const body = concatBytes([asciiBytes('WAVE'), ds64, ...chunks]);
    const out = concatBytes([asciiBytes('RF64'), Uint8Array.of(0xff, 0xff, 0xff, 0xff), body]);
    writeU64LE(out, 20, body.length);
    writeU64LE(out, 28, pcm.length);
    writeU64LE(out, 36, samples.length / channels);
    const dataAt = 12 + ds64.length + chunks[0]!.length + (o.before ?? []).reduce((n, c) => n + c.length, 0);
    writeU32LE(out, dataAt + 4, 0xffffffff);
    return out;
  }
  const body = concatBytes([asciiBytes('WAVE'), ...chunks]);
  const out = concatBytes([asciiBytes('RIFF'), new Uint8Array(4), body]);
  writeU32LE(out, 4, body.length);
  return out;
}

/** A LIST/INFO chunk with one INAM (title) and one ISFT entry. */
export function buildListInfo(title: string): Uint8Array {
  return buildWavChunk(
    'LIST',
    concatBytes([
      asciiBytes('INFO'),
      buildWavChunk('INAM', asciiBytes(`${title}\0`)),
      buildWavChunk('ISFT', asciiBytes('synthguard test\0')),
    ]),
  );
}

export const WAV_TRAILER = asciiBytes('junk after the RIFF');

export function buildWavFixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-wav');
  return Promise.resolve([
    { name: 'PCM 16-bit stereo', bytes: buildWav(), aigc: undefined },
    {
      name: 'LIST INFO after data',
      bytes: buildWav({ frames: 300, after: [buildListInfo('tone')] }),
      aigc: undefined,
    },
    {
      name: '8-bit mono, odd data size (pad byte) + LIST',
      bytes: buildWav({ channels: 1, bits: 8, frames: 301, after: [buildListInfo('odd')] }),
      aigc: undefined,
    },
    { name: 'RF64', bytes: buildWav({ form: 'RF64', frames: 200 }), aigc: undefined },
    {
      name: '24-bit, AIGC before data + trailer',
      bytes: concatBytes([
        buildWav({ bits: 24, frames: 150, before: [buildWavChunk('AIGC', utf8Encode(existing))] }),
        WAV_TRAILER,
      ]),
      aigc: existing,
      trailer: WAV_TRAILER.length,
    },
    {
      name: 'AIGC (odd, non-ASCII) at the end after LIST',
      bytes: buildWav({
        frames: 120,
        after: [buildListInfo('x'), buildWavChunk('AIGC', utf8Encode('标签 x'))],
      }),
      aigc: '标签 x',
    },
  ]);
}

export const wavProbes: Probes = {
  decode: (file) => {
    const { chunks } = walkWav(file);
    const pick = (id: string) =>
      chunks.filter((c) => c.id === id).map((c) => sha256Hex(file.subarray(c.dataStart, c.dataEnd)));
    return Promise.resolve({ fmt: pick('fmt '), data: pick('data') });
  },
  preserved: (file) => {
    const { chunks, riffEnd } = walkWav(file);
    const others = chunks
      .filter((c) => c.id !== 'AIGC' && c.id !== 'ds64')
      .map((c) => [c.id, sha256Hex(file.subarray(c.dataStart, c.dataEnd))]);
    return Promise.resolve({ others, trailer: sha256Hex(file.subarray(riffEnd)) });
  },
  /** Blanks the RIFF size (or ds64 riffSize). */
  normalize: (file) => {
    const { at, width } = walkWav(file).riffSizeField;
    const out = file.slice();
    out.fill(0, at, at + width);
    return out;
  },
  addSecondField: (file, value) => {
    const { riffEnd, riffSizeField } = walkWav(file);
    const out = concatBytes([
      file.subarray(0, riffEnd),
      buildWavChunk('AIGC', utf8Encode(value)),
      file.subarray(riffEnd),
    ]);
    const extra = out.length - file.length;
    if (riffSizeField.width === 4) writeU32LE(out, 4, riffEnd - 8 + extra);
    else writeU64LE(out, 20, riffEnd - 8 + extra);
    return out;
  },
};

// ---------------------------------------------------------------- MP3

export interface MpegOptions {
  count?: number;
  /** 1: MPEG-1 Layer III 128 kbit/s 44.1 kHz; 2: MPEG-2 Layer III 64 kbit/s 22.05 kHz. */
  version?: 1 | 2;
  mono?: boolean;
}

/** Silent Layer III frames (zero side info, so no main data; the rest is ancillary bytes, never 0xFF). */
export function buildMpegFrames(o: MpegOptions = {}): { bytes: Uint8Array; boundaries: number[] } {
  const v1 = (o.version ?? 1) === 1;
  const frames: Uint8Array[] = [];
  const boundaries: number[] = [];
  let at = 0;
  for (let i = 0; i < (o.count ?? 12); i++) {
    const padding = i % 3 === 1 ? 1 : 0;
    const length = (v1 ? Math.floor((144 * 128000) / 44100) : Math.floor((72 * 64000) / 22050)) + padding;
    const f = new Uint8Array(length);
    f.set([0xff, v1 ? 0xfb : 0xf3, (v1 ? 0x90 : 0x80) | (padding << 1), o.mono ? 0xc0 : 0x00]);
    const sideInfo = v1 ? (o.mono ? 17 : 32) : o.mono ? 9 : 17;
    for (let k = 4 + sideInfo; k < length; k++) f[k] = (k * 37 + i * 11) % 255;
    frames.push(f);
    at += length;
    boundaries.push(at);
  }
  return { bytes: concatBytes(frames), boundaries: boundaries.slice(0, -1) };
}

export function buildId3Frame(version: 3 | 4, id: string, data: Uint8Array): Uint8Array {
  const header = new Uint8Array(10);
  header.set(asciiBytes(id));
  if (version === 4) writeSyncsafe(header, 4, data.length);
  else new DataView(header.buffer).setUint32(4, data.length);
  return concatBytes([header, data]);
}

/** A text frame's data: UTF-8 (3) for 2.4, UTF-16 with BOM (1) or ISO-8859-1 (0) for 2.3. */
export function buildTextData(version: 3 | 4, text: string, latin1 = false): Uint8Array {
  if (latin1) return concatBytes([Uint8Array.of(0), asciiBytes(text)]);
  if (version === 4) return concatBytes([Uint8Array.of(3), utf8Encode(text)]);
  const out = new Uint8Array(3 + text.length * 2);
  out.set([1, 0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    out[3 + 2 * i] = text.charCodeAt(i) & 0xff;
    out[4 + 2 * i] = text.charCodeAt(i) >>> 8;
  }
  return out;
}

/** TXXX: encoding, description, terminator, value (each UTF-16 string with its own BOM). */
export function buildTxxxFrame(version: 3 | 4, description: string, value: string): Uint8Array {
  const desc = buildTextData(version, description);
  const val = buildTextData(version, value).subarray(1);
  return buildId3Frame(version, 'TXXX', concatBytes([desc, new Uint8Array(version === 3 ? 2 : 1), val]));
}

export function buildId3Tag(version: 3 | 4, frames: Uint8Array[], padding = 0, footer = false): Uint8Array {
  const body = concatBytes([...frames, new Uint8Array(padding)]);
  const header = Uint8Array.of(0x49, 0x44, 0x33, version, 0, footer ? 0x10 : 0, 0, 0, 0, 0);
  writeSyncsafe(header, 6, body.length);
  if (!footer) return concatBytes([header, body]);
  const foot = header.slice();
  foot.set([0x33, 0x44, 0x49]);
  return concatBytes([header, body, foot]);
}

export function buildId3v1(title: string): Uint8Array {
  const out = new Uint8Array(128);
  out.set(asciiBytes('TAG'));
  out.set(asciiBytes(title.slice(0, 30)), 3);
  out[127] = 255; // genre: none
  return out;
}

function mp3Fixture(
  name: string,
  tag: Uint8Array,
  mpeg: MpegOptions,
  aigc?: string,
  trailer?: Uint8Array,
): AigcConformanceFixture {
  const { bytes, boundaries } = buildMpegFrames(mpeg);
  return {
    name,
    bytes: concatBytes([tag, bytes, trailer ?? new Uint8Array(0)]),
    aigc,
    trailer: trailer?.length ?? 0,
    validCuts: boundaries.map((b) => tag.length + b),
  };
}

export function buildMp3Fixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-mp3');
  const priv = concatBytes([
    asciiBytes('synthguard.test\0'),
    Uint8Array.of(0xff, 0xfb, 0x90, 0x00, 0xff, 0x00, 0x12),
  ]);
  return Promise.resolve([
    mp3Fixture('frames only, no tag', new Uint8Array(0), {}),
    mp3Fixture(
      'MPEG-2 mono, no tag, ID3v1 trailer',
      new Uint8Array(0),
      { version: 2, mono: true, count: 9 },
      undefined,
      buildId3v1('tone'),
    ),
    mp3Fixture(
      'ID3v2.4 as FFmpeg writes it (TSSE, 16 bytes of padding)',
      buildId3Tag(4, [buildId3Frame(4, 'TSSE', buildTextData(4, 'Lavf60.16.100', true))], 16),
      {},
    ),
    mp3Fixture(
      'ID3v2.3 UTF-16 title, TXXX, PRIV, 1 KiB padding, ID3v1',
      buildId3Tag(
        3,
        [
          buildId3Frame(3, 'TIT2', buildTextData(3, '生成的音调')),
          buildTxxxFrame(3, 'comment', 'x'),
          buildId3Frame(3, 'PRIV', priv),
        ],
        1024,
      ),
      { mono: true },
      undefined,
      buildId3v1('tone'),
    ),
    mp3Fixture(
      'ID3v2.4 with a footer',
      buildId3Tag(4, [buildId3Frame(4, 'TIT2', buildTextData(4, 'tone'))], 0, true),
      { count: 5 },
    ),
    mp3Fixture(
      'ID3v2.4 with TXXX:AIGC last, before padding',
      buildId3Tag(4, [buildTxxxFrame(4, 'other', 'y'), buildTxxxFrame(4, 'AIGC', existing)], 600),
      {},
      existing,
    ),
    mp3Fixture(
      'ID3v2.3 with UTF-16 TXXX:aigc first, no padding',
      buildId3Tag(3, [
        buildTxxxFrame(3, 'aigc', '人工智能'),
        buildId3Frame(3, 'TPE1', buildTextData(3, 'artist')),
      ]),
      { version: 2, count: 6 },
      '人工智能',
    ),
  ]);
}

function isAigcFrame(tag: Id3Tag, i: number): boolean {
  const f = tag.frames[i]!;
  const text = f.id === 'TXXX' ? parseTxxx(tag.frameBytes!.subarray(f.dataStart, f.end), 0) : undefined;
  return text?.description?.toUpperCase() === 'AIGC';
}

export const mp3Probes: Probes = {
  decode: (file) => {
    const { audio } = walkMp3(file);
    return Promise.resolve({
      frames: audio.frames,
      audio: sha256Hex(file.subarray(audio.start, audio.end)),
      trailer: sha256Hex(file.subarray(audio.end)),
    });
  },
  preserved: (file) => {
    const { tags } = walkMp3(file);
    const frames = tags.flatMap((t) =>
      t.frames
        .filter((_, i) => !isAigcFrame(t, i))
        .map((f) => [f.id, sha256Hex(t.frameBytes!.subarray(f.dataStart, f.end))]),
    );
    return Promise.resolve({
      frames,
      versions: tags.filter((t) => t.frames.some((_, i) => !isAigcFrame(t, i))).map((t) => t.version),
    });
  },
  /** Blanks tag sizes (header and footer) and drops padding. */
  normalize: (file) => {
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const t of walkMp3(file).tags) {
      const header = file.slice(t.start, t.start + 10);
      header.fill(0, 6, 10);
      const frames =
        t.frameBytes === file
          ? file.subarray(t.start + 10, t.paddingStart)
          : file.subarray(t.start + 10, t.bodyEnd);
      const footer = file.slice(t.bodyEnd, t.end);
      footer.fill(0, 6, 10);
      parts.push(file.subarray(at, t.start), header, frames, footer);
      at = t.end;
    }
    parts.push(file.subarray(at));
    return concatBytes(parts);
  },
  /** A second frame, with a lower-case description, first in the first tag. */
  addSecondField: (file, value) => {
    const tag = walkMp3(file).tags[0]!;
    const frame = buildTxxxFrame(tag.version as 3 | 4, 'aigc', value);
    const out = concatBytes([file.subarray(0, tag.framesStart), frame, file.subarray(tag.framesStart)]);
    writeSyncsafe(out, tag.start + 6, tag.bodyEnd - tag.start - 10 + frame.length);
    if (tag.flags & 0x10)
      writeSyncsafe(out, tag.bodyEnd + frame.length + 6, tag.bodyEnd - tag.start - 10 + frame.length);
    return out;
  },
};

// ---------------------------------------------------------------- FLAC

export interface FlacOptions {
  channels?: number;
  bits?: 8 | 16 | 24;
  /** Block sizes of the frames (the last one may be shorter). */
  blocks?: number[];
  variable?: boolean;
  /** Write 0 (unknown) as STREAMINFO's total sample count. */
  unknownTotal?: boolean;
  /** Metadata blocks after STREAMINFO. */
  metadata?: { type: number; body: Uint8Array }[];
}

/** RFC 9639 §9.1.5: the UTF-8-like coded number (an L-byte form holds 5L + 1 bits). */
function codedNumber(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  let len = 2;
  while (n >= 2 ** (5 * len + 1)) len++;
  const out = new Uint8Array(len);
  out[0] = ((0xff << (8 - len)) & 0xff) | Math.floor(n / 2 ** (6 * (len - 1)));
  for (let i = 1; i < len; i++) out[i] = 0x80 | (Math.floor(n / 2 ** (6 * (len - 1 - i))) & 0x3f);
  return out;
}

function buildFlacFrame(o: {
  number: number;
  variable: boolean;
  channels: number;
  bits: number;
  samples: Int32Array;
  constant: boolean[];
}): Uint8Array {
  const blockSize = o.samples.length / o.channels;
  const depthCode = { 8: 1, 16: 4, 24: 6 }[o.bits] ?? 0;
  const header = concatBytes([
    Uint8Array.of(0xff, o.variable ? 0xf9 : 0xf8, (7 << 4) | 9, ((o.channels - 1) << 4) | (depthCode << 1)),
    codedNumber(o.number),
    Uint8Array.of((blockSize - 1) >> 8, (blockSize - 1) & 0xff),
  ]);
  const width = o.bits / 8;
  const parts: Uint8Array[] = [header, Uint8Array.of(crc8(header))];
  for (let c = 0; c < o.channels; c++) {
    const n = o.constant[c] ? 1 : blockSize;
    const sub = new Uint8Array(1 + n * width);
    sub[0] = o.constant[c] ? 0x00 : 0x02; // CONSTANT / VERBATIM, no wasted bits
    for (let i = 0; i < n; i++) {
      const s = o.constant[c] ? 0 : o.samples[i * o.channels + c]!;
      for (let k = 0; k < width; k++) sub[1 + i * width + k] = (s >> (8 * (width - 1 - k))) & 0xff;
    }
    parts.push(sub);
  }
  const frame = concatBytes(parts);
  const crc = crc16(frame);
  return concatBytes([frame, Uint8Array.of(crc >> 8, crc & 0xff)]);
}

export function buildFlac(o: FlacOptions = {}): Uint8Array {
  const channels = o.channels ?? 2;
  const bits = o.bits ?? 16;
  const sizes = o.blocks ?? [576, 576, 576, 300];
  const total = sizes.reduce((a, b) => a + b, 0);
  const samples = buildSineSamples(total, channels, bits);
  // Silence in the second channel of the second frame, coded as CONSTANT.
  const frames: Uint8Array[] = [];
  let first = 0;
  sizes.forEach((size, i) => {
    const constant = Array.from({ length: channels }, (_, c) => c === 1 && i === 1);
    const block = samples.slice(first * channels, (first + size) * channels);
    for (let j = 0; j < size; j++) if (constant[1]) block[j * channels + 1] = 0;
    samples.set(block, first * channels);
    frames.push(
      buildFlacFrame({
        number: o.variable ? first : i,
        variable: o.variable ?? false,
        channels,
        bits,
        samples: block,
        constant,
      }),
    );
    first += size;
  });
  const width = bits / 8;
  const pcm = new Uint8Array(samples.length * width);
  samples.forEach((s, i) => {
    for (let k = 0; k < width; k++) pcm[i * width + k] = (s >> (8 * k)) & 0xff;
  });
  const info = new Uint8Array(34);
  const dv = new DataView(info.buffer);
  // RFC 9639 §8.2: the minimum block size leaves out the last block.
  dv.setUint16(0, sizes.length > 1 ? Math.min(...sizes.slice(0, -1)) : sizes[0]!);
  dv.setUint16(2, Math.max(...sizes));
  dv.setUint32(10, (44100 << 12) | ((channels - 1) << 9) | ((bits - 1) << 4));
  dv.setUint32(14, o.unknownTotal ? 0 : total);
  info.set(createHash('md5').update(pcm).digest(), 18);
  const meta = [{ type: 0, body: info }, ...(o.metadata ?? [])];
  const blocks = meta.map((b, i) =>
    concatBytes([blockHeader(b.type, b.body.length, i === meta.length - 1), b.body]),
  );
  return concatBytes([asciiBytes('fLaC'), ...blocks, ...frames]);
}

function comment(vendor: string, entries: [string, string][]): { type: number; body: Uint8Array } {
  return {
    type: BLOCK_VORBIS_COMMENT,
    body: buildVorbisComment(
      vendor,
      entries.map(([k, v]) => buildVorbisEntry(k, v)),
    ),
  };
}

const padding = (n: number) => ({ type: BLOCK_PADDING, body: new Uint8Array(n) });

export function buildFlacFixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-flac');
  const seektable = { type: 3, body: new Uint8Array(18) };
  const application = {
    type: 2,
    body: concatBytes([asciiBytes('sgt1'), Uint8Array.of(1, 2, 3, 0xff, 0xf8)]),
  };
  const libflac = 'reference libFLAC 1.4.3 20230623';
  return Promise.resolve([
    {
      name: 'stereo 16-bit, VORBIS_COMMENT + PADDING (as flac writes)',
      bytes: buildFlac({
        metadata: [
          seektable,
          comment(libflac, [
            ['TITLE', 'tone'],
            ['ENCODER', 'x'],
          ]),
          padding(1024),
        ],
      }),
      aigc: undefined,
    },
    {
      name: 'mono 8-bit, STREAMINFO only',
      bytes: buildFlac({ channels: 1, bits: 8, blocks: [192, 192, 100] }),
      aigc: undefined,
    },
    {
      name: 'variable block size, unknown total, VORBIS_COMMENT + APPLICATION, no padding',
      bytes: buildFlac({
        variable: true,
        unknownTotal: true,
        blocks: [256, 1024, 64, 512],
        metadata: [comment('Lavf60.16.100', [['title', '标题']]), application],
      }),
      aigc: undefined,
    },
    {
      name: 'no VORBIS_COMMENT, PADDING last',
      bytes: buildFlac({ channels: 3, blocks: [300, 300], metadata: [application, padding(700)] }),
      aigc: undefined,
    },
    {
      name: '24-bit, AIGC entry, PADDING after',
      bytes: buildFlac({
        bits: 24,
        blocks: [400, 123],
        metadata: [
          comment(libflac, [
            ['AIGC', existing],
            ['ARTIST', 'a'],
          ]),
          padding(500),
        ],
      }),
      aigc: existing,
    },
    {
      name: 'lower-case aigc entry, no padding',
      bytes: buildFlac({
        blocks: [128, 128],
        metadata: [
          comment('', [
            ['Comment', 'c'],
            ['aigc', '人工智能'],
          ]),
        ],
      }),
      aigc: '人工智能',
    },
  ]);
}

export const flacProbes: Probes = {
  decode: (file) => {
    const { blocks, audioStart, frames } = walkFlac(file);
    return Promise.resolve({
      info: sha256Hex(file.subarray(blocks[0]!.dataStart, blocks[0]!.end)),
      frames: frames.count,
      audio: sha256Hex(file.subarray(audioStart)),
    });
  },
  preserved: (file) => {
    const { blocks } = walkFlac(file);
    const others = blocks
      .filter((b) => b.type !== BLOCK_VORBIS_COMMENT && b.type !== BLOCK_PADDING && b.type !== 0)
      .map((b) => [b.type, sha256Hex(file.subarray(b.dataStart, b.end))]);
    const vc = blocks.find((b) => b.type === BLOCK_VORBIS_COMMENT);
    if (vc === undefined) return Promise.resolve({ others, vendor: '', comments: [] });
    const layout = parseVorbisComment(file, vc.dataStart, vc.end);
    const comments = layout.entries
      .filter((e) => e.key?.toUpperCase() !== 'AIGC')
      .map((e) => sha256Hex(file.subarray(e.textStart, e.end)));
    return Promise.resolve({ others, vendor: vorbisVendor(file, layout), comments });
  },
  /** Blanks block lengths, last flags and the comment count; drops PADDING blocks. */
  normalize: (file) => {
    const { blocks, audioStart } = walkFlacMetadata(file);
    const parts: Uint8Array[] = [file.subarray(0, 4)];
    for (const b of blocks) {
      if (b.type === BLOCK_PADDING) continue;
      const body = file.slice(b.dataStart, b.end);
      if (b.type === BLOCK_VORBIS_COMMENT) {
        const { countAt } = parseVorbisComment(body);
        body.fill(0, countAt, countAt + 4);
      }
      parts.push(Uint8Array.of(b.type, 0, 0, 0), body);
    }
    parts.push(file.subarray(audioStart));
    return concatBytes(parts);
  },
  /** A second entry, with a lower-case key, appended to the VORBIS_COMMENT block. */
  addSecondField: (file, value) => {
    const { blocks, audioStart } = walkFlacMetadata(file);
    const parts: Uint8Array[] = [file.subarray(0, 4)];
    for (const b of blocks) {
      let body = file.subarray(b.dataStart, b.end);
      if (b.type === BLOCK_VORBIS_COMMENT) {
        const layout = parseVorbisComment(body);
        body = concatBytes([
          body.subarray(0, layout.end),
          buildVorbisEntry('aigc', value),
          body.subarray(layout.end),
        ]);
        new DataView(body.buffer, body.byteOffset).setUint32(layout.countAt, layout.entries.length + 1, true);
      }
      parts.push(blockHeader(b.type, body.length, b.last), body);
    }
    parts.push(file.subarray(audioStart));
    return concatBytes(parts);
  },
  /** Recomputes frame CRCs after mutations, cutting frames at every sync code. Never throws. */
  reseal: (file) => {
    const out = file.slice();
    let at = 4;
    for (;;) {
      if (at + 4 > out.length) return out;
      const last = (out[at]! & 0x80) !== 0;
      at += 4 + ((out[at + 1]! << 16) | (out[at + 2]! << 8) | out[at + 3]!);
      if (last) break;
    }
    const syncs: number[] = [];
    for (let p = at; p + 1 < out.length; p++)
      if (out[p] === 0xff && (out[p + 1]! & 0xfe) === 0xf8) syncs.push(p);
    syncs.forEach((s, i) => {
      const end = syncs[i + 1] ?? out.length;
      let h = s + 4;
      if (h >= end) return;
      const lead = out[h]!;
      h +=
        lead < 0x80
          ? 1
          : lead < 0xe0
            ? 2
            : lead < 0xf0
              ? 3
              : lead < 0xf8
                ? 4
                : lead < 0xfc
                  ? 5
                  : lead < 0xfe
                    ? 6
                    : 7;
      const bs = out[s + 2]! >> 4;
      const sr = out[s + 2]! & 0x0f;
      h += (bs === 6 ? 1 : bs === 7 ? 2 : 0) + (sr === 12 ? 1 : sr === 13 || sr === 14 ? 2 : 0);
      if (h + 3 > end) return;
      out[h] = crc8(out, s, h);
      const crc = crc16(out, s, end - 2);
      out[end - 2] = crc >> 8;
      out[end - 1] = crc & 0xff;
    });
    return out;
  },
};
