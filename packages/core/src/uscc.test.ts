import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USCC_ALPHABET, isValidUscc, usccCheckCharacter, usccProblem } from './uscc.js';

describe('USCC (GB 32100-2015)', () => {
  it.each([
    // the USCC inside the provider code of real labelled files: 001191440300708461136T1XGW3
    '91440300708461136T',
    // widely published codes of listed companies
    '91110000100017643K',
    '91310000132206289R',
  ])('accepts %s', (code) => {
    expect(usccProblem(code)).toBeUndefined();
  });

  it.each([
    ['91440300708461136X', 'check'],
    ['9144030070846113', 'length'],
    ['91440300708461136I', 'character'],
    ['91440300o08461136T', 'character'],
  ] as const)('rejects %s (%s)', (code, problem) => {
    expect(usccProblem(code)).toBe(problem);
  });

  it('detects every single-character substitution', () => {
    const alphabet = fc.constantFrom(...USCC_ALPHABET.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { minLength: 17, maxLength: 17 }),
        fc.nat(17),
        alphabet,
        (body, pos, ch) => {
          const code = body.join('') + usccCheckCharacter(body.join(''))!;
          expect(isValidUscc(code)).toBe(true);
          const mutated = code.slice(0, pos) + ch + code.slice(pos + 1);
          expect(isValidUscc(mutated)).toBe(mutated === code);
        },
      ),
    );
  });
});
