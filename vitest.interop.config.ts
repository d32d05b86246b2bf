import { defineConfig } from 'vitest/config';

// Interop tests need Debian tools (exiftool). `.ci/run` installs them; `npm test` does not run these.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.interop.test.ts', 'apps/*/src/**/*.interop.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
