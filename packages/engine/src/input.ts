import type { z } from 'zod';
import { EngineError } from './errors.js';

/** Parses use-case input with its contract schema; a mismatch is `request.invalid` with the issues. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new EngineError(
    'request.invalid',
    first === undefined ? 'The input is invalid.' : `Invalid ${first.path || 'input'}: ${first.message}`,
    { details: { issues } },
  );
}
