/**
 * agent-session-test: put real conversational agents under test.
 *
 * Importing the package root registers the turn matchers on Vitest's `expect`; Jest users import
 * `agent-session-test/jest` instead, and `agent-session-test/matchers` has the raw matchers.
 */
export { useAgentSession, agentSessionFixture, resolveAgentFile, matchers } from './vitest/index.js';
export { startAgentSession, AgentSession } from './session/agent-session.js';
export type { SayOptions, RequestCallOptions } from './session/agent-session.js';
export { createAgentSessionHandle } from './session/handle.js';
export type { AgentSessionHandle } from './session/handle.js';
export type { AgentSessionOptions, LlmServerLike } from './session/options.js';
export { AgentSessionError, formatCommand } from './errors.js';
export type { AgentErrorCode } from './errors.js';
export { ProtocolError } from './protocol/errors.js';
export { renderTurn, renderSession } from './render/index.js';
export type { RenderOptions } from './render/index.js';
export { expectTurn, TurnCursor, TurnAssertionError } from './matchers/index.js';
export type * from './turn/types.js';
// stream-json CLIs (Letta Code, Claude Code) ---------------------------------------------------
export { useStreamJsonSession } from './streamjson/vitest.js';
export { startStreamJsonSession, StreamJsonSession, createStreamJsonSessionHandle, lettaCode, claudeCode } from './streamjson/index.js';
export type * from './streamjson/index.js';
// end stream-json -------------------------------------------------------------------------------
