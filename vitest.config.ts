import { defineConfig } from 'vitest/config';

// Two suites: `quick` (npm test: small fixtures the tests write themselves; needs nothing but Node) and
// `full` (npm run test:full: whole data sets from ../shared/data, the end-to-end Discord suite under load,
// and everything that needs Redis, PostgreSQL or Chromium from Debian's packages).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'quick',
          include: ['test/**/*.test.ts'],
          exclude: ['test/full/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['test/tempRoot.ts'],
        },
      },
      {
        test: {
          name: 'full',
          include: ['test/full/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          globalSetup: ['test/tempRoot.ts', 'test/servers/setup.ts'],
        },
      },
    ],
  },
});
