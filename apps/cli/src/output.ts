import { isAppError } from '@synthguard/core';
import { envVar } from './env.js';

/** Writes a result: JSON (one document) or human text. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** Exit status: 1 for refused input or failed operations, 2 for usage errors (commander's and cli.usage). */
export function reportError(err: unknown, json: boolean): number {
  const code = isAppError(err) ? err.code : 'internal';
  const message = err instanceof Error ? err.message : String(err);
  const details = isAppError(err) ? err.details : undefined;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ error: { code, message, ...(details ? { details } : {}) } }, null, 2)}\n`,
    );
  } else {
    process.stderr.write(`synthguard: ${code}: ${message}\n`);
    if (!isAppError(err) && err instanceof Error && err.stack !== undefined) {
      process.stderr.write(
        envVar('DEBUG') !== undefined
          ? `${err.stack}\n`
          : 'synthguard: this is a bug; run with DEBUG=1 for the stack.\n',
      );
    }
  }
  // Options that do not fit together are usage errors, like commander's own (exit 2).
  return code === 'cli.usage' ? 2 : 1;
}
