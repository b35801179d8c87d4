import { defineConfig } from 'vitest/config';
import { ProcessFilesFirst } from './tests/support/sequencer';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    setupFiles: ['tests/support/setup.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Integration tests each get a fresh database, so files can run in parallel.
    pool: 'forks',
    // Files share their worker process (no fresh module graph per file: importing ~1,000
    // modules again was most of the suite's time); per-database caches are reset before each
    // file (tests/support/setup.ts).
    isolate: false,
    // Most of a file's time is spent waiting on PostgreSQL, Redis, Chromium or a child
    // process, not on the CPU: four at once on two cores (vitest's default here is one).
    maxWorkers: 4,
    // The files that start processes or Chromium (the slowest) first: tests/support/sequencer.ts.
    sequence: { sequencer: ProcessFilesFirst },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
