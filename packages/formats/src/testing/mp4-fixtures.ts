/**
 * Test-only MP4 / QuickTime fixtures, built in TypeScript from a small box tree (no muxer
 * needed): ftyp, moov (mvhd, trak/mdia/minf/stbl with stsd, stts, stsc, stsz and stco or co64),
 * mdat with pseudo-random chunks, and metadata in the shapes real writers use (iTunes `mdir`
 * meta, ffmpeg's `mdta` meta, QuickTime udta text atoms with the zero terminator, Apple's plain
 * movie-level meta). Chunk offsets are computed from the final layout, moov before or after mdat.
 *
 * The probes read the files with their own tiny box parser (not the handler's), so a bug in the
 * handler's walker or offset patching cannot hide itself: `decode` returns every chunk's bytes as
 * the chunk offset tables address them.
 */
import { asciiBytes, concatBytes, sha256Hex, utf8Decode, utf8Encode } from '@synthguard/core';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

// ---------------------------------------------------------------- a minimal box tree

export type Mp4Node =
  | { readonly type: string; readonly payload: Uint8Array }
  | { readonly type: string; readonly children: Mp4Node[]; readonly prefix?: Uint8Array }
  /** Bytes inside a container that are not a box (QuickTime's udta terminator). */
  | { readonly raw: Uint8Array };

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function u64(n: number): Uint8Array {
  return concatBytes([u32(Math.floor(n / 2 ** 32)), u32(n >>> 0)]);
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

function typeBytes(type: string): Uint8Array {
  return Uint8Array.from(type, (c) => c.charCodeAt(0));
}

export function serializeBox(node: Mp4Node): Uint8Array {
  if ('raw' in node) return node.raw;
  const payload =
    'payload' in node
      ? node.payload
      : concatBytes([node.prefix ?? new Uint8Array(0), ...node.children.map(serializeBox)]);
  return concatBytes([u32(8 + payload.length), typeBytes(node.type), payload]);
}

export const leaf = (type: string, payload: Uint8Array): Mp4Node => ({ type, payload });
export const box = (type: string, children: Mp4Node[], prefix?: Uint8Array): Mp4Node => ({
  type,
  children,
  ...(prefix === undefined ? {} : { prefix }),
});
const full = (type: string, versionFlags: number, body: Uint8Array): Mp4Node =>
  leaf(type, concatBytes([u32(versionFlags), body]));

// ---------------------------------------------------------------- metadata shapes

/** A `data` atom: type 1 (UTF-8), locale 0. */
export function buildDataAtom(text: string, type = 1): Mp4Node {
  return leaf('data', concatBytes([u32(type), u32(0), utf8Encode(text)]));
}

function hdlr(handler: string, vendor = '\0\0\0\0'): Mp4Node {
  return full('hdlr', 0, concatBytes([u32(0), asciiBytes(handler), asciiBytes(vendor), new Uint8Array(9)]));
}

/** iTunes-style metadata (handler 'mdir', ilst items named by atom type), a full box. */
export function buildItunesMeta(items: [string, string][]): Mp4Node {
  return box(
    'meta',
    [
      hdlr('mdir', 'appl'),
      box(
        'ilst',
        items.map(([type, text]) => box(type, [buildDataAtom(text)])),
      ),
    ],
    u32(0),
  );
}

/** An mdta meta with the given key names and raw ilst items (for malformed or forged shapes). */
export function buildMdtaMetaRaw(keyNames: string[], items: Mp4Node[], plain = false): Mp4Node {
  const keys = keyNames.map((k) =>
    concatBytes([u32(8 + utf8Encode(k).length), asciiBytes('mdta'), utf8Encode(k)]),
  );
  return box(
    'meta',
    [hdlr('mdta'), full('keys', 0, concatBytes([u32(keyNames.length), ...keys])), box('ilst', items)],
    plain ? undefined : u32(0),
  );
}

/** An ilst item for 1-based key `index` holding `children` (normally one data atom). */
export function buildItem(index: number, children: Mp4Node[]): Mp4Node {
  return box(String.fromCharCode(...u32(index)), children);
}

/** QuickTime metadata (handler 'mdta'): keys and 1-based ilst items; `plain` drops version/flags. */
export function buildMdtaMeta(entries: [string, string][], plain = false): Mp4Node {
  return buildMdtaMetaRaw(
    entries.map(([k]) => k),
    entries.map(([, v], i) => buildItem(i + 1, [buildDataAtom(v)])),
    plain,
  );
}

/** iTunes metadata holding a freeform `----` item (mean com.apple.iTunes, name `name`). */
export function buildItunesFreeform(name: string, value: string): Mp4Node {
  const text = (t: string) => leaf(t === name ? 'name' : 'mean', concatBytes([u32(0), utf8Encode(t)]));
  return box(
    'meta',
    [
      hdlr('mdir', 'appl'),
      box('ilst', [box('----', [text('com.apple.iTunes'), text(name), buildDataAtom(value)])]),
    ],
    u32(0),
  );
}

/** A QuickTime user data text atom ('©nam'): size-prefixed text with a language code. */
export function buildQuickTimeText(type: string, text: string): Mp4Node {
  const bytes = utf8Encode(text);
  return leaf(type, concatBytes([u16(bytes.length), u16(0x55c4), bytes]));
}

export const UDTA_TERMINATOR: Mp4Node = { raw: new Uint8Array(4) };

// ---------------------------------------------------------------- movies

export interface Mp4Options {
  /** Major brand of `ftyp`; `null` writes no ftyp (old QuickTime). */
  brand?: string | null;
  moovFirst?: boolean;
  co64?: boolean;
  /** mdat with a 64-bit largesize header. */
  largeMdat?: boolean;
  /** udta children; undefined writes no udta. */
  udta?: Mp4Node[];
  /** moov-level boxes after the tracks (QuickTime movie-level meta). */
  moovExtra?: Mp4Node[];
  /** Top-level boxes right after ftyp, and right after the moov. */
  afterFtyp?: Mp4Node[];
  afterMoov?: Mp4Node[];
  /** Chunk sizes per track (one sample per chunk). */
  tracks?: number[][];
  /** Boxes appended to every track's stbl (e.g. `saio`). */
  stblExtra?: Mp4Node[];
}

/** Deterministic pseudo-random bytes (xorshift), so chunks differ from each other. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function buildTrak(id: number, sizes: number[], offsets: number[], co64: boolean, extra: Mp4Node[]): Mp4Node {
  const n = sizes.length;
  const stbl = box('stbl', [
    full('stsd', 0, u32(0)),
    full('stts', 0, concatBytes([u32(1), u32(n), u32(1000)])),
    full('stsc', 0, concatBytes([u32(1), u32(1), u32(1), u32(1)])),
    full('stsz', 0, concatBytes([u32(0), u32(n), ...sizes.map(u32)])),
    co64
      ? full('co64', 0, concatBytes([u32(n), ...offsets.map(u64)]))
      : full('stco', 0, concatBytes([u32(n), ...offsets.map(u32)])),
    ...extra,
  ]);
  return box('trak', [
    full('tkhd', 3, concatBytes([new Uint8Array(8), u32(id), new Uint8Array(68)])),
    box('mdia', [
      full('mdhd', 0, concatBytes([new Uint8Array(8), u32(1000), u32(n * 1000), u32(0)])),
      hdlr(id === 1 ? 'vide' : 'soun'),
      box('minf', [box('dinf', [full('dref', 0, u32(0))]), stbl]),
    ]),
  ]);
}

export function buildMp4(o: Mp4Options = {}): Uint8Array {
  const tracks = o.tracks ?? [
    [40, 33, 51],
    [17, 25, 9],
  ];
  // Interleave the chunks: track 1 chunk 1, track 2 chunk 1, ...
  const rel: number[][] = tracks.map(() => []);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let c = 0; c < Math.max(...tracks.map((t) => t.length)); c++) {
    tracks.forEach((sizes, t) => {
      const size = sizes[c];
      if (size === undefined) return;
      rel[t]!.push(at);
      parts.push(noise(size, 100 * t + c + 1));
      at += size;
    });
  }
  const media = concatBytes(parts);
  const mdatHeader = o.largeMdat
    ? concatBytes([u32(1), asciiBytes('mdat'), u64(16 + media.length)])
    : concatBytes([u32(8 + media.length), asciiBytes('mdat')]);
  const mdat = concatBytes([mdatHeader, media]);
  const moovFor = (base: number): Uint8Array =>
    serializeBox(
      box('moov', [
        full('mvhd', 0, concatBytes([new Uint8Array(8), u32(1000), u32(3000), new Uint8Array(80)])),
        ...tracks.map((sizes, t) =>
          buildTrak(
            t + 1,
            sizes,
            rel[t]!.map((r) => base + r),
            o.co64 === true,
            o.stblExtra ?? [],
          ),
        ),
        ...(o.udta === undefined ? [] : [box('udta', o.udta)]),
        ...(o.moovExtra ?? []),
      ]),
    );
  const brand = o.brand === undefined ? 'isom' : o.brand;
  const ftyp =
    brand === null
      ? new Uint8Array(0)
      : serializeBox(leaf('ftyp', concatBytes([asciiBytes(brand), u32(512), asciiBytes(`${brand}mp41`)])));
  const head = concatBytes([ftyp, ...(o.afterFtyp ?? []).map(serializeBox)]);
  const afterMoov = concatBytes((o.afterMoov ?? []).map(serializeBox));
  if (o.moovFirst === true) {
    const moovSize = moovFor(0).length;
    const base = head.length + moovSize + afterMoov.length + mdatHeader.length;
    return concatBytes([head, moovFor(base), afterMoov, mdat]);
  }
  return concatBytes([head, mdat, moovFor(head.length + mdatHeader.length), afterMoov]);
}

// ---------------------------------------------------------------- an independent reader

interface Parsed {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly body: number;
}

/** Top-level or child boxes of [start, end); test files only (trusted). */
export function listBoxes(file: Uint8Array, start: number, end: number): Parsed[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Parsed[] = [];
  let at = start;
  while (at + 8 <= end) {
    let size = dv.getUint32(at);
    let body = at + 8;
    if (size === 1) {
      size = dv.getUint32(at + 8) * 2 ** 32 + dv.getUint32(at + 12);
      body = at + 16;
    } else if (size === 0) size = end - at;
    out.push({
      type: String.fromCharCode(...file.subarray(at + 4, at + 8)),
      start: at,
      end: at + size,
      body,
    });
    at += size;
  }
  return out;
}

function child(file: Uint8Array, parent: Parsed, type: string, skip = 0): Parsed[] {
  return listBoxes(file, parent.body + skip, parent.end).filter((b) => b.type === type);
}

function metaSkip(file: Uint8Array, meta: Parsed): number {
  return String.fromCharCode(...file.subarray(meta.body + 4, meta.body + 8)) === 'hdlr' ? 0 : 4;
}

/** The chunks of every track, as its chunk offset table and stsz address them. */
export function readChunks(file: Uint8Array): string[][] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const moov = listBoxes(file, 0, file.length).find((b) => b.type === 'moov')!;
  return child(file, moov, 'trak').map((trak) => {
    const stbl = child(file, child(file, child(file, trak, 'mdia')[0]!, 'minf')[0]!, 'stbl')[0]!;
    const stsz = child(file, stbl, 'stsz')[0]!;
    const table = [...child(file, stbl, 'stco'), ...child(file, stbl, 'co64')][0]!;
    const n = dv.getUint32(table.body + 4);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const o =
        table.type === 'co64'
          ? dv.getUint32(table.body + 8 + 8 * i) * 2 ** 32 + dv.getUint32(table.body + 12 + 8 * i)
          : dv.getUint32(table.body + 8 + 4 * i);
      const size = dv.getUint32(stsz.body + 12 + 4 * i);
      out.push(sha256Hex(file.subarray(o, o + size)));
    }
    return out;
  });
}

