import { bytesEqual } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildAigcValue } from '../testing/aigc-conformance.js';
import {
  buildEl,
  buildMkv,
  buildSimpleTag,
  buildStr,
  buildTag,
  buildUint,
  type MkvOptions,
} from '../testing/mkv-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { readMkvAigc, writeMkvAigc } from './aigc.js';
import type { EbmlElement } from './element.js';
import {
  ID_CLUSTER,
  ID_CUE_CLUSTER_POSITION,
  ID_CUE_POINT,
  ID_CUE_TRACK_POSITIONS,
  ID_CUES,
  ID_SEEK,
  ID_SEEK_HEAD,
  ID_SEEK_ID,
  ID_SEEK_POSITION,
  ID_SIMPLE_TAG,
  ID_TAG,
  ID_TAG_NAME,
  ID_TAGS,
} from './ids.js';
import { readUint } from './vint.js';
import { walkMatroska } from './walk.js';

const value = buildAigcValue();
const encoder = buildSimpleTag('ENCODER', 'Lavf59.27.100');
const TRACK_UID = 7;
const trackTag = buildTag([buildSimpleTag('DURATION', '00:00:01.000')], TRACK_UID);
const kids = (el: EbmlElement | undefined, id: number) => (el?.children ?? []).filter((c) => c.id === id);
const text = (file: Uint8Array, el: EbmlElement | undefined) =>
  el === undefined ? undefined : Buffer.from(file.subarray(el.dataStart, el.end)).toString();

/**
 * Every Segment Position resolved: what each Seek entry, Cue and Cluster Position points at
 * (the ID of the element starting there, or 'nothing').
 */
function pointers(file: Uint8Array): string[] {
  const { segment, children } = walkMatroska(file);
  const ids = new Map(children.map((c) => [c.start - segment.dataStart, c.id.toString(16)]));
  const at = (el: EbmlElement | undefined) => ids.get(readUint(file, el!.dataStart, el!.end)) ?? 'nothing';
  const out: string[] = [];
  for (const head of children.filter((c) => c.id === ID_SEEK_HEAD)) {
    for (const seek of kids(head, ID_SEEK)) {
      const id = kids(seek, ID_SEEK_ID)[0]!;
      out.push(
        `seek ${Buffer.from(file.subarray(id.dataStart, id.end)).toString('hex')} -> ${at(kids(seek, ID_SEEK_POSITION)[0])}`,
      );
    }
  }
  for (const cues of children.filter((c) => c.id === ID_CUES)) {
    for (const point of kids(cues, ID_CUE_POINT)) {
      for (const ctp of kids(point, ID_CUE_TRACK_POSITIONS))
        out.push(`cue -> ${at(kids(ctp, ID_CUE_CLUSTER_POSITION)[0])}`);
    }
  }
  for (const c of children) {
    if (c.clusterPosition !== undefined)
      out.push(
        `position -> ${at(c.clusterPosition) === 'nothing' ? 'nothing' : String(ids.get(c.start - segment.dataStart) === at(c.clusterPosition) && readUint(file, c.clusterPosition.dataStart, c.clusterPosition.end) === c.start - segment.dataStart)}`,
      );
  }
  return out;
}

/** The TagName of every SimpleTag, per Tag, per Tags element. */
function tagNames(file: Uint8Array): string[][][] {
  return walkMatroska(file)
    .children.filter((c) => c.id === ID_TAGS)
    .map((tags) =>
      kids(tags, ID_TAG).map((tag) =>
        kids(tag, ID_SIMPLE_TAG).map((s) => text(file, kids(s, ID_TAG_NAME)[0])!),
      ),
    );
}

function roundTrip(o: MkvOptions): { file: Uint8Array; out: Uint8Array } {
  const file = buildMkv(o).bytes;
  const out = writeMkvAigc(file, value);
  expect(readMkvAigc(out)).toBe(value);
  // Positions point where they did (a Tags element the write adds gets a Seek entry of its own).
  const added = 'seek 1254c367 -> 1254c367';
  expect(pointers(out).filter((p) => p !== added)).toEqual(pointers(file).filter((p) => p !== added));
  expect(bytesEqual(writeMkvAigc(out, undefined), file)).toBe(true);
  return { file, out };
}

