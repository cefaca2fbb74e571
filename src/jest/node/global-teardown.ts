/**
 * Jest global teardown: kills every agent of this run still alive (a worker that crashed or
 * was killed cannot clean up after itself) and warns, or with `failOnLeftovers` fails the run.
 */
import { RUN_TAG_ENV, sweepLeftovers, type SweepOptions } from '../../process/run-tag.js';

export type JestGlobalTeardownOptions = SweepOptions;

/** A teardown with options, for a teardown module of your own: `export default createGlobalTeardown({ failOnLeftovers: true })`. */
export function createGlobalTeardown(options: JestGlobalTeardownOptions = {}) {
  return async function globalTeardown(): Promise<void> {
    const runId = process.env[RUN_TAG_ENV];
    if (runId) await sweepLeftovers(runId, options);
  };
}

export default createGlobalTeardown();
