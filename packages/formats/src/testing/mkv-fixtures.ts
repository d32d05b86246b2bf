/**
 * Test-only Matroska/WebM fixtures, built byte by byte (RFC 8794 EBML, RFC 9559 Matroska): EBML
 * header, Segment of known or unknown size, SeekHead (+ Void), Info, Tracks, Tags, Clusters of
 * SimpleBlocks (known or unknown size, with or without a Position), Cues, CRC-32 elements where
 * ffmpeg writes them. Positions (SeekPosition, CueClusterPosition, Cluster Position) are laid
 * out until they settle. Plus the probes, forger and reseal for runAigcFieldConformance.
 */
import { concatBytes, sha256Hex, utf8Encode } from '@synthguard/core';
import { crc32 } from 'node:zlib';
import { type EbmlElement, readHeader } from '../mkv/element.js';
import { walkMatroska } from '../mkv/walk.js';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

type Probes = Pick<
  AigcConformanceOptions,
  'decode' | 'preserved' | 'addSecondField' | 'reseal' | 'normalize'
>;

// ---------------------------------------------------------------- element builders

/** An EBML size VINT: the shortest, or `width` bytes; 'unknown' is all ones. */
function sizeVint(size: number | 'unknown', width?: number): Uint8Array {
  if (size === 'unknown') {
    const w = width ?? 1;
    const out = new Uint8Array(w).fill(0xff);
    out[0] = 0xff >> (w - 1);
    return out;
  }
  let w = width ?? 1;
  while (size > 2 ** (7 * w) - 2) w++;
  const out = new Uint8Array(w);
  let v = size;
  for (let k = w - 1; k >= 0; k--) {
    out[k] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] = out[0]! | (0x80 >> (w - 1));
  return out;
}

function idBytes(id: number): Uint8Array {
  const hex = id.toString(16);
  return Uint8Array.from(hex.padStart(hex.length + (hex.length % 2), '0').match(/../g)!, (h) =>
    parseInt(h, 16),
  );
}

export function buildEl(id: number, ...data: Uint8Array[]): Uint8Array {
  const body = concatBytes(data);
  return concatBytes([idBytes(id), sizeVint(body.length), body]);
}

/** A master with a CRC-32 first child over the other children (RFC 8794 §11.3.1). */
export function buildCrcEl(id: number, ...data: Uint8Array[]): Uint8Array {
  const body = concatBytes(data);
  const crc = crc32(body);
  return buildEl(
    id,
    Uint8Array.of(0xbf, 0x84, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24),
    body,
  );
}

function uintData(v: number, width?: number): Uint8Array {
  let w = width ?? 1;
  while (w < 8 && v >= 2 ** (8 * w)) w++;
  const out = new Uint8Array(w);
  let x = v;
  for (let k = w - 1; k >= 0; k--) {
    out[k] = x % 256;
    x = Math.floor(x / 256);
  }
  return out;
}

export const buildUint = (id: number, v: number, width?: number): Uint8Array =>
  buildEl(id, uintData(v, width));
function buildFloat(id: number, v: number): Uint8Array {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setFloat64(0, v);
  return buildEl(id, data);
}

export const buildStr = (id: number, s: string): Uint8Array => buildEl(id, utf8Encode(s));

/** A SimpleTag: TagName, optional TagLanguage, TagString. */
export function buildSimpleTag(name: string, value: string, language?: string): Uint8Array {
  return buildEl(
    0x67c8,
    buildStr(0x45a3, name),
    ...(language === undefined ? [] : [buildStr(0x447a, language)]),
    buildStr(0x4487, value),
  );
}

/** A Tag; `trackUid` targets one track, else the whole Segment (empty Targets). */
export function buildTag(simpleTags: Uint8Array[], trackUid?: number): Uint8Array {
  const targets = trackUid === undefined ? buildEl(0x63c0) : buildEl(0x63c0, buildUint(0x63c5, trackUid, 8));
  return buildEl(0x7373, targets, ...simpleTags);
}

// ---------------------------------------------------------------- whole files

export interface MkvOptions {
  docType?: 'matroska' | 'webm';
  unknownSegment?: boolean;
  unknownClusters?: boolean;
  /** CRC-32 in SeekHead, Info, Tracks, Tags, Cues and Clusters (as ffmpeg writes Matroska). */
  crc?: boolean;
  seekHead?: boolean;
  /** Data size of a Void after the SeekHead (ffmpeg reserves room there). */
  voidAfterSeekHead?: number;
  /** Tag elements of a Tags element before the Clusters, and after them. */
  tags?: Uint8Array[];
  tagsAfterClusters?: Uint8Array[];
  cues?: 'after' | 'before' | 'none';
  clusters?: number;
  clusterPosition?: boolean;
}

