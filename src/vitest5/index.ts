/**
 * `agent-session-test/vitest5`: what `agent-session-test/vitest` exports, with the turn matchers
 * typed for Vitest 5's `Matchers<R, T>`. The runtime is the same modules; only the declarations
 * differ, and a type program must see one major's only.
 *
 * @example
 * import { useAgentSession } from 'agent-session-test/vitest5';
 */
import type {} from 'vitest';
import type { TurnMatchers } from '../matchers/types.js';
import '../vitest/worker/register.js';

export { useAgentSession, agentSessionFixture } from '../vitest/worker/use-agent-session.js';
export { useStreamJsonSession } from '../vitest/worker/stream-json-session.js';

declare module 'vitest' {
  // Vitest 5 merges `Matchers<R, T>` into `expect(x).…` (`R` is `void`, or `Promise<void>` after
  // `.resolves` / `.rejects`) and into `expect.…` (asymmetric use). The build compiles this next
  // to the Vitest 4 declaration (../vitest/index.ts), whose type parameters differ; each type
  // program sees only one of the two.
  // @ts-ignore TS2428 in the build only
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends TurnMatchers<R, T> {}
}
