import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { runAigcFieldConformance } from '../testing/aigc-conformance.js';
import { buildOgg, buildOggFixtures, buildOggStream, oggProbes } from '../testing/ogg-fixtures.js';
import { oggHandler, sniffOgg } from './handler.js';

runAigcFieldConformance(oggHandler, { buildFixtures: buildOggFixtures, ...oggProbes });

describe('sniffOgg', () => {
  const vorbis = buildOgg({ codec: 'vorbis' });
  const opus = buildOgg({ codec: 'opus' });
  const other = (id: Uint8Array) => buildOggStream([{ data: id, granule: 0n }]);

  it('accepts a BOS page whose first packet is a Vorbis or Opus identification header', () => {
    expect(sniffOgg(vorbis.subarray(0, 35))).toBe(true);
    expect(sniffOgg(opus.subarray(0, 36))).toBe(true);
  });

  it.each([
    ['a head too short to hold the magic', vorbis.subarray(0, 34)],
    ['Theora', other(concatBytes([Uint8Array.of(0x80), asciiBytes('theora'), new Uint8Array(40)]))],
    ['FLAC-in-Ogg', other(concatBytes([asciiBytes('\x7fFLAC'), new Uint8Array(40)]))],
    ['a page without BOS', Uint8Array.from(opus, (b, i) => (i === 5 ? 0 : b))],
    ['version 1', Uint8Array.from(opus, (b, i) => (i === 4 ? 1 : b))],
    ['no segments', Uint8Array.from(opus, (b, i) => (i === 26 ? 0 : b))],
    ['"OggS" alone', asciiBytes('OggS')],
  ])('rejects %s', (_name, head) => {
    expect(sniffOgg(head)).toBe(false);
  });
});
