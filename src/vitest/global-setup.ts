/**
 * Vitest global setup: gives the run an id that every agent inherits, and in teardown kills any
 * agent of this run still alive (a worker that crashed or was killed cannot clean up after
 * itself). Use it as `globalSetup: ['agent-session-test/vitest/global-setup']`.
 */
import { randomUUID } from 'node:crypto';
import { killTaggedProcesses, RUN_TAG_ENV } from '../process/run-tag.js';

export interface GlobalSetupOptions {
  /** Fail the run when agents were left behind (for the harness's own tests). Default false: kill and warn. */
  failOnLeftovers?: boolean;
}

export function createGlobalSetup(options: GlobalSetupOptions = {}) {
  return function setup(): () => void {
    const runId = process.env[RUN_TAG_ENV] ?? randomUUID();
    // Workers are started after global setup and inherit this environment.
    process.env[RUN_TAG_ENV] = runId;
    return function teardown(): void {
      const leftovers = killTaggedProcesses(runId);
      if (leftovers.length === 0) return;
      const list = leftovers.map((p) => `  ${p.pid} ${p.command}`).join('\n');
      const message = `agent-session-test: ${leftovers.length} agent process(es) of this run were still running at teardown and were killed:\n${list}`;
      if (options.failOnLeftovers) {
        // Vitest reports an error thrown from teardown but still exits 0; make the run fail.
        console.error(message);
        process.exitCode = 1;
        return;
      }
      console.warn(message);
    };
  };
}

export default createGlobalSetup();
