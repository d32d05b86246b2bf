/**
 * Runs every engine's benchmark (house rule: each engine has one here) and prints one report.
 *
 *   npm run bench [-- --json bench/results/latest.json]     full budgets (docs/benchmarks.md)
 *   npm run bench:quick                                      small budgets, for CI
 */
import { runSuites } from './harness.js';
import { labelsSuite } from './labels.bench.js';

await runSuites([labelsSuite], process.argv.slice(2));
