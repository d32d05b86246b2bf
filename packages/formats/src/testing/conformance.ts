/**
 * The shared conformance suite every format handler's test calls (in the style of hono's
 * `common.case.test.ts`): one function, one set of promises every handler must keep.
 *
 *   runHandlerConformance(jpegHandler, { buildFixtures: buildJpegFixtures, ...imageProbes });
 *
 * Test-only code: imports vitest and fast-check, and is not exported from the package index.
 */
import { bytesEqual, utf8Encode } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormatHandler, XmpCarrier } from '../handler.js';
import { detectFormat } from '../registry.js';
import { describeHandlerBasics, failingCuts, setupFixtures, TRUNCATION_CODES } from './handler-basics.js';
import { catchFormatError, changedWindow } from './mutations.js';

export interface ConformanceFixture {
  /** Shown in test names. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The exact standard XMP packet the fixture carries, or undefined when it carries none. */
  readonly xmp: Uint8Array | undefined;
  /** Number of bytes after the logical end of the file (kept by writes, harmless to cut). */
  readonly trailer?: number;
}

export interface ConformanceOptions {
  /** Builds the fixtures once (may use sharp, small committed fixtures). */
  buildFixtures: () => Promise<readonly ConformanceFixture[]>;
  /** Decodes the essence (pixels, samples, text); must be equal before and after every write. */
  decode?: (file: Uint8Array) => Promise<unknown>;
  /** Other metadata that must survive a write (EXIF, ICC, text chunks), excluding XMP itself. */
  preserved?: (file: Uint8Array) => Promise<unknown>;
  /**
   * Applied after each random mutation in the fuzz properties: recompute checksums (PNG CRCs)
   * so the fuzzer also reaches past integrity checks. Must not throw.
   */
  reseal?: (file: Uint8Array) => Uint8Array;
  /**
   * The packets the format can carry, for the round-trip property (default: any bytes, up to
   * 4096). GIF stores the packet raw and cannot carry a zero byte (XMP Part 3 §1.1.2).
   */
  packetArb?: fc.Arbitrary<Uint8Array>;
  /**
   * Maps a file to the bytes a write must keep outside the XMP slot, for the slot test: blanks
   * enclosing sizes, flags and versions (RIFF File Size, GIF87a/89a) and drops header chunks a
   * write may add or remove (WebP VP8X). Default: identity. Must not throw.
   */
  normalize?: (file: Uint8Array) => Uint8Array;
  /** fast-check runs per property (default 300). */
  numRuns?: number;
  /**
   * Where writes put the packet. 'splice' (default): in one contiguous slot replaced in place, so
   * removing an inserted packet gives back the original bytes and a replacement changes one window.
   * 'append': the container addresses metadata by absolute offset (TIFF IFDs), so writes append the
   * packet (and a directory that must grow) at the end and leave superseded bytes unreferenced.
   * The two exact-bytes tests then give way to: removing gives an unlabelled file that validates
   * and whose `decode` / `preserved` probes equal the original's, and one remove/relabel cycle
   * reaches a fixed point (labelling again and again cannot grow the file). Such handlers should
   * pass a `preserved` probe that covers the container's own structures.
   */
  xmpPlacement?: 'splice' | 'append';
}

/** A small, valid XMP packet with non-ASCII text. */
export function buildXmpPacket(marker = 'synthguard'): Uint8Array {
  return utf8Encode(
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:sgt="http://example.com/ns/synthguard-test/">' +
      `<sgt:Label>{"Label":"1","ContentProducer":"${marker}","ProduceID":"人工智能生成"}</sgt:Label>` +
      '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>',
  );
}

