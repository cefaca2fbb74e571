// Jest (29 or 30) running the example suites against the real agents: TypeScript test files as native
// ES modules (run with NODE_OPTIONS=--experimental-vm-modules, see `npm run test:jest`).
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** @type {import('jest').Config} */
export default {
  rootDir: '../..',
  roots: ['<rootDir>/examples/jest'],
  testMatch: ['**/*.jest.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/examples/jest/esbuild-transform.cjs' },
  moduleNameMapper: {
    // Each entry of the package resolves to its source here (a user's project resolves the installed package).
    ...Object.fromEntries(
      Object.entries(pkg.exports).map(([subpath, target]) => [
        `^agent-session-test${subpath.slice(1)}$`,
        `<rootDir>/${target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`,
      ]),
    ),
    // TypeScript sources import each other with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // No agent outlives the run: a run id for every agent, and a sweep at the end.
  globalSetup: '<rootDir>/examples/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/examples/jest/global-teardown.mjs',
  setupFilesAfterEnv: ['<rootDir>/src/jest/index.ts'],
  testTimeout: 60_000,
  // Each file starts a real agent; two cores cannot run many at once.
  maxWorkers: 2,
};
