/**
 * The before/after hooks that start a session for a test file and stop it after, for any runner
 * whose hooks take a timeout (Vitest, Jest). Each hook gets the session's own budget plus some
 * slack, so the session's error (with the agent's output) wins over the runner's hook timeout.
 */

/** Slack on top of the session's own timeouts. */
export const HOOK_SLACK_MS = 5_000;

/** A runner's file-level hooks. */
export interface RunnerHooks {
  beforeAll(fn: () => Promise<void>, timeout: number): void;
  afterAll(fn: () => Promise<void>, timeout: number): void;
}

export interface HookBudget {
  /** The longest the session may take to start, in ms. */
  startMs: number;
  /** The longest the session may take to close, in ms. */
  closeMs: number;
}

/** Starts `handle` before the file's first test and closes it after its last. */
export function startAndCloseAround(
  hooks: RunnerHooks,
  handle: { start(): Promise<unknown>; close(): Promise<void> },
  budget: HookBudget,
): void {
  hooks.beforeAll(async () => {
    await handle.start();
  }, budget.startMs + HOOK_SLACK_MS);
  hooks.afterAll(async () => {
    await handle.close();
  }, budget.closeMs + HOOK_SLACK_MS);
}
