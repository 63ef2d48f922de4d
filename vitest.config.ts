import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests spawn tsc and servers; two cores are all there is.
    maxWorkers: 2,
    // Guards against hangs only: CI may run on a fully loaded machine, where a test that spawns the CLI a
    // few times (each loading ts-morph) took 49 s of the former 60 s.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