/** Every mdta key -> value pair, in order, from moov/meta and moov/udta/meta. */
export function readMdtaKeys(file: Uint8Array): [string, string][] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const moov = listBoxes(file, 0, file.length).find((b) => b.type === 'moov')!;
  const metas = [
    ...child(file, moov, 'meta'),
    ...child(file, moov, 'udta').flatMap((u) => child(file, u, 'meta')),
  ];
  const out: [string, string][] = [];
  for (const meta of metas) {
    const skip = metaSkip(file, meta);
    const keysBox = child(file, meta, 'keys', skip)[0];
    const ilst = child(file, meta, 'ilst', skip)[0];
    if (keysBox === undefined || ilst === undefined) continue;
    const names: string[] = [];
    let at = keysBox.body + 8;
    for (let i = 0; i < dv.getUint32(keysBox.body + 4); i++) {
      const size = dv.getUint32(at);
      names.push(utf8Decode(file.subarray(at + 8, at + size)));
      at += size;
    }
    for (const item of listBoxes(file, ilst.body, ilst.end)) {
      const data = listBoxes(file, item.body, item.end)[0]!;
      out.push([
        names[dv.getUint32(item.start + 4) - 1]!,
        utf8Decode(file.subarray(data.body + 8, data.end)),
      ]);
    }
  }
  return out;
}

