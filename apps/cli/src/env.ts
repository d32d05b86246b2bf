/**
 * One environment variable; an empty value (`DATABASE_URL=`) means unset, as the server's
 * configuration has it (apps/server/src/config.ts).
 */
export function envVar(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}
