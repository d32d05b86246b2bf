/**
 * The part of the conformance suites that does not depend on the metadata slot: identity and
 * registry, truncation, and hostile input. `runHandlerConformance` (XMP) and
 * `runAigcFieldConformance` (native AIGC field) both call `describeHandlerBasics` inside their
 * top-level describe, each with a small adapter for its slot.
 *
 * Test-only code: imports vitest and fast-check, and is not exported from the package index.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FormatErrorCode } from '../errors.js';
import type { FormatHandler } from '../handler.js';
import {
  detectFormat,
  formatHandlers,
  handlerByExtension,
  handlerById,
  handlerByMediaType,
} from '../registry.js';
import { applyMutation, catchFormatError, cutOffsets, mutationArb } from './mutations.js';

export const TRUNCATION_CODES: FormatErrorCode[] = ['format.truncated', 'format.corrupt'];

/** What the shared tests need of a fixture; each suite's fixture type extends it. */
export interface BasicFixture {
  /** Shown in test names. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Number of bytes after the logical end of the file (kept by writes, harmless to cut). */
  readonly trailer?: number;
  /** Cut offsets before the logical end that leave a complete, shorter file (not truncations). */
  readonly validCuts?: readonly number[];
}

export interface FixtureSet<F extends BasicFixture> {
  /** The fixtures (empty until the suite's beforeAll has run). */
  readonly all: () => readonly F[];
  /** Runs `fn` on every fixture; a failure names the fixture. */
  readonly each: (fn: (f: F) => void) => void;
  readonly eachAsync: (fn: (f: F) => Promise<void>) => Promise<void>;
}

