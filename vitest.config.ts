import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one fork fewer than the cores: one on a 2-core machine, which runs
    // every file in turn although most of them wait on sockets, servers and child processes.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/sandbox/**/*.test.ts', 'tests/host/**/*.test.ts'] },
      },
      {
        // The hall's tests run every case against PGlite and against a real PostgreSQL server
        // that this project's global setup starts for the run (and stops).
        extends: true,
        test: { name: 'hall', include: ['tests/hall/**/*.test.ts'], globalSetup: ['tests/hall/postgres-setup.ts'], hookTimeout: 120_000 },
      },
    ],
  },
});
