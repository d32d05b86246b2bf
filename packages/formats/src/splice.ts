import { concatBytes } from '@synthguard/core';

/** A new array: `file` with `[start, end)` replaced by `replacement` (every other byte kept). */
export function splice(file: Uint8Array, start: number, end: number, replacement: Uint8Array): Uint8Array {
  return concatBytes([file.subarray(0, start), replacement, file.subarray(end)]);
}
