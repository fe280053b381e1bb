import { defineConfig } from 'vitest/config';

// The QEMU tier (npm run test:vm): real Debian VMs under TCG, minutes per test, one file at a
// time; not part of `npm test`.
export default defineConfig({
  test: {
    name: 'vm',
    include: ['test/vm/**/*.test.ts'],
    // Each test's name and time, as it ends.
    reporters: ['verbose'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
