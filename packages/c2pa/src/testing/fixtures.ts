/** Test fixtures: small real images made by sharp (a root devDependency), never committed files. */
import sharp, { type Sharp } from 'sharp';

const base = (): Sharp =>
  sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 200, g: 30, b: 90 } } });

export async function buildJpeg(): Promise<Uint8Array> {
  return new Uint8Array(
    await base()
      .jpeg({ quality: 80 })
      .withMetadata({ exif: { IFD0: { Artist: 'synthguard test' } } })
      .toBuffer(),
  );
}

/** JFIF APP0 segment (JFIF 1.02 §A): version 1.01, no units, 1:1 density, no thumbnail. */
const APP0_JFIF = [
  0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
];

/** A JPEG starting SOI, APP0 (JFIF), APP1 (EXIF): sharp writes no APP0, so we add one. */
export async function buildJfif(): Promise<Uint8Array> {
  const jpeg = await buildJpeg();
  return new Uint8Array([...jpeg.subarray(0, 2), ...APP0_JFIF, ...jpeg.subarray(2)]);
}

export async function buildPng(): Promise<Uint8Array> {
  return new Uint8Array(
    await base()
      .png()
      .withMetadata({ exif: { IFD0: { Artist: 'synthguard test' } } })
      .toBuffer(),
  );
}

/** A copy of `file` with one byte of content flipped at `offset`. */
export function flipByte(file: Uint8Array, offset: number): Uint8Array {
  const out = file.slice();
  out[offset] = out[offset]! ^ 0x01;
  return out;
}

/**
 * An offset inside the media content whose change leaves the container parseable: a
 * quantisation value in JPEG's first DQT (a flipped entropy-coded byte can fake a marker), a
 * byte of PNG's first IDAT (readers skip CRCs), of the WebP VP8 chunk, of the WAV data chunk,
 * of the last MP3 frame's main data, of the MP4 mdat (the last box).
 */
export function contentOffset(file: Uint8Array, format: string): number {
  if (format === 'mp3' || format === 'mp4') return file.length - 100;
  const marker: Record<string, number[]> = {
    jpeg: [0xff, 0xdb],
    png: [...Buffer.from('IDAT')],
    webp: [...Buffer.from('VP8 ')],
    wav: [...Buffer.from('data')],
  };
  const type = marker[format];
  if (type === undefined) throw new Error(`no content marker for ${format}`);
  for (let i = 0; i + type.length < file.length; i++) {
    if (type.every((b, k) => file[i + k] === b)) return i + 12;
  }
  throw new Error('fixture has no content marker');
}

/** A simple-format (VP8 only) WebP and an extended one (VP8X + EXIF) from sharp. */
export async function buildWebp(extended = false): Promise<Uint8Array> {
  const img = extended ? base().withMetadata({ exif: { IFD0: { Artist: 'synthguard test' } } }) : base();
  return new Uint8Array(await img.webp({ quality: 80 }).toBuffer());
}

function riffChunk(id: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  out.set(Buffer.from(id, 'latin1'), 0);
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

/** PCM WAV (16-bit mono 8 kHz, a 440 Hz tone) with a LIST/INFO chunk and an odd-sized chunk. */
export function buildWav(samples = 800): Uint8Array {
  const fmt = new Uint8Array(16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, 1, true); // PCM
  f.setUint16(2, 1, true);
  f.setUint32(4, 8000, true);
  f.setUint32(8, 16000, true);
  f.setUint16(12, 2, true);
  f.setUint16(14, 16, true);
  const pcm = new Uint8Array(samples * 2);
  const p = new DataView(pcm.buffer);
  for (let i = 0; i < samples; i++)
    p.setInt16(i * 2, Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), true);
  const info = new Uint8Array([...Buffer.from('INFO'), ...riffChunk('INAM', Buffer.from('test\0'))]);
  const body = [Buffer.from('WAVE'), riffChunk('fmt ', fmt), riffChunk('LIST', info), riffChunk('data', pcm)];
  const size = body.reduce((n, b) => n + b.length, 0);
  const head = new Uint8Array(8);
  head.set(Buffer.from('RIFF'), 0);
  new DataView(head.buffer).setUint32(4, size, true);
  return new Uint8Array(Buffer.concat([head, ...body]));
}

