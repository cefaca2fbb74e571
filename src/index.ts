/**
 * agent-session-test for Vitest: `useAgentSession` and the programmatic session API.
 * Jest users import from `agent-session-test/jest`.
 */
export { useAgentSession, agentSessionFixture, resolveAgentFile } from './vitest/use-agent-session.js';
export { startAgentSession, AgentSession } from './session/agent-session.js';
export type { SayOptions, RequestCallOptions } from './session/agent-session.js';
export { createAgentSessionHandle } from './session/handle.js';
export type { AgentSessionHandle } from './session/handle.js';
export type { AgentSessionOptions, LlmServerLike } from './session/options.js';
export { AgentSessionError, formatCommand } from './errors.js';
export type { AgentErrorCode } from './errors.js';
export { ProtocolError } from './protocol/errors.js';
export type * from './turn/types.js';
