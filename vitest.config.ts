import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites share one PostgreSQL server; each creates its own schema, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
