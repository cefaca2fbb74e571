/**
 * `agent-session-test/vitest`, for test files under Vitest 4: registers the turn matchers on
 * Vitest's `expect`, declares their types, and declares the agent a test file talks to. Runs in
 * the test workers; what runs in the runner's main process has its own entries
 * (`/vitest/plugin`, `/vitest/reporter`, `/vitest/global-setup`). With Vitest 5, import
 * `agent-session-test/vitest5` instead: the same exports, typed for Vitest 5.
 *
 * @example
 * import { expect, test } from 'vitest';
 * import { useAgentSession } from 'agent-session-test/vitest';
 */
import type {} from 'vitest';
import type { TurnMatchers } from '../matchers/types.js';
import './worker/register.js';

export { useAgentSession, agentSessionFixture } from './worker/use-agent-session.js';
export { useStreamJsonSession } from './worker/stream-json-session.js';

declare module 'vitest' {
  // Vitest 4 merges `Matchers<T>` into both `expect(x).…` and `expect.…` (asymmetric use).
  // The build compiles this next to the Vitest 5 declaration (../vitest5/index.ts), whose
  // type parameters differ; each type program sees only one of the two.
  // Its type parameters repeat Vitest 4's declaration exactly, `any` included.
  // @ts-ignore TS2428 in the build only
  interface Matchers<T = any> // eslint-disable-line @typescript-eslint/no-explicit-any
    extends TurnMatchers<void, T> {}
}
