/** Validation results in the C2PA 2.x §15 vocabulary (status codes, success / failure / informational). */

export interface ValidationStatus {
  /** C2PA status code, e.g. `claimSignature.validated`, `assertion.dataHash.mismatch`. */
  readonly code: string;
  /** JUMBF URI of the box the status is about, when there is one. */
  readonly url?: string;
  readonly explanation: string;
}

export type ValidationState = 'trusted' | 'valid' | 'invalid';

export interface ValidationResult {
  /**
   * `trusted`: no failure and the signer chains to a trust anchor; `valid`: no failure except
   * `signingCredential.untrusted`; `invalid`: anything else failed (C2PA 2.x §15.2 states).
   */
  readonly state: ValidationState;
  readonly success: readonly ValidationStatus[];
  readonly failure: readonly ValidationStatus[];
  readonly informational: readonly ValidationStatus[];
}

const SUCCESS = new Set([
  'claimSignature.validated',
  'claimSignature.insideValidity',
  'signingCredential.trusted',
  'assertion.hashedURI.match',
  'assertion.dataHash.match',
  'assertion.bmffHash.match',
]);

const INFORMATIONAL = new Set(['timeStamp.unsupported', 'algorithm.deprecated']);

export class StatusLog {
  private readonly items: ValidationStatus[] = [];

  add(code: string, explanation: string, url?: string): void {
    this.items.push(url === undefined ? { code, explanation } : { code, url, explanation });
  }

  result(): ValidationResult {
    const success = this.items.filter((s) => SUCCESS.has(s.code));
    const informational = this.items.filter((s) => INFORMATIONAL.has(s.code));
    const failure = this.items.filter((s) => !SUCCESS.has(s.code) && !INFORMATIONAL.has(s.code));
    const hard = failure.filter((s) => s.code !== 'signingCredential.untrusted');
    const state: ValidationState =
      hard.length > 0
        ? 'invalid'
        : success.some((s) => s.code === 'signingCredential.trusted')
          ? 'trusted'
          : 'valid';
    return { state, success, failure, informational };
  }
}
