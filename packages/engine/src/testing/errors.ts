/** Test-only: the stable code a rejected promise carries (not exported from the package). */
import { isAppError } from '@synthguard/core';

/** The AppError code `p` rejects with; fails the test when it resolves or throws something else. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a rejection');
}
