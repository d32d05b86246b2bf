import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { buildEl, buildMkv, buildStr, buildUint } from '../testing/mkv-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { MAX_ELEMENTS } from './element.js';
import {
  ID_CLUSTER,
  ID_CUES,
  ID_INFO,
  ID_SEEK_HEAD,
  ID_SEGMENT,
  ID_TAGS,
  ID_TRACKS,
  ID_VOID,
} from './ids.js';
import { readUint } from './vint.js';
import { hasEbmlMagic, walkMatroska } from './walk.js';

const header = (docType = 'matroska', readVersion = 1) =>
  buildEl(0x1a45dfa3, buildUint(0x4286, 1), buildUint(0x42f7, readVersion), buildStr(0x4282, docType));
const info = buildEl(ID_INFO, buildUint(0x2ad7b1, 1000000));
const segment = (...children: Uint8Array[]) => buildEl(ID_SEGMENT, ...children);
const unknownSegment = (...children: Uint8Array[]) =>
  concatBytes([Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0xff), ...children]);
const file = (...parts: Uint8Array[]) => concatBytes(parts);
const unknownCluster = (...children: Uint8Array[]) =>
  concatBytes([Uint8Array.of(0x1f, 0x43, 0xb6, 0x75, 0xff), ...children]);
const block = buildEl(0xa3, Uint8Array.of(0x81, 0, 0, 0x80, 1, 2));

describe('walkMatroska (RFC 8794, RFC 9559)', () => {
  it('lists the Segment children of a typical file', () => {
    const { bytes } = buildMkv({ voidAfterSeekHead: 10, tags: [], cues: 'after' });
    const layout = walkMatroska(bytes);
    expect(layout.docType).toBe('matroska');
    expect(layout.segment.size).toBe(layout.segment.end - layout.segment.dataStart);
    expect(layout.children.map((c) => c.id)).toEqual([
      ID_SEEK_HEAD,
      ID_VOID,
      ID_INFO,
      ID_TRACKS,
      ID_TAGS,
      ID_CLUSTER,
      ID_CLUSTER,
      ID_CUES,
    ]);
    expect(layout.children[0]!.children?.length).toBe(4);
    expect(walkMatroska(buildMkv({ docType: 'webm' }).bytes).docType).toBe('webm');
  });

  it('ends an unknown-size Cluster at the next top-level ID, and an unknown-size Segment at the end', () => {
    const tags = buildEl(ID_TAGS);
    const bytes = file(
      header(),
      unknownSegment(info, unknownCluster(block, block), unknownCluster(block), tags),
    );
    const layout = walkMatroska(bytes);
    expect(layout.segment.size).toBeUndefined();
    expect(layout.segment.end).toBe(bytes.length);
    const [, c1, c2, t] = layout.children;
    expect(c1!.end).toBe(c2!.start);
    expect(c2!.end).toBe(t!.start);
    expect(t!.end).toBe(bytes.length);
  });

  it('records a Cluster Position and verifies CRC-32 elements', () => {
    const { bytes } = buildMkv({ crc: true, clusterPosition: true });
    const { children, segment } = walkMatroska(bytes);
    const cluster = children.find((c) => c.id === ID_CLUSTER)!;
    expect(cluster.clusterPosition).toBeDefined();
    const p = cluster.clusterPosition!;
    expect(readUint(bytes, p.dataStart, p.end)).toBe(cluster.start - segment.dataStart);
    const damaged = bytes.slice();
    damaged[cluster.end - 1] = damaged[cluster.end - 1]! ^ 1;
    expect(catchFormatError(() => walkMatroska(damaged))?.code).toBe('format.corrupt');
  });

  it.each([
    ['an unknown DocType', () => file(header('avi'), segment(info)), 'format.unsupported'],
    ['EBMLReadVersion 2', () => file(header('matroska', 2), segment(info)), 'format.unsupported'],
    ['no DocType', () => file(buildEl(0x1a45dfa3, buildUint(0x4286, 1)), segment(info)), 'format.corrupt'],
    ['no Segment', () => header(), 'format.truncated'],
    ['a Void instead of the Segment', () => file(header(), buildEl(ID_VOID)), 'format.corrupt'],
    ['bytes after the Segment', () => file(header(), segment(info), Uint8Array.of(0)), 'format.corrupt'],
    ['a second Segment', () => file(header(), unknownSegment(info, segment(info))), 'format.unsupported'],
    ['no Info', () => file(header(), segment(buildEl(ID_TRACKS))), 'format.corrupt'],
    ['two Info elements', () => file(header(), segment(info, info)), 'format.corrupt'],
    [
      'an unknown-size Tags element',
      () => file(header(), unknownSegment(info, Uint8Array.of(0x12, 0x54, 0xc3, 0x67, 0xff))),
      'format.corrupt',
    ],
    [
      'a child that overruns its parent',
      () =>
        file(
          header(),
          segment(
            info,
            buildEl(ID_TAGS, Uint8Array.of(0x73, 0x73, 0x85, 0, 0)),
            buildEl(ID_VOID, new Uint8Array(9)),
          ),
        ),
      'format.corrupt',
    ],
    [
      'SimpleTags nested 20 deep',
      () => {
        let s = buildEl(0x67c8);
        for (let i = 0; i < 20; i++) s = buildEl(0x67c8, s);
        return file(header(), segment(info, buildEl(ID_TAGS, buildEl(0x7373, s))));
      },
      'format.corrupt',
    ],
    [
      'a SeekPosition of 9 bytes',
      () =>
        file(
          header(),
          segment(buildEl(ID_SEEK_HEAD, buildEl(0x4dbb, buildEl(0x53ac, new Uint8Array(9)))), info),
        ),
      'format.corrupt',
    ],
    [
      'a Segment longer than the file',
      () => file(header(), segment(info)).subarray(0, -1),
      'format.truncated',
    ],
  ])('rejects %s', (_name, build, code) => {
    expect(catchFormatError(() => walkMatroska(build()))?.code).toBe(code);
  });

  it('caps the number of kept elements (a Tags element of a million Voids)', () => {
    const voids = new Uint8Array(2 * (MAX_ELEMENTS + 1));
    for (let i = 0; i < voids.length; i += 2) voids.set([ID_VOID, 0x80], i);
    const err = catchFormatError(() => walkMatroska(file(header(), segment(info, buildEl(ID_TAGS, voids)))));
    expect(err?.code).toBe('format.metadata_too_large');
  });

  it('sniffs the EBML magic only', () => {
    expect(hasEbmlMagic(header())).toBe(true);
    expect(hasEbmlMagic(Uint8Array.of(0x1a, 0x45, 0xdf))).toBe(false);
    expect(hasEbmlMagic(Uint8Array.of(0x1a, 0x45, 0xdf, 0xa4))).toBe(false);
  });
});