/** Shifts every stco / co64 entry at or after `from` by `delta` (in place). */
function shiftChunkOffsets(file: Uint8Array, from: number, delta: number): void {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const moov = listBoxes(file, 0, file.length).find((b) => b.type === 'moov')!;
  for (const trak of child(file, moov, 'trak')) {
    const stbl = child(file, child(file, child(file, trak, 'mdia')[0]!, 'minf')[0]!, 'stbl')[0]!;
    for (const t of [...child(file, stbl, 'stco'), ...child(file, stbl, 'co64')]) {
      const w = t.type === 'co64' ? 8 : 4;
      for (let i = 0; i < dv.getUint32(t.body + 4); i++) {
        const at = t.body + 8 + w * i;
        const o = w === 8 ? dv.getUint32(at) * 2 ** 32 + dv.getUint32(at + 4) : dv.getUint32(at);
        if (o < from) continue;
        if (w === 8) {
          dv.setUint32(at, Math.floor((o + delta) / 2 ** 32));
          dv.setUint32(at + 4, (o + delta) >>> 0);
        } else dv.setUint32(at, o + delta);
      }
    }
  }
}

/**
 * Appends `extra` (serialized boxes) at the end of the moov, fixing its size and, when media
 * follows the moov, every chunk offset: how a second, forged label would be added.
 */
