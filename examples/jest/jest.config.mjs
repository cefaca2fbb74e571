// Jest (29 or 30) running the example suites against the real agents: TypeScript test files as native
// ES modules (run with NODE_OPTIONS=--experimental-vm-modules, see `npm run test:jest`).
/** @type {import('jest').Config} */
export default {
  rootDir: '../..',
  roots: ['<rootDir>/examples/jest'],
  testMatch: ['**/*.jest.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/examples/jest/esbuild-transform.cjs' },
  moduleNameMapper: {
    // The package name resolves to this repository's sources (a user's project resolves the installed package).
    '^agent-session-test/(.*)$': '<rootDir>/src/$1',
    // TypeScript sources import each other with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // No agent outlives the run: a run id for every agent, and a sweep at the end.
  globalSetup: '<rootDir>/examples/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/examples/jest/global-teardown.mjs',
  setupFilesAfterEnv: ['<rootDir>/src/jest/matchers.ts'],
  testTimeout: 60_000,
  // Each file starts a real agent; two cores cannot run many at once.
  maxWorkers: 2,
};
