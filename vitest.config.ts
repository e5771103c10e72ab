import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Runner-level tests start real processes and servers; two cores are what CI has.
    pool: 'forks',
    maxWorkers: 2,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which
    // Node refuses: let Vite transform it instead of loading it as an external module.
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } },
  },
});
