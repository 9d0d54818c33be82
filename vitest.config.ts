// Test runner configuration: unit tests beside the code, integration suites under test/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'playground/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time even on 2 cores (vitest's default there is one): most files wait on ONNX Runtime,
    // ffmpeg, Redis or a browser rather than use a core throughout, and the suite must hold up on a busy machine
    // anyway. On the 2-vCPU CI machine: vitest 294 s → 240 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // expect.poll waits 1 s by default: a segmentation on a busy 2-core machine can take longer (the playground
    // test failed that way). Polls end as soon as they pass, so a generous limit costs nothing when all is well.
    expect: { poll: { timeout: 15_000 } },
  },
});
