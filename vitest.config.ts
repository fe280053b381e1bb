import { defineConfig } from 'vitest/config';

// Three projects: unit (pure, fast), integration (real Redis and sshd) and e2e (the whole
// service against the simulators). Files run in parallel across workers; each test owns its
// own Redis prefix, simulators on port 0 and loopback address, so they are independent.
export default defineConfig({
  test: {
    // Most suites wait on simulators, sshd and Redis rather than compute: two files at a time
    // keep both cores busy without starving the simulated services.
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'sim/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Whole processes, real sshd and simulators on two shared cores: a test that hits a
          // scheduling race gets one more try. A real defect fails both; the first failure is
          // still printed.
          retry: 1,
          testTimeout: 180_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
});
