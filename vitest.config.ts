// Test runner configuration: unit tests beside the code, integration suites under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'playground/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // expect.poll waits 1 s by default: a segmentation on a busy 2-core machine can take longer (the playground
    // test failed that way). Polls end as soon as they pass, so a generous limit costs nothing when all is well.
    expect: { poll: { timeout: 15_000 } },
  },
});
