import { Command } from 'commander';
import { detectCommand, verifyCommand } from './commands/check.js';
import { inspectCommand } from './commands/inspect.js';
import { signingKeyCommand } from './commands/signing-key.js';
import { keyCommand } from './commands/key.js';
import { labelCommand } from './commands/label.js';
import { ledgerCommand } from './commands/ledger.js';
import { tenantCommand } from './commands/tenant.js';
import { witnessCommand } from './commands/witness.js';

export const CLI_VERSION = '0.1.0';

/** The command tree. One file per command under commands/. */
export function buildProgram(): Command {
  const program = new Command('synthguard')
    .description('Label, record, verify and detect generated content (GB 45438-2025)')
    .version(CLI_VERSION)
    .option('--data <dir>', 'data directory (env SYNTHGUARD_DATA, default ./data)')
    .option('--database-url <url>', 'PostgreSQL instead of the embedded database (env DATABASE_URL)')
    .showHelpAfterError()
    .exitOverride();
  labelCommand(program);
  inspectCommand(program);
  verifyCommand(program);
  detectCommand(program);
  tenantCommand(program);
  keyCommand(program);
  signingKeyCommand(program);
  ledgerCommand(program);
  witnessCommand(program);
  return program;
}