describe('Matroska AIGC SimpleTag placement', () => {
  it('appends to the first segment Tag, as ffmpeg files have one (CRC-32s recomputed, positions moved)', () => {
    const { file, out } = roundTrip({
      crc: true,
      voidAfterSeekHead: 80,
      tags: [buildTag([encoder]), trackTag],
    });
    expect(tagNames(out)).toEqual([[['ENCODER', 'AIGC'], ['DURATION']]]);
    expect(pointers(out)).toContain('cue -> 1f43b675');
    // The Segment keeps its 8-byte size field, with the new size.
    const before = walkMatroska(file).segment;
    const after = walkMatroska(out).segment;
    expect(after.dataStart - after.sizeAt).toBe(8);
    expect(after.size! - before.size!).toBe(out.length - file.length);
  });

  it('adds a Tag with empty Targets to a Tags element that has only track Tags', () => {
    const { out } = roundTrip({ cues: 'before', tags: [trackTag] });
    expect(tagNames(out)).toEqual([[['DURATION'], ['AIGC']]]);
  });

  it('adds a Tags element before the first Cluster, indexed by a new Seek entry', () => {
    const { file, out } = roundTrip({ docType: 'webm', voidAfterSeekHead: 40 });
    const layout = walkMatroska(out);
    const i = layout.children.findIndex((c) => c.id === ID_TAGS);
    expect(layout.children[i + 1]!.id).toBe(ID_CLUSTER);
    expect(pointers(out)).toEqual([
      ...pointers(file).slice(0, 3),
      'seek 1254c367 -> 1254c367',
      ...pointers(file).slice(3),
    ]);
  });

  it('keeps unknown sizes unknown in a live stream without SeekHead', () => {
    const { file, out } = roundTrip({
      unknownSegment: true,
      unknownClusters: true,
      seekHead: false,
      cues: 'none',
    });
    const { segment } = walkMatroska(out);
    expect(segment.size).toBeUndefined();
    expect(out.subarray(segment.sizeAt, segment.dataStart)).toEqual(
      file.subarray(segment.sizeAt, segment.dataStart),
    );
    expect(
      walkMatroska(out)
        .children.filter((c) => c.id === ID_CLUSTER)
        .every((c) => c.size === undefined),
    ).toBe(true);
  });

  it('moves Cluster Positions, keeping their width', () => {
    const { out } = roundTrip({ clusterPosition: true, voidAfterSeekHead: 200, tags: [trackTag] });
    expect(pointers(out).filter((p) => p.startsWith('position'))).toEqual([
      'position -> true',
      'position -> true',
    ]);
  });

  it('widens a position that outgrows its byte, and narrows it again on removal', () => {
    // A Cluster just below Segment Position 256: the label pushes it past 255.
    const o = (v: number): MkvOptions => ({ docType: 'webm', voidAfterSeekHead: v, clusters: 1 });
    const v = Array.from({ length: 200 }, (_, k) => k).find((k) => {
      const { segment, children } = walkMatroska(buildMkv(o(k)).bytes);
      const p = children.find((c) => c.id === ID_CLUSTER)!.start - segment.dataStart;
      return p >= 240 && p < 256;
    })!;
    const { file, out } = roundTrip(o(v));
    const cue = (f: Uint8Array) => {
      const cues = walkMatroska(f).children.find((c) => c.id === ID_CUES);
      const p = kids(
        kids(kids(cues, ID_CUE_POINT)[0], ID_CUE_TRACK_POSITIONS)[0],
        ID_CUE_CLUSTER_POSITION,
      )[0]!;
      return p.end - p.dataStart;
    };
    expect([cue(file), cue(out)]).toEqual([1, 2]);
  });

  it('refuses a Cluster Position that would outgrow its field (blocks must not move)', () => {
    const o = (v: number): MkvOptions => ({
      voidAfterSeekHead: v,
      clusters: 1,
      clusterPosition: true,
      cues: 'none',
    });
    const v = Array.from({ length: 200 }, (_, k) => k).find((k) => {
      const { segment, children } = walkMatroska(buildMkv(o(k)).bytes);
      const p = children.find((c) => c.id === ID_CLUSTER)!.start - segment.dataStart;
      return p >= 240 && p < 256;
    })!;
    expect(catchFormatError(() => writeMkvAigc(buildMkv(o(v)).bytes, value))?.code).toBe(
      'format.unsupported',
    );
  });
});