export function appendToMoov(file: Uint8Array, extra: Uint8Array): Uint8Array {
  const moov = listBoxes(file, 0, file.length).find((b) => b.type === 'moov')!;
  const out = concatBytes([file.subarray(0, moov.end), extra, file.subarray(moov.end)]);
  new DataView(out.buffer).setUint32(moov.start, moov.end - moov.start + extra.length);
  shiftChunkOffsets(out, moov.end, extra.length);
  return out;
}

// ---------------------------------------------------------------- conformance fixtures

export function buildMp4Fixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-mp4');
  const appleMake = (extra: [string, string][] = []): Mp4Node =>
    buildMdtaMeta([['com.apple.quicktime.make', 'Apple'], ...extra], true);
  return Promise.resolve([
    {
      name: 'mp4, mdat then moov, no user data',
      bytes: buildMp4({ afterFtyp: [leaf('free', new Uint8Array(4))] }),
      aigc: undefined,
    },
    {
      name: 'mp4 faststart (moov first), iTunes title, free after moov',
      bytes: buildMp4({
        moovFirst: true,
        udta: [
          buildItunesMeta([
            ['\xa9nam', 'Hello'],
            ['\xa9too', 'Lavf59'],
          ]),
        ],
        afterMoov: [leaf('free', new Uint8Array(0))],
      }),
      aigc: undefined,
    },
    {
      name: 'mp4 moov first, co64, 64-bit mdat, ffmpeg mdta meta with AIGC between title and encoder',
      bytes: buildMp4({
        moovFirst: true,
        co64: true,
        largeMdat: true,
        udta: [
          buildMdtaMeta([
            ['title', '标题'],
            ['AIGC', existing],
            ['encoder', 'Lavf59'],
          ]),
        ],
      }),
      aigc: existing,
    },
    {
      name: 'mov: qt brand, wide, mdat then moov, QuickTime udta text + terminator, Apple movie meta',
      bytes: buildMp4({
        brand: 'qt  ',
        afterFtyp: [leaf('wide', new Uint8Array(0))],
        udta: [buildQuickTimeText('\xa9nam', 'Clip'), UDTA_TERMINATOR],
        moovExtra: [appleMake()],
      }),
      aigc: undefined,
    },
    {
      name: 'QuickTime without ftyp, moov first, udta mdta meta with a title',
      bytes: buildMp4({ brand: null, moovFirst: true, udta: [buildMdtaMeta([['title', 'Old movie']])] }),
      aigc: undefined,
    },
    {
      name: 'mov moov first, AIGC in the Apple movie-level meta (plain atom)',
      bytes: buildMp4({
        brand: 'qt  ',
        moovFirst: true,
        moovExtra: [appleMake([['AIGC', '标签 x']])],
        tracks: [[30, 30]],
      }),
      aigc: '标签 x',
    },
  ]);
}

type Probes = Pick<AigcConformanceOptions, 'decode' | 'preserved' | 'addSecondField'>;

export const mp4Probes: Probes = {
  decode: (file) => Promise.resolve(readChunks(file)),
  preserved: (file) => {
    const top = listBoxes(file, 0, file.length);
    const moov = top.find((b) => b.type === 'moov')!;
    const hash = (b: Parsed): string => `${b.type}:${sha256Hex(file.subarray(b.start, b.end))}`;
    const udta = child(file, moov, 'udta').flatMap((u) => listBoxes(file, u.body, u.end));
    return Promise.resolve({
      top: top.filter((b) => b.type !== 'moov' && b.type !== 'mdat').map(hash),
      moov: listBoxes(file, moov.body, moov.end)
        .filter((b) => b.type === 'mvhd')
        .map(hash),
      // Other user data (mdta metas change with the key, their other keys are compared below).
      udta: udta.filter((b) => b.type !== 'meta' || metaHandler(file, b) !== 'mdta').map(hash),
      keys: readMdtaKeys(file).filter(([k]) => k.toUpperCase() !== 'AIGC'),
    });
  },
  addSecondField: (file, value) => appendToMoov(file, serializeBox(buildMdtaMeta([['AIGC', value]], true))),
};

function metaHandler(file: Uint8Array, meta: Parsed): string {
  const h = child(file, meta, 'hdlr', metaSkip(file, meta))[0];
  return h === undefined ? '' : String.fromCharCode(...file.subarray(h.body + 8, h.body + 12));
}