export interface BuiltMkv {
  readonly bytes: Uint8Array;
  /** Cuts that leave a complete shorter file (unknown-size Segment: element boundaries after Info). */
  readonly validCuts: number[];
}

const TRACK_UID = 0x112233445566;

function buildCluster(
  o: MkvOptions,
  index: number,
  position: number,
): { bytes: Uint8Array; childEnds: number[] } {
  const kids: Uint8Array[] = [buildUint(0xe7, index * 100)];
  if (o.clusterPosition === true) kids.push(buildUint(0xa7, position));
  for (let b = 0; b < 3; b++) {
    const payload = Uint8Array.from(
      { length: 20 + b * 7 + index },
      (_, i) => (i * 31 + b + index * 7) & 0xff,
    );
    kids.push(buildEl(0xa3, Uint8Array.of(0x81, 0, b * 3, 0x80), payload));
  }
  if (o.unknownClusters === true) {
    const header = concatBytes([idBytes(0x1f43b675), sizeVint('unknown')]);
    const childEnds: number[] = [header.length];
    let at = header.length;
    for (const k of kids) childEnds.push((at += k.length));
    return { bytes: concatBytes([header, ...kids]), childEnds };
  }
  return {
    bytes: o.crc === true ? buildCrcEl(0x1f43b675, ...kids) : buildEl(0x1f43b675, ...kids),
    childEnds: [],
  };
}

export function buildMkv(o: MkvOptions = {}): BuiltMkv {
  const master = (id: number, ...data: Uint8Array[]) =>
    o.crc === true ? buildCrcEl(id, ...data) : buildEl(id, ...data);
  const docType = o.docType ?? 'matroska';
  const header = buildEl(
    0x1a45dfa3,
    buildUint(0x4286, 1),
    buildUint(0x42f7, 1),
    buildUint(0x42f2, 4),
    buildUint(0x42f3, 8),
    buildStr(0x4282, docType),
    buildUint(0x4287, 4),
    buildUint(0x4285, 2),
  );
  const info = master(
    0x1549a966,
    buildUint(0x2ad7b1, 1000000),
    buildStr(0x7ba9, 'Tone 标题'),
    buildStr(0x4d80, 'synthguard-test'),
    buildStr(0x5741, 'synthguard-test'),
  );
  const tracks = master(
    0x1654ae6b,
    buildEl(
      0xae,
      buildUint(0xd7, 1),
      buildUint(0x73c5, TRACK_UID, 8),
      buildUint(0x83, 2),
      buildStr(0x86, 'A_PCM/INT/LIT'),
      buildEl(0xe1, buildFloat(0xb5, 8000), buildUint(0x9f, 1), buildUint(0x6264, 16)),
    ),
  );
  const tagsBefore = o.tags === undefined ? undefined : master(0x1254c367, ...o.tags);
  const tagsAfter =
    o.tagsAfterClusters === undefined ? undefined : master(0x1254c367, ...o.tagsAfterClusters);
  const clusterCount = o.clusters ?? 2;
  const cuesMode = o.cues ?? 'after';

  // Lay out until the positions settle: [SeekHead, Void, Info, Tracks, (Cues), Tags, Clusters, (Cues), Tags].
  let pos = new Map<string, number>();
  let built: { name: string; bytes: Uint8Array; childEnds: number[] }[] = [];
  for (let round = 0; round < 8; round++) {
    const p = (k: string) => pos.get(k) ?? 0;
    const cues =
      cuesMode === 'none'
        ? undefined
        : master(
            0x1c53bb6b,
            ...Array.from({ length: clusterCount }, (_, i) =>
              buildEl(
                0xbb,
                buildUint(0xb3, i * 100),
                buildEl(0xb7, buildUint(0xf7, 1), buildUint(0xf1, p(`cluster${i}`)), buildUint(0xf0, 3)),
              ),
            ),
          );
    const seeks: Uint8Array[] = [];
    const seek = (id: number, key: string) =>
      seeks.push(buildEl(0x4dbb, buildEl(0x53ab, idBytes(id)), buildUint(0x53ac, p(key))));
    seek(0x1549a966, 'info');
    seek(0x1654ae6b, 'tracks');
    if (tagsBefore !== undefined) seek(0x1254c367, 'tagsBefore');
    if (tagsAfter !== undefined) seek(0x1254c367, 'tagsAfter');
    if (cues !== undefined) seek(0x1c53bb6b, 'cues');
    const list: { name: string; bytes: Uint8Array; childEnds: number[] }[] = [];
    const add = (name: string, bytes: Uint8Array | undefined, childEnds: number[] = []) => {
      if (bytes !== undefined) list.push({ name, bytes, childEnds });
    };
    if (o.seekHead !== false) add('seekHead', master(0x114d9b74, ...seeks));
    if (o.voidAfterSeekHead !== undefined) add('void', buildEl(0xec, new Uint8Array(o.voidAfterSeekHead)));
    add('info', info);
    add('tracks', tracks);
    if (cuesMode === 'before') add('cues', cues);
    add('tagsBefore', tagsBefore);
    for (let i = 0; i < clusterCount; i++) {
      const c = buildCluster(o, i, p(`cluster${i}`));
      add(`cluster${i}`, c.bytes, c.childEnds);
    }
    if (cuesMode === 'after') add('cues', cues);
    add('tagsAfter', tagsAfter);
    const next = new Map<string, number>();
    let at = 0;
    for (const e of list) {
      next.set(e.name, at);
      at += e.bytes.length;
    }
    built = list;
    if ([...next].every(([k, v]) => pos.get(k) === v)) break;
    pos = next;
  }
  const data = concatBytes(built.map((e) => e.bytes));
  const segHeader = concatBytes([
    idBytes(0x18538067),
    o.unknownSegment === true ? sizeVint('unknown', 8) : sizeVint(data.length, 8),
  ]);
  const bytes = concatBytes([header, segHeader, data]);
  const validCuts: number[] = [];
  if (o.unknownSegment === true) {
    let at = header.length + segHeader.length;
    let infoSeen = false;
    for (const e of built) {
      if (infoSeen) {
        validCuts.push(at);
        for (const end of e.childEnds) validCuts.push(at + end);
      }
      if (e.name === 'info') infoSeen = true;
      at += e.bytes.length;
    }
  }
  return { bytes, validCuts };
}

