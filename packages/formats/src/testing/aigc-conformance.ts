/**
 * The shared conformance suite for handlers with a native AIGC field (`handler.aigc`): the
 * counterpart of `runHandlerConformance` (XMP) for the TC260 guides' native carriers (WAV chunk,
 * ID3v2 TXXX, Vorbis comment, ...).
 *
 *   runAigcFieldConformance(wavHandler, { buildFixtures: buildWavFixtures, addSecondField, ...wavProbes });
 *
 * Test-only code: imports vitest and fast-check, and is not exported from the package index.
 */
import { bytesEqual, utf8Encode } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AigcFieldCarrier, FormatHandler } from '../handler.js';
import { describeHandlerBasics, failingCuts, setupFixtures, TRUNCATION_CODES } from './handler-basics.js';
import { catchFormatError, changedWindow } from './mutations.js';

export interface AigcConformanceFixture {
  /** Shown in test names. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The AIGC value the fixture carries, or undefined when it carries none. */
  readonly aigc: string | undefined;
  /** Number of bytes after the logical end of the file (kept by writes, harmless to cut). */
  readonly trailer?: number;
  /**
   * Cut offsets before the logical end that leave a complete, shorter file, so the truncation
   * checks skip them: MPEG audio frame boundaries (an MP3 has no global length to compare with).
   */
  readonly validCuts?: readonly number[];
}

export interface AigcConformanceOptions {
  /** Builds the fixtures once; generated in the test (see testing/audio-fixtures.ts). */
  buildFixtures: () => Promise<readonly AigcConformanceFixture[]>;
  /**
   * Adds a second, independent AIGC field to a file that carries one (the way a forger would:
   * a second chunk, frame or comment), so the suite can check `format.duplicate_metadata`.
   */
  addSecondField: (file: Uint8Array, value: string) => Uint8Array;
  /** Decodes the essence (audio samples / frames); must be equal before and after every write. */
  decode?: (file: Uint8Array) => Promise<unknown>;
  /** Other metadata that must survive a write (other chunks, frames, comments), excluding AIGC. */
  preserved?: (file: Uint8Array) => Promise<unknown>;
  /** Applied after random mutations in the fuzz properties (fix checksums). Must not throw. */
  reseal?: (file: Uint8Array) => Uint8Array;
  /**
   * Maps a file to the bytes a write must keep outside the field, for the slot test: blanks the
   * sizes and counts that enclose the field (RIFF size, ID3v2 tag size, FLAC block length, comment
   * count) and drops padding a write may take from or give back to. Must not throw.
   */
  normalize?: (file: Uint8Array) => Uint8Array;
  /**
   * Bytes one field may cost beyond its value (default 64): the container's framing of a field.
   * Text containers spell it out (an OOXML custom property element is ~110 bytes of XML, which
   * deflate cannot shrink to 64 when nothing else in the part repeats it).
   */
  fieldOverhead?: number;
  /** fast-check runs per property (default 300). */
  numRuns?: number;
}

/** An ASCII AIGC value shaped like the label (GB 45438-2025 Annex E field names). */
export function buildAigcValue(produceId = '01JD2Y7K3M9Q8R5T6V7W8X9Y0Z'): string {
  return JSON.stringify({
    Label: '1',
    ContentProducer: '001191440300708461136T1XGW3',
    ProduceID: produceId,
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  });
}

/** A value with non-ASCII text (CJK, an astral-plane character): proves UTF-8 (or UTF-16) round trips. */
export const NON_ASCII_AIGC_VALUE =
  '{"AIGC":{"Label":"1","ContentProducer":"人工智能生成 – 合成内容 𝄞","ProduceID":"é"}}';

/** Well-formed strings without U+0000 (a NUL terminates text in some carriers). */
const valueArb = fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\0'));