/**
 * MPEG-1 Layer III frames (ISO/IEC 11172-3 §2.4.1: 128 kbit/s, 44.1 kHz, no CRC; all-zero side
 * information and main data decode as silence), optionally behind an ID3v2.3 tag with a TIT2
 * frame and padding.
 */
export function buildMp3(withTag: boolean, frames = 8): Uint8Array {
  const frameLength = 417; // 144 * 128000 / 44100, no padding bit
  const audio = new Uint8Array(frameLength * frames);
  for (let i = 0; i < frames; i++) audio.set([0xff, 0xfb, 0x90, 0x64], i * frameLength);
  if (!withTag) return audio;
  const text = Buffer.from('\0title', 'latin1');
  const tit2 = new Uint8Array(10 + text.length);
  tit2.set(Buffer.from('TIT2'), 0);
  new DataView(tit2.buffer).setUint32(4, text.length);
  tit2.set(text, 10);
  const padding = 32;
  const tag = new Uint8Array(10 + tit2.length + padding);
  tag.set([0x49, 0x44, 0x33, 3, 0, 0], 0);
  const size = tit2.length + padding;
  tag.set([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 6);
  tag.set(tit2, 10);
  return new Uint8Array(Buffer.concat([tag, audio]));
}

function bmffBox(type: string, ...children: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(children);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  return out;
}

function fullBox(type: string, body: Uint8Array): Uint8Array {
  return bmffBox(type, new Uint8Array(4), body);
}

/**
 * A small MP4 (ISO/IEC 14496-12): ftyp, moov with one track whose sample table points into
 * mdat through `stco` (or `co64`), a `free` box, then mdat. Only the box structure is real;
 * c2pa-rs and our code read boxes and chunk offsets, never samples.
 */
export function buildMp4(wideOffsets = false): Uint8Array {
  const ftyp = bmffBox('ftyp', Buffer.from('isom'), Uint8Array.of(0, 0, 2, 0), Buffer.from('isomiso2mp41'));
  const payload = new Uint8Array(400).map((_, i) => (i * 7) & 0xff);
  const offsetsBox = (mdatStart: number): Uint8Array => {
    const entries = [mdatStart + 8, mdatStart + 8 + 200];
    const body = new Uint8Array(4 + entries.length * (wideOffsets ? 8 : 4));
    const v = new DataView(body.buffer);
    v.setUint32(0, entries.length);
    entries.forEach((e, i) => {
      if (wideOffsets) v.setBigUint64(4 + i * 8, BigInt(e));
      else v.setUint32(4 + i * 4, e);
    });
    return fullBox(wideOffsets ? 'co64' : 'stco', body);
  };
  const moovFor = (mdatStart: number): Uint8Array =>
    bmffBox(
      'moov',
      fullBox('mvhd', new Uint8Array(96)),
      bmffBox(
        'trak',
        fullBox('tkhd', new Uint8Array(80)),
        bmffBox(
          'mdia',
          fullBox('mdhd', new Uint8Array(20)),
          bmffBox('minf', bmffBox('stbl', fullBox('stsd', new Uint8Array(4)), offsetsBox(mdatStart))),
        ),
      ),
    );
  const free = bmffBox('free', new Uint8Array(16));
  const moovLength = moovFor(0).length;
  const mdatStart = ftyp.length + moovLength + free.length;
  return new Uint8Array(Buffer.concat([ftyp, moovFor(mdatStart), free, bmffBox('mdat', payload)]));
}

/** The chunk offsets of the first stco/co64 box (test helper). */
export function chunkOffsets(file: Uint8Array): number[] {
  const at = Math.max(Buffer.from(file).indexOf('stco'), Buffer.from(file).indexOf('co64'));
  const wide = Buffer.from(file.subarray(at, at + 4)).toString() === 'co64';
  const v = new DataView(file.buffer, file.byteOffset);
  const count = v.getUint32(at + 8);
  return Array.from({ length: count }, (_, i) =>
    wide ? Number(v.getBigUint64(at + 12 + i * 8)) : v.getUint32(at + 12 + i * 4),
  );
}
