// Test runner settings: real files and servers, so tests get generous timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The CLI tests spawn the compiled bin (dist/cli/main.js): it is rebuilt here when src/ is newer.
    globalSetup: ['test/global-setup.ts'],
  },
});
