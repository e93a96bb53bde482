import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Most test files wait on real servers and processes more than they compute: two files at a
    // time even on two cores (Vitest's default there is one).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