export function runAigcFieldConformance(handler: FormatHandler, options: AigcConformanceOptions): void {
  const numRuns = options.numRuns ?? 300;
  const value = buildAigcValue();
  const otherValue = buildAigcValue('a second, longer ProduceID value to change the size of the field');
  const values = [value, NON_ASCII_AIGC_VALUE, otherValue, ''];

  describe(`${handler.id} handler AIGC field conformance`, () => {
    const fixtures = setupFixtures(options.buildFixtures);
    const { each, eachAsync } = fixtures;
    const aigc: AigcFieldCarrier | undefined = handler.aigc;

    describeHandlerBasics(
      handler,
      fixtures,
      {
        name: 'AIGC',
        carrier: aigc && { read: (file) => aigc.readAigc(file), write: (file, v) => aigc.writeAigc(file, v) },
        sample: value,
      },
      {
        numRuns,
        reseal: options.reseal,
        requireCarrier: true,
        separateDetect: true,
        moreStructure: () => {
          it('accepts the declared valid cuts (complete, shorter files)', () => {
            each((f) => {
              for (const cut of f.validCuts ?? []) handler.validate(f.bytes.slice(0, cut));
            });
          });
        },
      },
    );

    if (aigc === undefined) return;

    describe('AIGC field carrier', () => {
      it('reads the fixture value (undefined when it has none)', () => {
        each((f) => {
          expect(aigc.readAigc(f.bytes)).toBe(f.aigc);
        });
      });

      it('write then read returns the value (ASCII, non-ASCII, empty); the result validates and sniffs', () => {
        each((f) => {
          for (const v of values) {
            const out = aigc.writeAigc(f.bytes, v);
            handler.validate(out);
            expect(handler.sniff(out)).toBe(true);
            expect(aigc.readAigc(out)).toBe(v);
          }
        });
      });

      it('never modifies its input', () => {
        each((f) => {
          const copy = f.bytes.slice();
          aigc.writeAigc(f.bytes, value);
          aigc.writeAigc(f.bytes, undefined);
          aigc.readAigc(f.bytes);
          expect(bytesEqual(f.bytes, copy)).toBe(true);
        });
      });

      it('rewriting is idempotent and keeps exactly one field', () => {
        each((f) => {
          const once = aigc.writeAigc(f.bytes, value);
          const twice = aigc.writeAigc(once, value);
          expect(bytesEqual(once, twice)).toBe(true);
          const other = aigc.writeAigc(once, otherValue);
          expect(aigc.readAigc(other)).toBe(otherValue);
          expect(bytesEqual(aigc.writeAigc(other, value), once)).toBe(true);
          const nonAscii = aigc.writeAigc(once, NON_ASCII_AIGC_VALUE);
          expect(aigc.readAigc(nonAscii)).toBe(NON_ASCII_AIGC_VALUE);
          expect(bytesEqual(aigc.writeAigc(nonAscii, value), once)).toBe(true);
          // A write depends only on the file without its field: what a label signature relies on
          // (the verifier rebuilds the signed bytes by rewriting the label).
          expect(bytesEqual(aigc.writeAigc(aigc.writeAigc(f.bytes, otherValue), value), once)).toBe(true);
          // On a labeled file, removal gives the same bytes whatever the field holds: the content
          // hash of a label signature is taken over these bytes.
          const stripped = aigc.writeAigc(once, undefined);
          for (const v of values) {
            expect(bytesEqual(aigc.writeAigc(aigc.writeAigc(once, v), undefined), stripped)).toBe(true);
          }
        });
      });

      it('write then remove restores the exact original bytes of a file without the field', () => {
        let checked = 0;
        each((f) => {
          if (f.aigc !== undefined) return;
          checked++;
          expect(bytesEqual(aigc.writeAigc(f.bytes, undefined), f.bytes)).toBe(true);
          for (const v of values) {
            const removed = aigc.writeAigc(aigc.writeAigc(f.bytes, v), undefined);
            expect(bytesEqual(removed, f.bytes), `value ${JSON.stringify(v).slice(0, 40)}`).toBe(true);
            expect(aigc.readAigc(removed)).toBeUndefined();
          }
        });
        expect(checked, 'at least one fixture must lack the field').toBeGreaterThan(0);
      });

      it('replacing an existing field keeps everything but the field (and its enclosing sizes)', () => {
        let checked = 0;
        each((f) => {
          if (f.aigc === undefined) return;
          checked++;
          const removed = aigc.writeAigc(f.bytes, undefined);
          expect(aigc.readAigc(removed)).toBeUndefined();
          handler.validate(removed);
          // Normalized (sizes blanked, padding dropped), removal deletes exactly one contiguous slot ...
          const normalize = options.normalize;
          const before = normalize?.(f.bytes);
          const slot = before === undefined ? 0 : before.length - normalize!(removed).length;
          if (before !== undefined) {
            expect(slot).toBeGreaterThan(0);
            expect(changedWindow(before, normalize!(removed))).toBe(slot);
          }
          for (const v of values) {
            const out = aigc.writeAigc(f.bytes, v);
            // The field grows with the value only: at most UTF-16 plus a small header.
            expect(out.length).toBeLessThanOrEqual(
              removed.length + 2 * utf8Encode(v).length + (options.fieldOverhead ?? 64),
            );
            expect(bytesEqual(aigc.writeAigc(out, undefined), removed)).toBe(true);
            // ... and a replacement changes one window, no larger than the old or the new field.
            if (before !== undefined) {
              const after = normalize!(out);
              const newSlot = after.length - normalize!(removed).length;
              expect(changedWindow(before, after)).toBeLessThanOrEqual(Math.max(slot, newSlot));
            }
          }
        });
        expect(checked, 'at least one fixture must carry the field').toBeGreaterThan(0);
      });

      it('keeps the essence (audio) identical', async () => {
        const decode = options.decode;
        if (decode === undefined) return;
        await eachAsync(async (f) => {
          const before = await decode(f.bytes);
          for (const v of [value, NON_ASCII_AIGC_VALUE]) {
            expect(await decode(aigc.writeAigc(f.bytes, v))).toEqual(before);
          }
          expect(await decode(aigc.writeAigc(f.bytes, undefined))).toEqual(before);
        });
      });

      it('keeps other metadata present and unchanged', async () => {
        const preserved = options.preserved;
        if (preserved === undefined) return;
        await eachAsync(async (f) => {
          const before = await preserved(f.bytes);
          for (const v of [value, NON_ASCII_AIGC_VALUE]) {
            expect(await preserved(aigc.writeAigc(f.bytes, v))).toEqual(before);
          }
          expect(await preserved(aigc.writeAigc(f.bytes, undefined))).toEqual(before);
        });
      });

      it('round-trips arbitrary values (property)', () => {
        fc.assert(
          fc.property(fc.nat(), valueArb, (i, v) => {
            const f = fixtures.all()[i % fixtures.all().length]!;
            const out = aigc.writeAigc(f.bytes, v);
            expect(aigc.readAigc(out)).toBe(v);
            expect(aigc.readAigc(aigc.writeAigc(out, undefined))).toBeUndefined();
          }),
          { numRuns: Math.min(numRuns, 100) },
        );
      });

      it('rejects a second AIGC field with format.duplicate_metadata, on read and write', () => {
        each((f) => {
          const twice = options.addSecondField(aigc.writeAigc(f.bytes, value), otherValue);
          handler.validate(twice);
          for (const op of [
            () => aigc.readAigc(twice),
            () => aigc.writeAigc(twice, value),
            () => aigc.writeAigc(twice, undefined),
          ]) {
            expect(catchFormatError(op)?.code).toBe('format.duplicate_metadata');
          }
        });
      });

      it('rejects every truncation in readAigc and writeAigc with a FormatError', () => {
        each((f) => {
          for (const cut of failingCuts(f)) {
            const part = f.bytes.slice(0, cut);
            for (const op of [() => aigc.readAigc(part), () => aigc.writeAigc(part, value)]) {
              expect(catchFormatError(op)?.code, `cut at ${cut}`).toBeOneOf(TRUNCATION_CODES);
            }
          }
        });
      });
    });
  });
}
