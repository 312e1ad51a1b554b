import { defineConfig } from 'vitest/config';

// Three projects, all run by `npm test` (`vitest run`); one alone with `npx vitest run --project e2e`.
// unit: pure code, no database or process. integration: the real store on SQLite and PostgreSQL, the server through
// inject(), fake IdPs over HTTP, contract and fuzz suites. e2e: the built CLI (`dist/`) in child processes.
// Unit and integration files share their worker's module cache (isolate: false): each file creates its own
// databases, schemas and servers, and re-importing Fastify, Kysely and the SDKs per file costs more than most files
// take. e2e files keep isolation; their time is in the child processes.
/** One self-signed certificate per run for the fake Graph's HTTPS, trusted by the workers (NODE_EXTRA_CA_CERTS). */
const TLS_SETUP = 'test/fake/graph/fake-graph-tls-setup.ts';

export default defineConfig({
  test: {
    // Two files at once: the e2e and integration suites spend most of their time waiting on child processes and
    // PostgreSQL, which vitest's default (one worker fewer than the cores) would leave idle on two cores.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'integration', globalSetup: [TLS_SETUP], include: ['test/integration/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/fuzz/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: [TLS_SETUP, 'test/support/build-dist.ts'] } },
    ],
  },
});
