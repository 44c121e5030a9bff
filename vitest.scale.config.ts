import { defineConfig } from 'vitest/config';

/** `npm run test:scale`: the multi-process test on a real redis-server (test/scaling/*.scale.ts). */
export default defineConfig({
  test: {
    include: ['test/scaling/**/*.scale.ts'],
    testTimeout: 240_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
