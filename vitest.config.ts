import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `pv-source` condition, so tests run on
// the sources without a build. Node (SSR) resolution needs the condition too.
const conditions = ['pv-source', 'module', 'node', 'development|production'];

// The store-pgvector suites run on PGlite always, and once more on the native PostgreSQL server named by
// PV_TEST_POSTGRES_URL when it is set (`.ci/run` starts one with scripts/ci-postgres.sh).
const nativePostgres = process.env.PV_TEST_POSTGRES_URL ?? '';

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['pv-source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // PV_FC_SEED fixes fast-check's seed (scripts/property-seeds.ts runs every property test over 300 seeds).
    setupFiles: ['scripts/fast-check-seed.setup.ts'],
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'pv',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'models/src/**/*.test.ts', 'scripts/setup/*.test.mjs'],
          env: { PV_TEST_POSTGRES_URL: '' },
        },
      },
      ...(nativePostgres === ''
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'postgres-native',
                include: ['packages/store-pgvector/src/**/*.test.ts'],
                env: { PV_TEST_POSTGRES_URL: nativePostgres },
              },
            },
          ]),
    ],
  },
});
