import { defineConfig } from 'vitest/config';

// Tests run in plain Node; integration and e2e tests talk to the real libvirtd.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
