/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters from a 31-character alphabet (digits and upper-case letters without
 * I, O, Z, S, V). Position 18 is a check character: with weights W_i = 3^(i-1) mod 31,
 * C18 = 31 - (sum(C_i * W_i) mod 31), where 31 maps to 0.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccProblem = 'length' | 'character' | 'check';

/** Computes the check character for the first 17 characters, or undefined if one is invalid. */
export function usccCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]!);
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check];
}

/** Returns undefined when `code` is a valid USCC, otherwise what is wrong with it. */
export function usccProblem(code: string): UsccProblem | undefined {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!USCC_ALPHABET.includes(ch)) return 'character';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? undefined : 'check';
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === undefined;
}
