import { defineConfig } from 'vitest/config';
import { version } from 'vitest/node';
import { agentSession } from './src/vitest/node/plugin.js';
import { packageAlias } from './test/fixtures/package-alias.js';

// The package's public name resolves to the sources of each entry (see the module for why).
const alias = packageAlias;

// Each Vitest major type-checks the matcher declarations written for it (see test/types/vitest5).
// `npm run test:unit` skips these type tests for a fast loop: they take nearly as long as all the
// unit tests, and `npm run typecheck` (tsc) checks the same files. It also runs a worker per core
// rather than Vitest's cores - 1, since many unit tests wait on processes they start.
const typecheck = process.env['SKIP_TYPE_TESTS']
  ? { enabled: false }
  : Number(version.split('.')[0]) >= 5
    ? { enabled: true, include: ['test/types/vitest5/*.test-d.ts'], tsconfig: 'test/types/vitest5/tsconfig.json' }
    : { enabled: true, include: ['test/types/*.test-d.ts'] };

export default defineConfig({
  resolve: { alias },
  test: {
    // In CI a JSON report is kept too, for the one-line summary .ci/run prints.
    ...(process.env['CI'] && {
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
    }),
    projects: [
      {
        resolve: { alias },
        // Groups run one after another: the fast unit tests first, then the projects that start agents.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          typecheck,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          globalSetup: ['test/global-setup.ts'],
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each e2e file starts real agent processes; two cores cannot run many at once.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve: { alias },
        // The example suites run as a user's would: set up by the plugin alone (global setup,
        // matchers, the conversation report), failing the run if an agent outlives it.
        plugins: [agentSession({ failOnLeftovers: true, report: true })],
        test: {
          name: 'examples',
          include: ['examples/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/.venv/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
