/**
 * The Jest entry: registers the turn matchers on Jest's `expect` (with their types) and exports
 * `useAgentSession`. Add `agent-session-test/jest/global-setup` and `/global-teardown` to the
 * Jest config so no agent outlives the run.
 *
 * @example
 * import { expect, test } from '@jest/globals';
 * import { useAgentSession } from 'agent-session-test/jest';
 */
import './matchers.js';

export { useAgentSession, resolveAgentFile } from './use-agent-session.js';
export { matchers } from './matchers.js';
export { expectTurn } from '../matchers/index.js';
export type { AgentSessionHandle } from '../session/handle.js';
export type { AgentSessionOptions } from '../session/options.js';
