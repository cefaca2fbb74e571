/**
 * Everything the package root exports, with the matchers registered on Vitest's `expect` but no
 * matcher types: the root adds Vitest 4's (`./vitest/matchers.ts`), `agent-session-test/vitest5`
 * Vitest 5's (`./vitest5/matchers.ts`).
 */
export { useAgentSession, agentSessionFixture, resolveAgentFile } from './vitest/use-agent-session.js';
export { matchers } from './vitest/register.js';
export { startAgentSession, AgentSession } from './session/agent-session.js';
export type { GreetingOptions, SayOptions, RequestCallOptions } from './session/agent-session.js';
export { createAgentSessionHandle } from './session/handle.js';
export type { AgentSessionHandle } from './session/handle.js';
export type { AgentSessionOptions, LlmServerLike } from './session/options.js';
export { AgentSessionError, formatCommand } from './errors/index.js';
export type { AgentErrorCode } from './errors/index.js';
export { ProtocolError } from './protocol/errors.js';
export { renderTurn, renderSession } from './render/index.js';
export type { RenderOptions } from './render/index.js';
export { expectTurn, TurnCursor, TurnAssertionError } from './matchers/index.js';
export type * from './turn/types.js';
// stream-json CLIs (Letta Code, Claude Code) ---------------------------------------------------
export { useStreamJsonSession } from './vitest/stream-json-session.js';
export { startStreamJsonSession, StreamJsonSession, createStreamJsonSessionHandle, lettaCode, claudeCode } from './streamjson/index.js';
export type * from './streamjson/index.js';
// end stream-json -------------------------------------------------------------------------------
