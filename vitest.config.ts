// Test runner configuration: one project per kind of test (see README "Tests").
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Handlers log and emit metrics as on AWS; in tests only errors are worth printing.
    env: {
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      // Every use case over the in-memory adapters of its ports (test/support/in-memory/), and the pure planners
      // they call (bill, payment, paid-bill, master-data, digest, reconcile): no I/O, seconds.
      // No test keeps state between files, so they share one module graph (isolate: false): seconds, not tens.
      {
        test: {
          name: 'usecase',
          include: ['test/usecase/**/*.test.ts'],
          isolate: false,
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Every exchange with a sandbox is checked against the vendors' contracts (README "For engineers").
          setupFiles: ['test/support/contracts/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/support/contracts/setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
