/**
 * `agent-session-test/jest`, for test files under Jest: registers the turn matchers on the
 * `expect` of `@jest/globals` (and on the global `expect` when Jest injects one), declares their
 * types for both spellings, and declares the agent a test file talks to. Import it in a test
 * file, or list it in `setupFilesAfterEnv`. The runner's main process has its own entries
 * (`/jest/global-setup`, `/jest/global-teardown`) so no agent outlives the run.
 *
 * @example
 * import { expect, test } from '@jest/globals';
 * import { useAgentSession } from 'agent-session-test/jest';
 */
import { expect } from '@jest/globals';
import { matchers as turnMatchers } from '../matchers/index.js';
import { conversationSnapshotMatcher } from '../matchers/to-match-conversation-snapshot.js';
import type { TurnMatchers } from '../matchers/types.js';

export { useAgentSession } from './worker/use-agent-session.js';

// The snapshot matcher goes through this runner's own snapshot assertion.
const matchers = { ...turnMatchers, toMatchConversationSnapshot: conversationSnapshotMatcher(expect) };
expect.extend(matchers);

// With injected globals the global `expect` is normally the same object; extend it too when it
// is not, so both spellings work.
const globalExpect = (globalThis as { expect?: { extend?: (m: typeof matchers) => void } }).expect;
if (globalExpect !== undefined && (globalExpect as unknown) !== expect && typeof globalExpect.extend === 'function') {
  globalExpect.extend(matchers);
}

declare module '@jest/expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends TurnMatchers<R, T> {}
}

declare global {
  // The global `expect` of @types/jest reads `jest.Matchers`; the type parameters must repeat
  // its declaration exactly, `{}` included.
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> extends TurnMatchers<R, T> {}
  }
}
