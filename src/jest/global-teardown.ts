/**
 * Jest global teardown: kills every agent of this run still alive (a worker that crashed or
 * was killed cannot clean up after itself) and warns, or with `failOnLeftovers` fails the run.
 */
import { findTaggedProcesses, RUN_TAG_ENV, type TaggedProcess } from '../process/run-tag.js';

export interface JestGlobalTeardownOptions {
  /** Fail the run (exit code 1) when agents were left behind. Default false: kill them and warn. */
  failOnLeftovers?: boolean;
}

// Jest's own workers inherit the run id too and may still be exiting at teardown; they are not agents.
const isJestWorker = (p: TaggedProcess) => /jest-worker[\\/]/.test(p.command);

function kill({ pid }: TaggedProcess): void {
  // Agents lead their own process group; take the group, then the process.
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // not a group leader, or already gone
    }
  }
}

/** A teardown with options, for a teardown module of your own: `export default createGlobalTeardown({ failOnLeftovers: true })`. */
export function createGlobalTeardown(options: JestGlobalTeardownOptions = {}) {
  return function globalTeardown(): void {
    const runId = process.env[RUN_TAG_ENV];
    if (!runId) return;
    const leftovers = findTaggedProcesses(runId).filter((p) => !isJestWorker(p));
    if (leftovers.length === 0) return;
    leftovers.forEach(kill);
    const list = leftovers.map((p) => `  ${p.pid} ${p.command}`).join('\n');
    const message = `agent-session-test: ${leftovers.length} agent process(es) of this run were still running at teardown and were killed:\n${list}`;
    if (options.failOnLeftovers) {
      console.error(message);
      process.exitCode = 1;
      return;
    }
    console.warn(message);
  };
}

export default createGlobalTeardown();
