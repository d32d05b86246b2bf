#!/usr/bin/env node
import { CommanderError } from 'commander';
import { reportError } from './output.js';
import { buildProgram } from './program.js';

const argv = process.argv;
const json = argv.includes('--json');
try {
  await buildProgram().parseAsync(argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = reportError(err, json);
  }
}
