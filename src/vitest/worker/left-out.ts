/**
 * Whether a suite's run may have stopped short of some agent: a test left out (a name filter,
 * `.only` elsewhere, `.skip`, `.todo`) or one that failed, which may have failed before its turns
 * reached it.
 */
import type { RunnerTask, RunnerTestSuite } from 'vitest';

function cutShort(task: RunnerTask): boolean {
  if (task.mode === 'skip' || task.mode === 'todo') return true;
  if (task.result?.state === 'skip' || task.result?.state === 'fail') return true;
  return task.type === 'suite' && task.tasks.some(cutShort);
}

/** True when some test under `suite` (what Vitest hands an afterAll hook) did not run or failed, or when it is not a suite. */
export function runCutShort(suite: unknown): boolean {
  const tasks = (suite as Partial<RunnerTestSuite> | undefined)?.tasks;
  return !Array.isArray(tasks) || tasks.some(cutShort);
}
