/**
 * The JSON-lines report of a batch: one object per input file, written as soon as the file is
 * done (so a killed batch still says what it finished), to a file or to stdout.
 */
import { type WriteStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CliError } from '../errors.js';

export interface ReportSink {
  write(line: Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function openReport(path: string | undefined): Promise<ReportSink> {
  if (path === undefined) {
    return {
      write: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
      close: () => Promise.resolve(),
    };
  }
  const stream: WriteStream = createWriteStream(path, { flags: 'w', mode: 0o644 });
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new CliError('cli.output_unwritable', `Cannot write the report ${path}.`, {
      cause: err,
      details: { path },
    });
  }
  return {
    write: (line) => stream.write(`${JSON.stringify(line)}\n`),
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
