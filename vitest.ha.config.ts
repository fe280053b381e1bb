import { defineConfig } from 'vitest/config';

// The Redis failover tier (`npm run test:ha`): real redis-server and redis-sentinel processes on
// loopback ports of its own, SIGKILLed mid-run. Not part of `npm test`; .ci/run runs it once.
export default defineConfig({
  test: {
    name: 'ha',
    include: ['test/ha/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 420_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
