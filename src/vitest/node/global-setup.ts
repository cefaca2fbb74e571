/**
 * Vitest global setup: gives the run an id that every agent carries, and in teardown kills any
 * agent of this run still alive (a worker that crashed or was killed cannot clean up after
 * itself). Use it as `globalSetup: ['agent-session-test/vitest/global-setup']`.
 */
import { randomUUID } from 'node:crypto';
import { RUN_TAG_ENV, sweepLeftovers, type SweepOptions } from '../../process/run-tag.js';

export type GlobalSetupOptions = SweepOptions;

export function createGlobalSetup(options: GlobalSetupOptions = {}) {
  return function setup(): () => Promise<void> {
    // Always a fresh id, never an inherited one: a run started from inside another run's test
    // must not sweep the outer run's agents.
    const runId = randomUUID();
    // Workers are started after global setup and inherit this environment.
    process.env[RUN_TAG_ENV] = runId;
    return async function teardown(): Promise<void> {
      await sweepLeftovers(runId, options);
    };
  };
}

export default createGlobalSetup();
