import { AppError } from '@synthguard/core';
import type { HttpErrorCode } from './problem.js';

/** Errors raised by the HTTP edge itself (bad request shape, limits). */
export class HttpError extends AppError<HttpErrorCode | 'auth.forbidden'> {}
