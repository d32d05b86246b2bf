/**
 * Runs every engine's benchmark (house rule: each engine has one here) and prints one report.
 *
 *   npm run bench [-- --json bench/results/latest.json]     full budgets (docs/benchmarks.md)
 *   npm run bench:quick                                      small budgets, for CI
 *   npm run bench -- --large                                 also label 200 MB - 2 GiB MP4s (peak RSS)
 */
import { runSuites } from './harness.js';
import { labelsSuite } from './labels.bench.js';
import { ledgerFsckSuite } from './ledger-fsck.bench.js';
import { ledgerPostgresSuite } from './ledger-postgres.bench.js';
import { ledgerSuite } from './ledger.bench.js';
import { mediaSuite } from './media.bench.js';

await runSuites(
  [labelsSuite, mediaSuite, ledgerSuite, ledgerFsckSuite, ledgerPostgresSuite],
  process.argv.slice(2),
);
