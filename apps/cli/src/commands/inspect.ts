import { inspectContent } from '@synthguard/engine';
import type { Command } from 'commander';
import { readInput } from '../io.js';
import { emit } from '../output.js';

const LABEL_MEANING: Readonly<Record<string, string>> = {
  '1': 'AI-generated',
  '2': 'possibly AI-generated',
  '3': 'suspected AI-generated',
};

export function inspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('show the format and the GB 45438 implicit label of a file')
    .argument('<file>', 'file to inspect')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const result = inspectContent(await readInput(file), { fileName: file });
      emit(opts.json === true, { file, ...result }, () => {
        const lines = [
          `${file}: ${result.format} (${result.mediaType}), ${result.bytes} bytes`,
          `sha256: ${result.sha256}`,
        ];
        if (result.label === undefined) {
          lines.push('implicit label: none');
        } else {
          const f = result.label.fields;
          lines.push(
            `implicit label (GB 45438, ${result.label.form} form): ${f.Label} = ${LABEL_MEANING[f.Label] ?? '?'}`,
          );
          for (const [k, v] of Object.entries(f)) lines.push(`  ${k.padEnd(18)} ${v === '' ? '(empty)' : v}`);
          for (const p of result.label.problems) lines.push(`  problem: ${p}`);
        }
        return lines.join('\n');
      });
    });
}
