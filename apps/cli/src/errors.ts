import { AppError } from '@synthguard/core';

/** Stable error codes of the CLI itself (the engine's and the server's codes pass through as they are). */
export type CliErrorCode =
  /** Labeling without --tenant while there is not exactly one tenant. */
  | 'cli.tenant_required'
  /** An input file does not exist. */
  | 'cli.file_not_found'
  /** An input path exists but cannot be read (a directory, no permission). */
  | 'cli.file_unreadable'
  /** The output path cannot be written (missing directory, a directory, no permission). */
  | 'cli.output_unwritable'
  /** --server is not an http(s) URL. */
  | 'cli.invalid_server_url'
  /** --server did not answer (refused, DNS, TLS). */
  | 'cli.server_unreachable'
  /** The server refused the request without a problem+json code. */
  | 'cli.server_error'
  /** Options that do not fit together (e.g. -o with several inputs). */
  | 'cli.usage'
  /** A batch names more input files than one run takes. */
  | 'cli.too_many_inputs'
  /** An operation did not take effect although it reported success. */
  | 'cli.internal';

export class CliError extends AppError<CliErrorCode> {}