export function buildMkvFixtures(): Promise<AigcConformanceFixture[]> {
  const existing = buildAigcValue('existing-mkv');
  const encoder = buildSimpleTag('ENCODER', 'Lavf59.27.100');
  const trackTag = buildTag(
    [
      buildSimpleTag('ENCODER', 'Lavc59.37.100 libx264'),
      buildSimpleTag('DURATION', '00:00:01.000000000\0\0'),
    ],
    TRACK_UID,
  );
  const live = buildMkv({
    unknownSegment: true,
    unknownClusters: true,
    seekHead: false,
    cues: 'none',
    clusters: 3,
  });
  const liveCues = buildMkv({ unknownSegment: true, docType: 'webm', voidAfterSeekHead: 20 });
  return Promise.resolve([
    {
      name: 'webm: SeekHead + Void, Info, Tracks, Clusters, Cues; no Tags',
      bytes: buildMkv({ docType: 'webm', voidAfterSeekHead: 60 }).bytes,
      aigc: undefined,
    },
    {
      name: 'matroska as ffmpeg writes it: CRC-32s, global and track Tags',
      bytes: buildMkv({ crc: true, voidAfterSeekHead: 80, tags: [buildTag([encoder]), trackTag] }).bytes,
      aigc: undefined,
    },
    {
      name: 'matroska live: unknown-size Segment and Clusters, no SeekHead, no Cues, no Tags',
      bytes: live.bytes,
      aigc: undefined,
      validCuts: live.validCuts,
    },
    {
      name: 'webm: unknown-size Segment, known-size Clusters, Cues',
      bytes: liveCues.bytes,
      aigc: undefined,
      validCuts: liveCues.validCuts,
    },
    {
      name: 'matroska: track Tags only (one holds a track-level AIGC), Cues before the Clusters',
      bytes: buildMkv({
        cues: 'before',
        tags: [trackTag, buildTag([buildSimpleTag('AIGC', 'a track tag, not the label')], TRACK_UID)],
      }).bytes,
      aigc: undefined,
    },
    {
      name: 'matroska: AIGC in the global Tag (with TagLanguage), Cluster Positions, CRC-32s',
      bytes: buildMkv({
        crc: true,
        clusterPosition: true,
        tags: [
          buildTag([encoder, buildSimpleTag('AIGC', existing, 'und'), buildSimpleTag('COMMENT', 'c')]),
          trackTag,
        ],
      }).bytes,
      aigc: existing,
    },
    {
      name: 'webm: lower-case aigc alone in a Tags after the Clusters, indexed by the SeekHead',
      bytes: buildMkv({
        docType: 'webm',
        tagsAfterClusters: [buildTag([buildSimpleTag('aigc', '人工智能生成 𝄞')])],
      }).bytes,
      aigc: '人工智能生成 𝄞',
    },
  ]);
}

