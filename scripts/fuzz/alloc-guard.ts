/**
 * Per-input allocation cap for the fuzz workers. Two complementary measures, because JavaScript
 * offers no allocation hook:
 *
 * 1. A guard on the constructors parsers use to size buffers from length fields: `new
 *    Uint8Array(n)`, `new ArrayBuffer(n)`, `Buffer.alloc*(n)`. A request over the cap throws
 *    before allocating (so a 4 GiB length field cannot take the machine down) and is recorded,
 *    so the input is a finding even if a handler swallows the error.
 * 2. The growth of the worker's heap plus external memory (ArrayBuffers) over the input,
 *    from `v8.getHeapStatistics()` (about 0.5 µs a call): catches everything else still alive or
 *    not yet collected when the input finishes (strings, arrays, zlib output). A lower bound of
 *    the peak: garbage collected during the input is not seen.
 *
 * The worker also runs under `resourceLimits` (old generation 512 MiB): a heap bomb kills it,
 * and the pool reports the input. Cap per input: 64 x input size + 16 MiB.
 */
import v8 from 'node:v8';

export const CAP_FACTOR = 64;
export const CAP_BASE = 16 * 1024 * 1024;

export function allocationCap(inputLength: number): number {
  return CAP_FACTOR * inputLength + CAP_BASE;
}

export interface AllocationViolation {
  readonly what: string;
  readonly bytes: number;
  readonly cap: number;
  readonly stack: string;
}

let cap = Number.POSITIVE_INFINITY;
let violation: AllocationViolation | undefined;

function guard(what: string, bytes: unknown): void {
  if (typeof bytes !== 'number' || !(bytes > cap)) return;
  const stack = new Error('allocation over the cap').stack ?? '';
  violation ??= { what, bytes, cap, stack };
  throw new RangeError(`fuzz allocation guard: ${what}(${bytes}) exceeds the per-input cap of ${cap} bytes`);
}

/** Installs the guard on this thread's globals (once, before the targets load). */
export function installAllocationGuard(): void {
  const wrap = <C extends abstract new (...args: never[]) => unknown>(
    ctor: C,
    what: string,
    scale: number,
  ): C =>
    new Proxy(ctor, {
      construct(target, args: unknown[], newTarget: (abstract new (...a: never[]) => unknown) & object) {
        const n = args[0];
        if (typeof n === 'number') guard(what, n * scale);
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  globalThis.Uint8Array = wrap(Uint8Array, 'new Uint8Array', 1);
  globalThis.ArrayBuffer = wrap(ArrayBuffer, 'new ArrayBuffer', 1);
  globalThis.Uint16Array = wrap(Uint16Array, 'new Uint16Array', 2);
  globalThis.Uint32Array = wrap(Uint32Array, 'new Uint32Array', 4);
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[name].bind(Buffer) as (size: number, ...rest: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[name] = (size: number, ...rest: unknown[]): Buffer => {
      guard(`Buffer.${name}`, size);
      return original(size, ...rest);
    };
  }
}

function used(): number {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** Arms the cap for one input; returns the memory reading to compare with at the end. */
export function beginInput(inputLength: number): number {
  cap = allocationCap(inputLength);
  violation = undefined;
  return used();
}

/** Disarms the cap: the heap growth over the input and the violation, if any (the guard's first). */
export function endInput(before: number): { grown: number; violation: AllocationViolation | undefined } {
  const limit = cap;
  cap = Number.POSITIVE_INFINITY;
  const grown = used() - before;
  if (violation !== undefined) return { grown, violation };
  if (grown > limit) {
    return {
      grown,
      violation: { what: 'heap + external memory growth', bytes: grown, cap: limit, stack: '' },
    };
  }
  return { grown, violation: undefined };
}
