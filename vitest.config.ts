import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites share one PostgreSQL server; each creates its own schema, so files may run in parallel.
    testTimeout: 30_000,
    // One self-signed certificate per run for the fake Graph's HTTPS, trusted by the workers (NODE_EXTRA_CA_CERTS).
    globalSetup: ['test/fake/graph/fake-graph-tls-setup.ts'],
    hookTimeout: 60_000,
  },
});