// ---------------------------------------------------------------- probes

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The children of a master's data, as [id, start, end] (fixtures are valid, so no checks). */
function kids(
  file: Uint8Array,
  start: number,
  end: number,
): { id: number; start: number; dataStart: number; end: number }[] {
  const out = [];
  let at = start;
  while (at < end) {
    const h = readHeader(file, at, end);
    const e = h.size === undefined ? end : h.dataStart + h.size;
    out.push({ id: h.id, start: at, dataStart: h.dataStart, end: e });
    at = e;
  }
  return out;
}

function isSegmentAigc(
  file: Uint8Array,
  tag: { dataStart: number; end: number },
  simple: { dataStart: number; end: number },
): boolean {
  const targets = kids(file, tag.dataStart, tag.end).find((k) => k.id === 0x63c0);
  const hasUid =
    targets !== undefined && kids(file, targets.dataStart, targets.end).some((k) => k.id === 0x63c5);
  const name = kids(file, simple.dataStart, simple.end).find((k) => k.id === 0x45a3);
  return (
    !hasUid &&
    name !== undefined &&
    Buffer.from(file.subarray(name.dataStart, name.end)).toString().toUpperCase() === 'AIGC'
  );
}

export const mkvProbes: Probes = {
  /** The essence: Tracks, and every Cluster's children except CRC-32 and Position. */
  decode: (file) => {
    const { children } = walkMatroska(file);
    const tracks = children
      .filter((c) => c.id === 0x1654ae6b)
      .map((c) => sha256Hex(file.subarray(c.dataStart, c.end)));
    const clusters = children
      .filter((c) => c.id === 0x1f43b675)
      .map((c) =>
        kids(file, c.dataStart, c.end)
          .filter((k) => k.id !== 0xbf && k.id !== 0xa7)
          .map((k) => sha256Hex(file.subarray(k.start, k.end))),
      );
    return Promise.resolve({ tracks, clusters });
  },
  /**
   * Info, every non-AIGC tag with its Targets, and what the positions mean: the element each
   * Seek entry and Cue points at, and whether each Cluster Position names its own Cluster.
   */
  preserved: (file) => {
    const { segment, children } = walkMatroska(file);
    const rel = children.map((c) => c.start - segment.dataStart);
    const targetIndex = (p: number) => rel.indexOf(p);
    const info = children.filter((c) => c.id === 0x1549a966).map((c) => hex(file.subarray(c.start, c.end)));
    const tags: string[] = [];
    const tagsWithContent = new Set<number>();
    children.forEach((c, i) => {
      if (c.id !== 0x1254c367) return;
      for (const tag of kids(file, c.dataStart, c.end).filter((k) => k.id === 0x7373)) {
        const parts = kids(file, tag.dataStart, tag.end).filter(
          (k) => k.id !== 0xbf && !(k.id === 0x67c8 && isSegmentAigc(file, tag, k)),
        );
        if (!parts.some((k) => k.id === 0x67c8)) continue;
        tagsWithContent.add(i);
        tags.push(parts.map((k) => hex(file.subarray(k.start, k.end))).join('|'));
      }
    });
    const seeks: string[] = [];
    for (const head of children.filter((c) => c.id === 0x114d9b74)) {
      for (const seek of kids(file, head.dataStart, head.end).filter((k) => k.id === 0x4dbb)) {
        const [id, p] = kids(file, seek.dataStart, seek.end);
        const t = targetIndex(Number(BigInt(`0x${hex(file.subarray(p!.dataStart, p!.end))}`)));
        const seekId = hex(file.subarray(id!.dataStart, id!.end));
        if (seekId === '1254c367' && !tagsWithContent.has(t)) continue;
        seeks.push(`${seekId}->${t < 0 ? 'nothing' : children[t]!.id.toString(16)}`);
      }
    }
    const cues: string[] = [];
    for (const c of children.filter((e) => e.id === 0x1c53bb6b)) {
      for (const point of kids(file, c.dataStart, c.end).filter((k) => k.id === 0xbb)) {
        for (const k of kids(file, point.dataStart, point.end)) {
          if (k.id !== 0xb7) {
            if (k.id !== 0xbf) cues.push(hex(file.subarray(k.start, k.end)));
            continue;
          }
          for (const leaf of kids(file, k.dataStart, k.end)) {
            const v = hex(file.subarray(leaf.dataStart, leaf.end));
            if (leaf.id !== 0xf1) cues.push(`${leaf.id}:${v}`);
            else {
              const t = targetIndex(parseInt(v, 16));
              const n = children.filter((x, j) => x.id === 0x1f43b675 && j < t).length;
              cues.push(t < 0 || children[t]!.id !== 0x1f43b675 ? 'no cluster' : `cluster #${n}`);
            }
          }
        }
      }
    }
    const positions = children
      .filter((c) => c.id === 0x1f43b675)
      .map((c) => {
        const p = kids(file, c.dataStart, c.end).find((k) => k.id === 0xa7);
        return p === undefined
          ? 'none'
          : parseInt(hex(file.subarray(p.dataStart, p.end)), 16) === c.start - segment.dataStart;
      });
    return Promise.resolve({ info, tags, seeks, cues, positions });
  },
  /**
   * Blanks what a write may change outside the field: every size VINT of the Segment, Clusters
   * and parsed masters, every Segment Position (a Cluster Position keeps its fixed width), every
   * CRC-32 value; drops Seek entries
   * for Tags (one comes and goes with a Tags element the write adds or removes).
   */
  normalize: (file) => {
    const { segment, children } = walkMatroska(file);
    // One 0x80 for any size VINT: a write may change its width (shortest stays shortest).
    const blankSize = (el: EbmlElement) =>
      concatBytes([file.subarray(el.start, el.sizeAt), Uint8Array.of(0x80)]);
    const positions = new Set([0x53ac, 0xf1, 0xea, 0x97]);
    const norm = (el: EbmlElement): Uint8Array => {
      if (el.id === 0xbf || positions.has(el.id)) return blankSize(el);
      if (el.children === undefined) return file.subarray(el.start, el.end);
      const kids = el.children.filter(
        (c) => !(c.id === 0x4dbb && hex(file.subarray(c.dataStart, c.end)).includes('53ab841254c367')),
      );
      return concatBytes([blankSize(el), ...kids.map(norm)]);
    };
    const top = children.map((c) => {
      if (c.id !== 0x1f43b675) return norm(c);
      const data = file.slice(c.dataStart, c.end);
      if (data[0] === 0xbf) data.fill(0, 2, 6);
      const p = c.clusterPosition;
      if (p !== undefined) data.fill(0, p.dataStart - c.dataStart, p.end - c.dataStart);
      return concatBytes([blankSize(c), data]);
    });
    return concatBytes([file.subarray(0, segment.start), blankSize(segment), ...top]);
  },
  /** A second AIGC (lower-case name) in a new Tags element at the end of the Segment. */
  addSecondField: (file, value) => {
    const { segment } = walkMatroska(file);
    const extra = buildEl(0x1254c367, buildTag([buildSimpleTag('aigc', value)]));
    const out = concatBytes([file, extra]);
    if (segment.size !== undefined)
      out.set(sizeVint(segment.size + extra.length, segment.dataStart - segment.sizeAt), segment.sizeAt);
    return out;
  },
  /** Recomputes every CRC-32 first child of the masters it can parse. Never throws. */
  reseal: (file) => {
    const out = file.slice();
    const masters = new Set([
      0x18538067, 0x114d9b74, 0x1549a966, 0x1654ae6b, 0x1c53bb6b, 0x1254c367, 0x1f43b675, 0x1941a469,
      0x1043a770, 0x4dbb, 0xbb, 0xb7, 0xdb, 0x7373, 0x63c0, 0x67c8,
    ]);
    const fix = (start: number, end: number, depth: number): void => {
      if (depth > 8) return;
      let at = start;
      while (at < end) {
        let h;
        try {
          h = readHeader(out, at, end);
        } catch {
          return;
        }
        const e = h.size === undefined ? end : Math.min(end, h.dataStart + h.size);
        if (masters.has(h.id)) {
          fix(h.dataStart, e, depth + 1);
          if (out[h.dataStart] === 0xbf && out[h.dataStart + 1] === 0x84 && h.dataStart + 6 <= e) {
            const crc = crc32(out.subarray(h.dataStart + 6, e));
            out.set(
              Uint8Array.of(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24),
              h.dataStart + 2,
            );
          }
        }
        at = e;
      }
    };
    try {
      const h = readHeader(out, 0, out.length);
      if (h.size !== undefined) fix(h.dataStart + h.size, out.length, 0);
    } catch {
      // leave it as it is
    }
    return out;
  },
};
