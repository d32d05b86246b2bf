import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source through the "source" export condition,
// so `vitest` needs no build step.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.interop.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
