import { defineConfig } from 'vitest/config';

// Interop tests need Debian tools (exiftool, ffmpeg, qpdf, OpenSSL, unzip, Go with x/mod). `.ci/run`
// installs them; `npm test` does not run these. Each file skips with a notice when its tool is
// missing, unless SYNTHGUARD_REQUIRE_INTEROP=1 (CI).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.interop.test.ts', 'apps/*/src/**/*.interop.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
