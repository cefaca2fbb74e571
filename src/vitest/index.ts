/**
 * The Vitest entry: registers the turn matchers on Vitest's `expect` (with their types) and
 * exports `useAgentSession` / `agentSessionFixture`. The package root re-exports all of it.
 */
import './matchers.js';

export { useAgentSession, agentSessionFixture, resolveAgentFile } from './use-agent-session.js';
export { matchers } from './matchers.js';
