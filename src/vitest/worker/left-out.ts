/** Whether a run left tests of a suite out: a name filter, `.only` elsewhere, `.skip` or `.todo`. */
import type { RunnerTask, RunnerTestSuite } from 'vitest';

function leftOut(task: RunnerTask): boolean {
  if (task.mode === 'skip' || task.mode === 'todo' || task.result?.state === 'skip') return true;
  return task.type === 'suite' && task.tasks.some(leftOut);
}

/** True when some test under `suite` (what Vitest hands an afterAll hook) did not run, or when it is not a suite. */
export function leftTestsOut(suite: unknown): boolean {
  const tasks = (suite as Partial<RunnerTestSuite> | undefined)?.tasks;
  return !Array.isArray(tasks) || tasks.some(leftOut);
}
