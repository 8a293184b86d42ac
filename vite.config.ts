// Root config: Vitest projects for the unit and integration suites.
// The widget and console builds live in widget/build.ts (several entries, different formats).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          root: './server',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
          // Integration suites share one Postgres database; run files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'widget',
          root: './widget',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
      },
    ],
  },
});