/** Builds the fixtures once, in a beforeAll of the enclosing describe. */
export function setupFixtures<F extends BasicFixture>(build: () => Promise<readonly F[]>): FixtureSet<F> {
  let fixtures: readonly F[] = [];
  beforeAll(async () => {
    fixtures = await build();
    expect(fixtures.length).toBeGreaterThan(0);
  });
  const named = (f: F, err: unknown): Error =>
    new Error(`fixture "${f.name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  return {
    all: () => fixtures,
    each: (fn) => {
      for (const f of fixtures) {
        try {
          fn(f);
        } catch (err) {
          throw named(f, err);
        }
      }
    },
    eachAsync: async (fn) => {
      for (const f of fixtures) {
        try {
          await fn(f);
        } catch (err) {
          throw named(f, err);
        }
      }
    },
  };
}

/** Cuts before the logical end that must fail (all but the fixture's declared valid cuts). */
export function failingCuts(f: BasicFixture): number[] {
  const logicalEnd = f.bytes.length - (f.trailer ?? 0);
  const valid = new Set(f.validCuts ?? []);
  return cutOffsets(logicalEnd).filter((cut) => !valid.has(cut));
}

/** The metadata slot a suite checks, as far as the shared hostile-input tests need it. */
export interface MetadataSlot<V> {
  /** Shown in test names: 'XMP' for readXmp / writeXmp, 'AIGC' for readAigc / writeAigc. */
  readonly name: 'XMP' | 'AIGC';
  /** The handler's carrier for the slot, or undefined when the handler has none. */
  readonly carrier:
    | {
        read(file: Uint8Array): V | undefined;
        /** `undefined` removes the value. */
        write(file: Uint8Array, value: V | undefined): Uint8Array;
      }
    | undefined;
  /** A valid value to write. */
  readonly sample: V;
}

export interface HandlerBasicsOptions {
  /** fast-check runs per property. */
  numRuns: number;
  /** Applied after random mutations in the fuzz properties (fix checksums). Must not throw. */
  reseal?: (file: Uint8Array) => Uint8Array;
  /** The handler must have the slot's carrier (checked with the media type and extensions). */
  requireCarrier?: boolean;
  /** Detection by magic bytes gets its own test instead of sharing one with sniff and validate. */
  separateDetect?: boolean;
  /** Registers further tests inside the 'structure' describe. */
  moreStructure?: () => void;
}

export function describeHandlerBasics<F extends BasicFixture, V>(
  handler: FormatHandler,
  fixtures: FixtureSet<F>,
  slot: MetadataSlot<V>,
  options: HandlerBasicsOptions,
): void {
  const { numRuns } = options;
  const each = fixtures.each;
  const method = `${slot.name.charAt(0)}${slot.name.slice(1).toLowerCase()}`;

  describe('identity and registry', () => {
    it(
      options.requireCarrier === true
        ? `has a lower-case media type, lower-case extensions and an ${slot.name} carrier`
        : 'has a lower-case media type and lower-case extensions without dots',
      () => {
        expect(handler.mediaType).toBe(handler.mediaType.toLowerCase());
        expect(handler.mediaType).not.toContain(';');
        expect(handler.extensions.length).toBeGreaterThan(0);
        for (const ext of handler.extensions) expect(ext).toMatch(/^[a-z0-9]+$/);
        if (options.requireCarrier === true) expect(slot.carrier).toBeDefined();
      },
    );
    it('is registered and found by id, every extension and media type', () => {
      expect(formatHandlers).toContain(handler);
      expect(handlerById(handler.id)).toBe(handler);
      expect(handlerByMediaType(handler.mediaType)).toBe(handler);
      expect(handlerByMediaType(`${handler.mediaType.toUpperCase()}; charset=binary`)).toBe(handler);
      for (const ext of handler.extensions) {
        expect(handlerByExtension(ext)).toBe(handler);
        expect(handlerByExtension(`.${ext.toUpperCase()}`)).toBe(handler);
      }
    });
    if (options.separateDetect === true) {
      it('detects every fixture by its magic bytes', () => {
        each((f) => {
          expect(detectFormat(f.bytes)).toBe(handler);
        });
      });
      it('sniffs every fixture, and every fixture validates', () => {
        each((f) => {
          expect(handler.sniff(f.bytes)).toBe(true);
          handler.validate(f.bytes);
        });
      });
    } else {
      it('sniffs and detects every fixture, and every fixture validates', () => {
        each((f) => {
          expect(handler.sniff(f.bytes)).toBe(true);
          expect(detectFormat(f.bytes)).toBe(handler);
          handler.validate(f.bytes);
        });
      });
    }
    it('sniff never throws, on any input', () => {
      expect(handler.sniff(new Uint8Array(0))).toBe(false);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 32 }), (head) => {
          expect(typeof handler.sniff(head)).toBe('boolean');
        }),
        { numRuns },
      );
    });
    it('sniffs every short prefix of its own fixtures without throwing', () => {
      each((f) => {
        for (let n = 0; n <= Math.min(16, f.bytes.length); n++) handler.sniff(f.bytes.subarray(0, n));
      });
    });
  });

  describe('structure', () => {
    it('rejects every truncation with format.truncated or format.corrupt', () => {
      each((f) => {
        const logicalEnd = f.bytes.length - (f.trailer ?? 0);
        for (const cut of cutOffsets(f.bytes.length)) {
          if (cut < logicalEnd) continue;
          const part = f.bytes.slice(0, cut);
          expect(
            catchFormatError(() => {
              handler.validate(part);
            }),
            `cut at ${cut} lies in the trailer`,
          ).toBeUndefined();
        }
        for (const cut of failingCuts(f)) {
          const part = f.bytes.slice(0, cut);
          const err = catchFormatError(() => {
            handler.validate(part);
          });
          expect(err?.code, `cut at ${cut} of ${f.bytes.length}`).toBeOneOf(TRUNCATION_CODES);
        }
      });
    });
    options.moreStructure?.();
  });

  describe('hostile input (fast-check)', () => {
    it(`mutated files: validate/read${method}/write${method} succeed or throw FormatError; successful writes read back`, () => {
      const all = fixtures.all();
      const fixtureArb = fc.nat().map((i) => all[i % all.length]!);
      fc.assert(
        fc.property(
          fixtureArb,
          fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
          fc.boolean(),
          (f, ms, reseal) => {
            let bytes = f.bytes;
            for (const m of ms) bytes = applyMutation(bytes, m);
            if (reseal && options.reseal !== undefined) bytes = options.reseal(bytes);
            catchFormatError(() => {
              handler.sniff(bytes);
            });
            catchFormatError(() => detectFormat(bytes));
            catchFormatError(() => {
              handler.validate(bytes);
            });
            const carrier = slot.carrier;
            if (carrier === undefined) return;
            catchFormatError(() => carrier.read(bytes));
            let out: Uint8Array | undefined;
            const err = catchFormatError(() => {
              out = carrier.write(bytes, slot.sample);
            });
            if (err === undefined && out !== undefined) {
              handler.validate(out);
              expect(carrier.read(out)).toEqual(slot.sample);
              const removed = carrier.write(out, undefined);
              expect(carrier.read(removed)).toBeUndefined();
            }
          },
        ),
        { numRuns },
      );
    });

    it('random bytes behind a valid start: FormatError or success, never another exception', () => {
      const f = fixtures.all()[0]!;
      fc.assert(
        fc.property(fc.nat({ max: 64 }), fc.uint8Array({ maxLength: 512 }), (keep, tail) => {
          const head = Math.min(keep, f.bytes.length);
          const bytes = new Uint8Array(head + tail.length);
          bytes.set(f.bytes.subarray(0, head));
          bytes.set(tail, head);
          catchFormatError(() => {
            handler.validate(bytes);
          });
          const carrier = slot.carrier;
          if (carrier === undefined) return;
          catchFormatError(() => carrier.read(bytes));
          catchFormatError(() => carrier.write(bytes, slot.sample));
          catchFormatError(() => carrier.write(bytes, undefined));
        }),
        { numRuns },
      );
    });
  });
}
