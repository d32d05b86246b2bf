/**
 * Typed, stable error codes. Every package declares its own code union and throws
 * `AppError<ItsCode>`; the server maps codes to HTTP status in exactly one table.
 *
 * Messages MUST NOT contain secrets or raw input bytes. They SHOULD tell the caller
 * what to do next.
 */
export class AppError<Code extends string = string> extends Error {
  override readonly name = 'AppError';
  readonly code: Code;
  /** Safe, structured facts for the caller (offsets, limits, field names). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: Code,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is an AppError, optionally with one of the given codes. */
export function isAppError<C extends string>(err: unknown, ...codes: C[]): err is AppError<C> {
  if (!(err instanceof AppError)) return false;
  return codes.length === 0 || (codes as readonly string[]).includes(err.code as string);
}
