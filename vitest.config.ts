import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `pv-source` condition, so tests run on
// the sources without a build. Node (SSR) resolution needs the condition too.
const conditions = ['pv-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['pv-source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'models/src/**/*.test.ts', 'scripts/setup/*.test.mjs'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
