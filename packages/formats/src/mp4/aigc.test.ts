import { concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import {
  type Mp4Node,
  UDTA_TERMINATOR,
  appendToMoov,
  box,
  buildDataAtom,
  buildItem,
  buildItunesFreeform,
  buildItunesMeta,
  buildMdtaMeta,
  buildMdtaMetaRaw,
  buildMp4,
  buildQuickTimeText,
  leaf,
  listBoxes,
  readChunks,
  readMdtaKeys,
  serializeBox,
} from '../testing/mp4-fixtures.js';
import { readMp4AigcBytes as read, writeMp4AigcBytes as write } from './aigc.js';

function moovChildren(file: Uint8Array, path: string[]): { type: string; bytes: Uint8Array }[] {
  let boxes = listBoxes(file, 0, file.length);
  for (const type of path) {
    const b = boxes.find((x) => x.type === type)!;
    const skip =
      type === 'meta' && String.fromCharCode(...file.subarray(b.body + 4, b.body + 8)) !== 'hdlr' ? 4 : 0;
    boxes = listBoxes(file, b.body + skip, b.end);
  }
  return boxes.map((b) => ({ type: b.type, bytes: file.subarray(b.start, b.end) }));
}

const code = (fn: () => unknown) => catchFormatError(fn)?.code;

describe('MP4 AIGC placement', () => {
  it('writes exactly what ffmpeg -movflags use_metadata_tags writes: a full-box mdta meta in udta', () => {
    const out = write(buildMp4(), 'v');
    const udta = moovChildren(out, ['moov', 'udta']);
    expect(udta.map((b) => b.type)).toEqual(['meta']);
    const meta = udta[0]!.bytes;
    // size, 'meta', version/flags 0, hdlr (33 bytes, handler 'mdta'), keys, ilst
    expect([...meta.subarray(8, 12)]).toEqual([0, 0, 0, 0]);
    expect(moovChildren(out, ['moov', 'udta', 'meta']).map((b) => [b.type, b.bytes.length])).toEqual([
      ['hdlr', 33],
      ['keys', 28],
      ['ilst', 33],
    ]);
    expect(readMdtaKeys(out)).toEqual([['AIGC', 'v']]);
  });

  it('appends the mdta meta after an iTunes mdir meta and keeps the latter byte for byte', () => {
    const itunes = buildItunesMeta([['\xa9nam', 'Hello']]);
    const out = write(buildMp4({ udta: [itunes] }), 'v');
    const udta = moovChildren(out, ['moov', 'udta']);
    expect(udta.map((b) => b.type)).toEqual(['meta', 'meta']);
    expect(udta[0]!.bytes).toEqual(serializeBox(itunes));
  });

  it('adds the key last to an existing mdta meta (index = count + 1) and removal renumbers', () => {
    const file = buildMp4({
      udta: [
        buildMdtaMeta([
          ['title', 't'],
          ['encoder', 'e'],
        ]),
      ],
    });
    const out = write(file, 'v');
    expect(moovChildren(out, ['moov', 'udta']).length).toBe(1);
    expect(readMdtaKeys(out)).toEqual([
      ['title', 't'],
      ['encoder', 'e'],
      ['AIGC', 'v'],
    ]);
    expect(write(out, undefined)).toEqual(file);
    // AIGC in the middle: later item indices move down by one.
    const middle = buildMp4({
      udta: [
        buildMdtaMeta([
          ['title', 't'],
          ['AIGC', 'x'],
          ['encoder', 'e'],
        ]),
      ],
    });
    const removed = write(middle, undefined);
    expect(readMdtaKeys(removed)).toEqual([
      ['title', 't'],
      ['encoder', 'e'],
    ]);
    expect(removed).toEqual(file);
  });

  it('replaces a value in place, keeping its key index', () => {
    const file = buildMp4({
      udta: [
        buildMdtaMeta([
          ['title', 't'],
          ['AIGC', 'x'],
          ['encoder', 'e'],
        ]),
      ],
    });
    expect(readMdtaKeys(write(file, 'a longer value'))).toEqual([
      ['title', 't'],
      ['AIGC', 'a longer value'],
      ['encoder', 'e'],
    ]);
  });

  it('inserts before the QuickTime udta terminator, and removal restores it', () => {
    const file = buildMp4({ brand: 'qt  ', udta: [buildQuickTimeText('\xa9nam', 'c'), UDTA_TERMINATOR] });
    const out = write(file, 'v');
    const udta = listBoxes(out, 0, out.length).find((b) => b.type === 'moov')!;
    const udtaBox = listBoxes(out, udta.body, udta.end).find((b) => b.type === 'udta')!;
    expect([...out.subarray(udtaBox.end - 4, udtaBox.end)]).toEqual([0, 0, 0, 0]);
    expect(read(out)).toBe('v');
    expect(write(out, undefined)).toEqual(file);
  });

  it('joins an existing movie-level mdta meta (iPhone) instead of adding a second key table', () => {
    const apple = buildMdtaMeta([['com.apple.quicktime.make', 'Apple']], true);
    const file = buildMp4({ brand: 'qt  ', udta: [buildQuickTimeText('\xa9nam', 'c')], moovExtra: [apple] });
    const out = write(file, 'v');
    expect(moovChildren(out, ['moov', 'udta']).map((b) => b.type)).toEqual(['\xa9nam']);
    expect(readMdtaKeys(out)).toEqual([
      ['com.apple.quicktime.make', 'Apple'],
      ['AIGC', 'v'],
    ]);
    expect(write(out, undefined)).toEqual(file);
    // With two key tables, the first in the moov gets the key (ffmpeg names every ilst with it).
    const both = buildMp4({ udta: [buildMdtaMeta([['title', 't']])], moovExtra: [apple] });
    expect(readMdtaKeys(write(both, 'v'))).toEqual([
      ['com.apple.quicktime.make', 'Apple'],
      ['title', 't'],
      ['AIGC', 'v'],
    ]);
    const appleFirst = buildMp4({ moovExtra: [apple, box('udta', [buildMdtaMeta([['title', 't']])])] });
    expect(readMdtaKeys(write(appleFirst, 'v'))).toEqual([
      ['com.apple.quicktime.make', 'Apple'],
      ['AIGC', 'v'],
      ['title', 't'],
    ]);
  });

  it('reads and replaces AIGC in a QuickTime movie-level meta without version/flags', () => {
    const file = buildMp4({ moovFirst: true, moovExtra: [buildMdtaMeta([['AIGC', 'old']], true)] });
    expect(read(file)).toBe('old');
    const out = write(file, 'new value');
    expect(read(out)).toBe('new value');
    expect(readChunks(out)).toEqual(readChunks(file));
    // Removing the only key drops the whole meta: the movie gets back its length.
    expect(write(out, undefined).length).toBe(
      file.length - serializeBox(buildMdtaMeta([['AIGC', 'old']], true)).length,
    );
  });

  it('removing from a file without a label returns an equal copy', () => {
    const file = buildMp4({ moovFirst: true });
    const out = write(file, undefined);
    expect(out).toEqual(file);
    expect(out).not.toBe(file);
  });
});

describe('MP4 AIGC duplicates', () => {
  const cases: [string, Uint8Array][] = [
    [
      'two AIGC keys in one keys box',
      buildMp4({
        udta: [
          buildMdtaMeta([
            ['AIGC', 'a'],
            ['AIGC', 'b'],
          ]),
        ],
      }),
    ],
    [
      'AIGC and aigc (ffmpeg tags compare case-insensitively)',
      buildMp4({
        udta: [
          buildMdtaMeta([
            ['AIGC', 'a'],
            ['aigc', 'b'],
          ]),
        ],
      }),
    ],
    [
      'two mdta metas in udta',
      buildMp4({ udta: [buildMdtaMeta([['title', 'a']]), buildMdtaMeta([['encoder', 'b']])] }),
    ],
    [
      'AIGC in udta and in the movie-level meta',
      buildMp4({ udta: [buildMdtaMeta([['AIGC', 'a']])], moovExtra: [buildMdtaMeta([['AIGC', 'b']], true)] }),
    ],
    [
      'two items for the AIGC key',
      buildMp4({
        udta: [
          buildMdtaMetaRaw(
            ['AIGC'],
            [buildItem(1, [buildDataAtom('a')]), buildItem(1, [buildDataAtom('b')])],
          ),
        ],
      }),
    ],
    [
      'two data atoms in the AIGC item',
      buildMp4({
        udta: [buildMdtaMetaRaw(['AIGC'], [buildItem(1, [buildDataAtom('a'), buildDataAtom('b')])])],
      }),
    ],
    [
      'an iTunes freeform ----/name AIGC item',
      buildMp4({ udta: [buildItunesMeta([['\xa9nam', 't']]), buildItunesFreeform('AIGC', 'forged')] }),
    ],
  ];
  it.each(cases)('%s is format.duplicate_metadata on read and write', (_name, file) => {
    expect(code(() => read(file))).toBe('format.duplicate_metadata');
    expect(code(() => write(file, 'v'))).toBe('format.duplicate_metadata');
    expect(code(() => write(file, undefined))).toBe('format.duplicate_metadata');
  });

  it('a second AIGC added at movie level is found (the conformance forger)', () => {
    const once = write(buildMp4({ moovFirst: true }), 'a');
    const twice = appendToMoov(once, serializeBox(buildMdtaMeta([['AIGC', 'b']], true)));
    expect(code(() => read(twice))).toBe('format.duplicate_metadata');
  });
});

describe('MP4 AIGC refusals and structure errors', () => {
  it('refuses to move fragments after the moov (format.unsupported), allows it when nothing moves', () => {
    const moof = leaf('moof', new Uint8Array(8));
    const fragmented = buildMp4({ moovFirst: true, afterMoov: [moof] });
    const err = catchFormatError(() => write(fragmented, 'v'));
    expect(err?.code).toBe('format.unsupported');
    expect(err?.message).toContain("'moof'");
    // Replacing a value with one of the same length moves nothing.
    const labeled = buildMp4({
      moovFirst: true,
      afterMoov: [moof],
      udta: [buildMdtaMeta([['AIGC', 'aaaa']])],
    });
    expect(read(write(labeled, 'bbbb'))).toBe('bbbb');
    // Moov last: nothing after it moves.
    expect(read(write(buildMp4({ afterFtyp: [moof] }), 'v'))).toBe('v');
  });

  it('refuses to move media addressed by saio offsets', () => {
    const saio = leaf('saio', concatBytes([new Uint8Array(4), Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 100)]));
    expect(code(() => write(buildMp4({ moovFirst: true, stblExtra: [saio] }), 'v'))).toBe(
      'format.unsupported',
    );
    expect(read(write(buildMp4({ stblExtra: [saio] }), 'v'))).toBe('v');
  });

  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const stcoAt = (file: Uint8Array) => {
    for (let i = 0; i < file.length - 4; i++)
      if (String.fromCharCode(...file.subarray(i, i + 4)) === 'stco') return i - 4;
    throw new Error('no stco');
  };
  const broken: [string, () => Uint8Array, string][] = [
    [
      'no moov',
      () => {
        const f = buildMp4();
        return f.subarray(0, listBoxes(f, 0, f.length).find((b) => b.type === 'moov')!.start);
      },
      'format.truncated',
    ],
    [
      'two moov boxes',
      () => {
        const f = buildMp4();
        const moov = listBoxes(f, 0, f.length).find((b) => b.type === 'moov')!;
        return concatBytes([f, f.subarray(moov.start, moov.end)]);
      },
      'format.corrupt',
    ],
    [
      'an unknown first box',
      () => concatBytes([serializeBox(leaf('abcd', new Uint8Array(0))), buildMp4({ brand: null })]),
      'format.corrupt',
    ],
    [
      'a chunk offset past the end',
      () => {
        const f = buildMp4().slice();
        dv(f).setUint32(stcoAt(f) + 16, f.length);
        return f;
      },
      'format.corrupt',
    ],
    [
      'a chunk offset into the moov',
      () => {
        const f = buildMp4().slice();
        dv(f).setUint32(stcoAt(f) + 16, stcoAt(f));
        return f;
      },
      'format.corrupt',
    ],
    [
      'an stco entry count that does not match its size',
      () => {
        const f = buildMp4().slice();
        dv(f).setUint32(stcoAt(f) + 12, 4);
        return f;
      },
      'format.corrupt',
    ],
    [
      'an ilst item naming a key that does not exist',
      () => buildMp4({ udta: [buildMdtaMetaRaw(['AIGC'], [buildItem(2, [buildDataAtom('a')])])] }),
      'format.corrupt',
    ],
    [
      'a size-0 box inside the moov',
      () =>
        buildMp4({
          moovExtra: [
            { raw: concatBytes([new Uint8Array(4), Uint8Array.from('free', (c) => c.charCodeAt(0))]) },
          ],
        }),
      'format.corrupt',
    ],
  ];
  it.each(broken)('%s is %s on validate, read and write', (_name, build, expected) => {
    const file = build();
    expect(code(() => read(file))).toBe(expected);
    expect(code(() => write(file, 'v'))).toBe(expected);
  });

  it('rejects an AIGC value that is not UTF-8 text', () => {
    const meta = (data: Mp4Node) => buildMp4({ udta: [buildMdtaMetaRaw(['AIGC'], [buildItem(1, [data])])] });
    expect(code(() => read(meta(buildDataAtom('x', 2))))).toBe('format.corrupt');
    expect(code(() => read(meta(leaf('data', Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0xff)))))).toBe(
      'format.corrupt',
    );
  });

  it('accepts a last top-level box of size 0 (runs to the end of the file)', () => {
    const f = buildMp4({ moovFirst: true }).slice();
    const mdat = listBoxes(f, 0, f.length).find((b) => b.type === 'mdat')!;
    dv(f).setUint32(mdat.start, 0);
    expect(read(write(f, 'v'))).toBe('v');
    expect(readChunks(write(f, 'v'))).toEqual(readChunks(f));
  });
});

describe('MP4 AIGC text', () => {
  it('keeps a leading U+FEFF and non-ASCII text exactly', () => {
    for (const v of ['\uFEFFlabel', '标签 𝄞', '']) expect(read(write(buildMp4(), v))).toBe(v);
  });
});