export function runHandlerConformance(handler: FormatHandler, options: ConformanceOptions): void {
  const numRuns = options.numRuns ?? 300;
  const normalize = options.normalize ?? ((file: Uint8Array) => file);
  const packet = buildXmpPacket();
  const otherPacket = buildXmpPacket('a second, longer producer name to change the size');

  describe(`${handler.id} handler conformance`, () => {
    const fixtures = setupFixtures(options.buildFixtures);
    const { each, eachAsync } = fixtures;
    const xmp: XmpCarrier | undefined = handler.xmp;

    describeHandlerBasics(
      handler,
      fixtures,
      {
        name: 'XMP',
        carrier: xmp && { read: (file) => xmp.readXmp(file), write: (file, p) => xmp.writeXmp(file, p) },
        sample: packet,
      },
      { numRuns, reseal: options.reseal },
    );

    if (xmp === undefined) return;

    describe('XMP carrier', () => {
      it('reads the fixture packet (undefined when it has none)', () => {
        each((f) => {
          const got = xmp.readXmp(f.bytes);
          if (f.xmp === undefined) expect(got).toBeUndefined();
          else expect(got).toEqual(f.xmp);
        });
      });

      it('write then read returns the packet; the result validates and is detected', () => {
        each((f) => {
          const out = xmp.writeXmp(f.bytes, packet);
          handler.validate(out);
          expect(detectFormat(out)).toBe(handler);
          expect(xmp.readXmp(out)).toEqual(packet);
        });
      });

      it('never modifies its input', () => {
        each((f) => {
          const copy = f.bytes.slice();
          xmp.writeXmp(f.bytes, packet);
          xmp.writeXmp(f.bytes, undefined);
          xmp.readXmp(f.bytes);
          expect(bytesEqual(f.bytes, copy)).toBe(true);
        });
      });

      it('rewriting is idempotent and keeps exactly one packet', () => {
        each((f) => {
          const once = xmp.writeXmp(f.bytes, packet);
          const twice = xmp.writeXmp(once, packet);
          expect(bytesEqual(once, twice)).toBe(true);
          const other = xmp.writeXmp(once, otherPacket);
          expect(xmp.readXmp(other)).toEqual(otherPacket);
          expect(bytesEqual(xmp.writeXmp(other, packet), once)).toBe(true);
          // A write depends only on the file without its packet: what a label signature relies on.
          expect(bytesEqual(xmp.writeXmp(xmp.writeXmp(f.bytes, otherPacket), packet), once)).toBe(true);
          // On a labeled file, removal gives the same bytes whatever the packet holds: the content
          // hash of a label signature is taken over these bytes.
          expect(bytesEqual(xmp.writeXmp(other, undefined), xmp.writeXmp(once, undefined))).toBe(true);
        });
      });

      const append = options.xmpPlacement === 'append';

      it.skipIf(append)('write then remove restores the exact original bytes of a file without XMP', () => {
        each((f) => {
          if (f.xmp !== undefined) return;
          expect(bytesEqual(xmp.writeXmp(f.bytes, undefined), f.bytes)).toBe(true);
          const removed = xmp.writeXmp(xmp.writeXmp(f.bytes, packet), undefined);
          expect(bytesEqual(removed, f.bytes)).toBe(true);
          expect(xmp.readXmp(removed)).toBeUndefined();
        });
      });

      it.runIf(append)(
        'append placement: removing gives an equivalent unlabelled file; a remove/relabel cycle is a fixed point',
        async () => {
          await eachAsync(async (f) => {
            const once = xmp.writeXmp(f.bytes, packet);
            const removed = xmp.writeXmp(once, undefined);
            handler.validate(removed);
            expect(xmp.readXmp(removed)).toBeUndefined();
            if (options.decode) expect(await options.decode(removed)).toEqual(await options.decode(f.bytes));
            if (options.preserved) {
              expect(await options.preserved(removed)).toEqual(await options.preserved(f.bytes));
            }
            const cycled = xmp.writeXmp(removed, packet);
            expect(bytesEqual(xmp.writeXmp(xmp.writeXmp(cycled, undefined), packet), cycled)).toBe(true);
            if (f.xmp === undefined) expect(bytesEqual(cycled, once)).toBe(true);
          });
        },
      );

      it.skipIf(append)('replacing an existing packet keeps every byte outside its slot', () => {
        let checked = 0;
        each((f) => {
          if (f.xmp === undefined) return;
          checked++;
          // Removal deletes exactly one contiguous slot ...
          const removed = xmp.writeXmp(f.bytes, undefined);
          expect(xmp.readXmp(removed)).toBeUndefined();
          const before = normalize(f.bytes);
          const slot = before.length - normalize(removed).length;
          expect(slot).toBeGreaterThan(0);
          expect(changedWindow(before, normalize(removed))).toBe(slot);
          // ... and a replacement changes nothing outside a window of that size, in place.
          for (const p of [packet, otherPacket, new Uint8Array(0)]) {
            const out = xmp.writeXmp(f.bytes, p);
            expect(changedWindow(before, normalize(out))).toBeLessThanOrEqual(slot);
            expect(bytesEqual(xmp.writeXmp(out, undefined), removed)).toBe(true);
          }
        });
        expect(checked, 'at least one fixture must carry XMP').toBeGreaterThan(0);
      });

      it('keeps the essence (decoded content) identical', async () => {
        const decode = options.decode;
        if (decode === undefined) return;
        await eachAsync(async (f) => {
          const before = await decode(f.bytes);
          expect(await decode(xmp.writeXmp(f.bytes, packet))).toEqual(before);
          expect(await decode(xmp.writeXmp(f.bytes, undefined))).toEqual(before);
        });
      });

      it('keeps other metadata (EXIF, ICC, text) present and unchanged', async () => {
        const preserved = options.preserved;
        if (preserved === undefined) return;
        await eachAsync(async (f) => {
          const before = await preserved(f.bytes);
          expect(await preserved(xmp.writeXmp(f.bytes, packet))).toEqual(before);
          expect(await preserved(xmp.writeXmp(f.bytes, undefined))).toEqual(before);
        });
      });

      it('round-trips arbitrary packet bytes (property)', () => {
        const f = fixtures.all()[0]!;
        fc.assert(
          fc.property(options.packetArb ?? fc.uint8Array({ maxLength: 4096 }), (p) => {
            const out = xmp.writeXmp(f.bytes, p);
            expect(xmp.readXmp(out)).toEqual(p);
          }),
          { numRuns: Math.min(numRuns, 100) },
        );
      });

      it('rejects every truncation in readXmp and writeXmp with a FormatError', () => {
        each((f) => {
          for (const cut of failingCuts(f)) {
            const part = f.bytes.slice(0, cut);
            for (const op of [() => xmp.readXmp(part), () => xmp.writeXmp(part, packet)]) {
              expect(catchFormatError(op)?.code, `cut at ${cut}`).toBeOneOf(TRUNCATION_CODES);
            }
          }
        });
      });
    });
  });
}
