/** Talking to a running server: URLs, reachability, problem+json errors passed through. */
import { AppError } from '@synthguard/core';
import { envVar } from './env.js';
import { CliError } from './errors.js';

export interface ServerOptions {
  server?: string;
  key?: string;
}

/** The server named by --server or SYNTHGUARD_URL, if any. */
export function serverOf(opts: ServerOptions): string | undefined {
  return opts.server ?? envVar('SYNTHGUARD_URL');
}

export function authHeader(opts: ServerOptions): Record<string, string> {
  const key = opts.key ?? envVar('SYNTHGUARD_API_KEY');
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}

/** Throws the server's stable error code (RFC 9457 problem+json) for a failed response. */
export async function throwProblem(res: Response): Promise<never> {
  const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string; details?: unknown };
  if (body.code !== undefined) {
    throw new AppError(body.code, body.detail ?? `The server answered ${String(res.status)}.`, {
      details: {
        status: res.status,
        ...(typeof body.details === 'object' && body.details !== null ? body.details : {}),
      },
    });
  }
  throw new CliError('cli.server_error', body.detail ?? `The server answered ${String(res.status)}.`, {
    details: { status: res.status },
  });
}

export function serverUrl(server: string, path: string): URL {
  const hint = `--server ${server} is not an http(s) URL; use e.g. http://localhost:8080.`;
  let url: URL;
  try {
    url = new URL(path, server);
  } catch (err) {
    throw new CliError('cli.invalid_server_url', hint, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('cli.invalid_server_url', hint);
  }
  return url;
}

/** fetch() rejects (TypeError "fetch failed") when nothing answers; say which server and what to do. */
export async function reach(server: string, call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (err) {
    const cause = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
    throw new CliError(
      'cli.server_unreachable',
      `Cannot reach the server at ${server}${typeof cause === 'string' ? ` (${cause})` : ''}. Is it running?`,
      { cause: err },
    );
  }
}
