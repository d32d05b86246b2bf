/**
 * Test-only builders for labels (not exported from the package index).
 */
import fc from 'fast-check';
import type { AigcLabel } from '../aigc/label.js';
import { LabelError } from '../errors.js';

export function buildLabel(overrides: Partial<AigcLabel> = {}): AigcLabel {
  return {
    Label: '1',
    ContentProducer: '001191440300708461136T1XGW3',
    ProduceID: '01JD2Y7K3M9Q8R5T6V7W8X9Y0Z',
    ReservedCode1: '',
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
    ...overrides,
  };
}

export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabelError) return err.code;
    throw err;
  }
  return undefined;
}

export function thrown(fn: () => unknown): LabelError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabelError) return err;
    throw err;
  }
  throw new Error('expected a LabelError');
}

export const safeChar = fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c);
export const safeString = (minLength: number, maxLength: number) =>
  fc.array(safeChar, { minLength, maxLength }).map((cs) => String.fromCharCode(...cs));
const reservedString = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 300 })
  .map((cs) => String.fromCharCode(...cs));

/** Any label the strict writer accepts. */
export const arbitraryLabel: fc.Arbitrary<AigcLabel> = fc.record({
  Label: fc.constantFrom('1', '2', '3'),
  ContentProducer: safeString(1, 64),
  ProduceID: safeString(1, 64),
  ReservedCode1: reservedString,
  ContentPropagator: safeString(0, 64),
  PropagateID: safeString(0, 64),
  ReservedCode2: reservedString,
});
