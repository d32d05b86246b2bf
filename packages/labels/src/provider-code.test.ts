import { USCC_ALPHABET, usccCheckCharacter } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LabelError } from './errors.js';
import { deriveProviderCode, isValidProviderCode, parseProviderCode } from './provider-code.js';
import { thrown } from './testing/labels.js';

const EXAMPLE = '001191440300708461136T1XGW3'; // from real labelled files

describe('parseProviderCode (TC260-PG-20252A)', () => {
  it('parses the real example', () => {
    expect(parseProviderCode(EXAMPLE)).toEqual({
      prefix: '00',
      subjectType: '1',
      idType: '1',
      uscc: '91440300708461136T',
      role: 'generation',
      serviceCode: 'XGW3',
    });
    expect(isValidProviderCode(EXAMPLE)).toBe(true);
  });

  it('reads role 2 as propagation', () => {
    expect(parseProviderCode('001191440300708461136T2XGW3').role).toBe('propagation');
  });

  it.each<[string, string]>([
    ['', 'length'],
    [EXAMPLE.slice(1), 'length'],
    [`${EXAMPLE}0`, 'length'],
    [`01${EXAMPLE.slice(2)}`, 'prefix'],
    [`002${EXAMPLE.slice(3)}`, 'subject_type'],
    [`0012${EXAMPLE.slice(4)}`, 'id_type'],
    ['001191440300708461136X1XGW3', 'uscc_check'], // wrong check character
    ['001191440300708461136T3XGW3', 'role'],
    ['001191440300708461136T1XGw3', 'service_code'],
    ['001191440300708461136T1XG-3', 'service_code'],
    ['0011914403007084611I6T1XGW3', 'uscc_character'],
    [' 01191440300708461136T1XGW3', 'prefix'],
  ])('rejects %j (%s)', (code, problem) => {
    const err = thrown(() => parseProviderCode(code));
    expect(err.code).toBe('label.invalid_field');
    expect(err.details).toEqual({ field: 'ContentProducer', problem });
    expect(isValidProviderCode(code)).toBe(false);
  });

  it('rejects non-strings without crashing', () => {
    expect(isValidProviderCode(undefined as unknown as string)).toBe(false);
    expect(() => parseProviderCode(42 as unknown as string)).toThrow(LabelError);
  });
});

describe('deriveProviderCode', () => {
  it('builds a 27-character generation code with service 0001 by default', () => {
    const code = deriveProviderCode('91440300708461136T');
    expect(code).toBe('001191440300708461136T10001');
    expect(code).toHaveLength(27);
    expect(parseProviderCode(code)).toMatchObject({
      uscc: '91440300708461136T',
      role: 'generation',
      serviceCode: '0001',
    });
  });

  it('reproduces the real example', () => {
    expect(deriveProviderCode('91440300708461136T', { serviceCode: 'XGW3' })).toBe(EXAMPLE);
  });

  it('builds propagation codes', () => {
    const code = deriveProviderCode('91110000100017643K', { role: 'propagation', serviceCode: 'A1B2' });
    expect(parseProviderCode(code).role).toBe('propagation');
  });

  it.each<[string, { role?: 'generation' | 'propagation'; serviceCode?: string }, string, string]>([
    ['91440300708461136X', {}, 'ContentProducer', 'uscc_check'],
    ['9144030070846113', {}, 'ContentProducer', 'uscc_length'],
    ['91440300708461136I', {}, 'ContentProducer', 'uscc_character'],
    ['91440300708461136X', { role: 'propagation' }, 'ContentPropagator', 'uscc_check'],
    ['91440300708461136T', { serviceCode: 'abc1' }, 'ContentProducer', 'service_code'],
    ['91440300708461136T', { serviceCode: '00001' }, 'ContentProducer', 'service_code'],
    ['91440300708461136T', { role: 'other' as 'generation' }, 'ContentProducer', 'role'],
  ])('rejects %s %j', (uscc, options, field, problem) => {
    const err = thrown(() => deriveProviderCode(uscc, options));
    expect(err.code).toBe('label.invalid_field');
    expect(err.details).toEqual({ field, problem });
  });

  it('derives codes that parse back, for any valid USCC', () => {
    const usccChar = fc.constantFrom(...USCC_ALPHABET.split(''));
    const uscc = fc
      .array(usccChar, { minLength: 17, maxLength: 17 })
      .map((cs) => cs.join('') + usccCheckCharacter(cs.join(''))!);
    const service = fc
      .array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), {
        minLength: 4,
        maxLength: 4,
      })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        uscc,
        fc.constantFrom('generation' as const, 'propagation' as const),
        service,
        (u, role, s) => {
          const code = deriveProviderCode(u, { role, serviceCode: s });
          expect(code).toHaveLength(27);
          expect(parseProviderCode(code)).toEqual({
            prefix: '00',
            subjectType: '1',
            idType: '1',
            uscc: u,
            role,
            serviceCode: s,
          });
        },
      ),
    );
  });

  it('parsing arbitrary strings throws only LabelError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        try {
          parseProviderCode(s);
        } catch (err) {
          expect(err).toBeInstanceOf(LabelError);
        }
      }),
    );
  });
});
