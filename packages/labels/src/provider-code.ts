import { usccProblem } from '@synthguard/core';
import { LabelError } from './errors.js';

/**
 * Provider code (服务提供者编码), TC260-PG-20252A [soft spec]. 27 characters:
 *
 *   pos  1-2   "00"          prefix
 *   pos  3     "1"           subject type: organisation
 *   pos  4     "1"           identifier type: unified social credit code (GB 32100-2015)
 *   pos  5-22  USCC          18 characters, check character verified
 *   pos  23    "1" | "2"     role: 1 generation (ContentProducer), 2 propagation (ContentPropagator)
 *   pos  24-27 [0-9A-Z]{4}   service code
 *
 * Real example: 001191440300708461136T1XGW3. Only organisation + USCC codes are defined by the
 * practice guide we follow; other subject / identifier types are rejected rather than guessed.
 */
export const PROVIDER_CODE_LENGTH = 27;
export const DEFAULT_SERVICE_CODE = '0001';

export interface ProviderCodeParts {
  prefix: string;
  subjectType: string;
  idType: string;
  uscc: string;
  role: 'generation' | 'propagation';
  serviceCode: string;
}

export type ProviderCodeProblem =
  | 'not_a_string'
  | 'length'
  | 'prefix'
  | 'subject_type'
  | 'id_type'
  | 'uscc_length'
  | 'uscc_character'
  | 'uscc_check'
  | 'role'
  | 'service_code';

const SERVICE_CODE = /^[0-9A-Z]{4}$/;

function problemError(problem: ProviderCodeProblem, field = 'ContentProducer'): LabelError {
  return new LabelError('label.invalid_field', `The provider code is invalid (${problem}); check it.`, {
    details: { field, problem },
  });
}

function usccToProblem(uscc: string): ProviderCodeProblem | undefined {
  const p = usccProblem(uscc);
  return p === undefined ? undefined : (`uscc_${p}` as const);
}

function codeProblem(code: unknown): ProviderCodeProblem | undefined {
  if (typeof code !== 'string') return 'not_a_string';
  if (code.length !== PROVIDER_CODE_LENGTH) return 'length';
  if (!code.startsWith('00')) return 'prefix';
  if (code[2] !== '1') return 'subject_type';
  if (code[3] !== '1') return 'id_type';
  const uscc = usccToProblem(code.slice(4, 22));
  if (uscc !== undefined) return uscc;
  if (code[22] !== '1' && code[22] !== '2') return 'role';
  if (!SERVICE_CODE.test(code.slice(23))) return 'service_code';
  return undefined;
}

/** Splits a provider code into its parts. Throws LabelError `label.invalid_field` (field ContentProducer). */
export function parseProviderCode(code: string): ProviderCodeParts {
  const problem = codeProblem(code);
  if (problem !== undefined) throw problemError(problem);
  return {
    prefix: code.slice(0, 2),
    subjectType: code.slice(2, 3),
    idType: code.slice(3, 4),
    uscc: code.slice(4, 22),
    role: code[22] === '1' ? 'generation' : 'propagation',
    serviceCode: code.slice(23),
  };
}

export function isValidProviderCode(code: string): boolean {
  return codeProblem(code) === undefined;
}

/**
 * Builds the provider code of an organisation from its USCC. Default role `generation`,
 * default service code `0001`. Throws LabelError `label.invalid_field`.
 */
export function deriveProviderCode(
  uscc: string,
  options: { role?: 'generation' | 'propagation'; serviceCode?: string } = {},
): string {
  const role = options.role ?? 'generation';
  const serviceCode = options.serviceCode ?? DEFAULT_SERVICE_CODE;
  const field = role === 'propagation' ? 'ContentPropagator' : 'ContentProducer';
  if (typeof uscc !== 'string') throw problemError('not_a_string', field);
  const usccP = usccToProblem(uscc);
  if (usccP !== undefined) throw problemError(usccP, field);
  if ((role as string) !== 'generation' && (role as string) !== 'propagation')
    throw problemError('role', field);
  if (typeof serviceCode !== 'string' || !SERVICE_CODE.test(serviceCode)) {
    throw problemError('service_code', field);
  }
  return `0011${uscc}${role === 'generation' ? '1' : '2'}${serviceCode}`;
}
