/**
 * The running test's name and file, read from the shared `expect` state that both Vitest and
 * Jest keep on `globalThis`, so this module needs neither runner (the LLM server runs in the
 * test worker's own process).
 */

interface ExpectState {
  currentTestName?: string | undefined;
  testPath?: string | undefined;
}

/** The running test's full name and file; both absent outside a runner. */
export function currentTest(): ExpectState {
  const global = globalThis as Record<symbol, unknown>;
  try {
    // Vitest: the worker's global `expect`.
    const vitestExpect = global[Symbol.for('expect-global')] as { getState?: () => ExpectState } | undefined;
    const state = vitestExpect?.getState?.();
    if (state) return { currentTestName: state.currentTestName, testPath: state.testPath };
  } catch {
    // Not inside a Vitest worker.
  }
  // Jest (and expect): `expect.getState()` reads this object.
  const jest = global[Symbol.for('$$jest-matchers-object')] as { state?: ExpectState } | undefined;
  return { currentTestName: jest?.state?.currentTestName, testPath: jest?.state?.testPath };
}