describe('Matroska AIGC SimpleTag replacement and removal', () => {
  const withAigc = (simpleTag: Uint8Array, more: Uint8Array[] = []) =>
    buildMkv({ crc: true, tags: [buildTag([encoder, simpleTag]), ...more] }).bytes;

  it('replaces the TagString in place, spelling the name AIGC and keeping TagLanguage', () => {
    const file = withAigc(buildSimpleTag('Aigc', 'old', 'zho'));
    const out = writeMkvAigc(file, value);
    expect(readMkvAigc(out)).toBe(value);
    const s = walkMatroska(out).children.find((c) => c.id === ID_TAGS)!;
    const simple = kids(kids(s, ID_TAG)[0], ID_SIMPLE_TAG)[1]!;
    expect(text(out, kids(simple, ID_TAG_NAME)[0])).toBe('AIGC');
    expect(text(out, kids(simple, 0x447a)[0])).toBe('zho');
    expect(pointers(out)).toEqual(pointers(file));
  });

  it('rebuilds an AIGC SimpleTag that holds a TagBinary, which reading refuses', () => {
    const file = withAigc(
      buildEl(ID_SIMPLE_TAG, buildStr(ID_TAG_NAME, 'AIGC'), buildEl(0x4485, Uint8Array.of(1))),
    );
    expect(catchFormatError(() => readMkvAigc(file))?.code).toBe('format.corrupt');
    expect(readMkvAigc(writeMkvAigc(file, value))).toBe(value);
    expect(readMkvAigc(writeMkvAigc(file, undefined))).toBeUndefined();
  });

  it('reads UTF-8 without 0x00 padding and refuses invalid UTF-8', () => {
    expect(readMkvAigc(withAigc(buildSimpleTag('AIGC', '标签\0\0')))).toBe('标签');
    const bad = withAigc(
      buildEl(ID_SIMPLE_TAG, buildStr(ID_TAG_NAME, 'AIGC'), buildEl(0x4487, Uint8Array.of(0xff))),
    );
    expect(catchFormatError(() => readMkvAigc(bad))?.code).toBe('format.corrupt');
  });

  it('removes the SimpleTag, then an emptied Tag, then an emptied Tags and its Seek entry', () => {
    const shared = withAigc(buildSimpleTag('AIGC', 'x'));
    expect(tagNames(writeMkvAigc(shared, undefined))).toEqual([[['ENCODER']]]);
    const alone = buildMkv({ tags: [trackTag, buildTag([buildSimpleTag('AIGC', 'x')])] }).bytes;
    expect(tagNames(writeMkvAigc(alone, undefined))).toEqual([[['DURATION']]]);
    const own = buildMkv({ tagsAfterClusters: [buildTag([buildSimpleTag('AIGC', 'x')])] }).bytes;
    const removed = writeMkvAigc(own, undefined);
    expect(tagNames(removed)).toEqual([]);
    expect(pointers(removed)).toEqual(pointers(own).filter((p) => !p.startsWith('seek 1254c367')));
  });

  it('returns an unchanged copy when there is nothing to remove', () => {
    const file = buildMkv({ tags: [trackTag] }).bytes;
    const out = writeMkvAigc(file, undefined);
    expect(out).not.toBe(file);
    expect(bytesEqual(out, file)).toBe(true);
  });

  it('refuses a value over 1 MiB', () => {
    const file = buildMkv().bytes;
    expect(catchFormatError(() => writeMkvAigc(file, 'x'.repeat((1 << 20) + 1)))?.code).toBe(
      'format.metadata_too_large',
    );
  });
});

describe('which AIGC SimpleTags count', () => {
  const targets = (...c: Uint8Array[]) => buildEl(0x63c0, ...c);
  const tag = (t: Uint8Array, ...s: Uint8Array[]) => buildEl(ID_TAG, t, ...s);
  const aigc = (v: string) => buildSimpleTag('AIGC', v);

  it.each([
    ['a track Tag', tag(targets(buildUint(0x63c5, 5)), aigc('t')), undefined],
    ['a chapter Tag', tag(targets(buildUint(0x63c4, 5)), aigc('t')), undefined],
    ['a COLLECTION (70) Tag', tag(targets(buildUint(0x68ca, 70)), aigc('t')), undefined],
    [
      'a nested SimpleTag',
      tag(targets(), buildEl(ID_SIMPLE_TAG, buildStr(ID_TAG_NAME, 'X'), aigc('t'))),
      undefined,
    ],
    ['a MOVIE (50) Tag', tag(targets(buildUint(0x68ca, 50), buildStr(0x63ca, 'MOVIE')), aigc('m')), 'm'],
    ['a Tag whose TagTrackUID is 0 (all tracks)', tag(targets(buildUint(0x63c5, 0)), aigc('z')), 'z'],
    ['a Tag without Targets', tag(aigc('n')), 'n'],
  ])('%s', (_name, t, expected) => {
    const file = buildMkv({ tags: [t] }).bytes;
    expect(readMkvAigc(file)).toBe(expected);
    const out = writeMkvAigc(file, value);
    expect(readMkvAigc(out)).toBe(value);
    // The other AIGC stays where it was.
    if (expected === undefined) expect(tagNames(out)[0]!.flat()).toContain('AIGC');
  });

  it('rejects two, in one Tag or across Tags elements, on read and write', () => {
    const one = buildMkv({ tags: [tag(targets(), aigc('a'), buildSimpleTag('aigc', 'b'))] }).bytes;
    const two = buildMkv({
      tags: [tag(targets(), aigc('a'))],
      tagsAfterClusters: [tag(targets(), aigc('b'))],
    }).bytes;
    for (const file of [one, two]) {
      for (const op of [
        () => readMkvAigc(file),
        () => writeMkvAigc(file, 'v'),
        () => writeMkvAigc(file, undefined),
      ]) {
        expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
      }
    }
  });

  it('rejects a Tag with two Targets or a SimpleTag with two TagNames', () => {
    const twoTargets = buildMkv({ tags: [tag(targets(), targets(), aigc('a'))] }).bytes;
    const twoNames = buildMkv({
      tags: [
        tag(targets(), buildEl(ID_SIMPLE_TAG, buildStr(ID_TAG_NAME, 'AIGC'), buildStr(ID_TAG_NAME, 'B'))),
      ],
    }).bytes;
    expect(catchFormatError(() => readMkvAigc(twoTargets))?.code).toBe('format.corrupt');
    expect(catchFormatError(() => readMkvAigc(twoNames))?.code).toBe('format.corrupt');
  });
});
