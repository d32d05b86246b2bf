/**
 * Test-only MP4 builder (not exported from the package index): the smallest movies the MP4
 * carrier labels, ftyp + moov (one track whose stbl holds only a chunk offset table, 32 or 64
 * bit) + mdat of pseudo-random chunks, moov before the media (faststart: labeling moves every
 * chunk and patches the offsets) or after it. The full fixture set lives in
 * @synthguard/formats' own tests, which this package cannot import.
 */

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function boxOf(type: string, ...payload: Uint8Array[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

function fullBox(type: string, ...payload: Uint8Array[]): Buffer {
  return boxOf(type, u32(0), ...payload);
}

export interface Mp4BuildOptions {
  /** moov before mdat (faststart), the layout where labeling shifts the chunk offsets. */
  readonly moovFirst?: boolean;
  /** 64-bit chunk offsets (co64) instead of stco. */
  readonly co64?: boolean;
  /** Chunk sizes; each chunk is deterministic noise seeded by its index. */
  readonly chunks?: readonly number[];
  /** Extra moov children after the track (e.g. a udta). */
  readonly moovExtra?: readonly Uint8Array[];
}

function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = (seed + 1) * 2654435761;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function buildMp4(o: Mp4BuildOptions = {}): Uint8Array {
  const chunks = (o.chunks ?? [300, 120, 77]).map((n, i) => noise(n, i));
  const rel: number[] = [];
  let at = 0;
  for (const c of chunks) {
    rel.push(at);
    at += c.length;
  }
  const ftyp = boxOf('ftyp', Buffer.from('isom', 'latin1'), u32(512), Buffer.from('isommp41', 'latin1'));
  const mdat = boxOf('mdat', ...chunks);
  const moovAt = (base: number): Buffer => {
    const offsets = rel.map((r) => base + r);
    const table = o.co64
      ? fullBox(
          'co64',
          u32(offsets.length),
          ...offsets.flatMap((n) => [u32(Math.floor(n / 2 ** 32)), u32(n >>> 0)]),
        )
      : fullBox('stco', u32(offsets.length), ...offsets.map(u32));
    const trak = boxOf('trak', boxOf('mdia', boxOf('minf', boxOf('stbl', table))));
    return boxOf('moov', trak, ...(o.moovExtra ?? []));
  };
  if (o.moovFirst === true) {
    const size = moovAt(0).length;
    return new Uint8Array(Buffer.concat([ftyp, moovAt(ftyp.length + size + 8), mdat]));
  }
  return new Uint8Array(Buffer.concat([ftyp, mdat, moovAt(ftyp.length + 8)]));
}

/** A udta holding a QuickTime-style text atom ('©nam'), metadata the label must not disturb. */
export function buildUdtaTitle(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt16BE(bytes.length, 0);
  len.writeUInt16BE(0x55c4, 2);
  return boxOf('udta', boxOf('\xa9nam', len, bytes));
}
