/**
 * agent-session-test: put real conversational agents under test. The package root loads no test
 * runner, so a plain Node script can import it: it starts LiveKit and stream-json sessions,
 * renders their turns, and has the errors and turn types. Test files import their runner's
 * entry (`agent-session-test/vitest`, `/vitest5` or `/jest`), which registers the matchers and
 * declares the agent of a test file; `agent-session-test/matchers` has the matchers on their own,
 * `agent-session-test/llm` the scripted and recorded models.
 */
// LiveKit agents (Python or Node) over their console protocol.
export { startAgentSession, AgentSession } from './session/agent-session.js';
export type { GreetingOptions, SayOptions, RequestCallOptions } from './session/agent-session.js';
export { createAgentSessionHandle } from './session/handle.js';
export type { AgentSessionHandle } from './session/handle.js';
export type { AgentSessionOptions, LlmServerLike } from './session/options.js';
export type { ToolMock, ToolMocks, ToolMocksByAgent, ToolMockCall, MockedCall } from './session/mocks/types.js';
// stream-json CLIs (Letta Code, Claude Code).
export { startStreamJsonSession, StreamJsonSession, createStreamJsonSessionHandle, lettaCode, claudeCode } from './streamjson/index.js';
export type * from './streamjson/index.js';
// Judging a conversation against criteria with a model, and a model playing the user.
export { judgeConversation } from './judge/judge.js';
export { simulateUser } from './judge/simulate.js';
export { trials } from './judge/trials.js';
export type { SayingAgent } from './judge/simulate.js';
export type * from './judge/types.js';
// Errors, turn records and their transcripts.
export { AgentSessionError } from './errors/index.js';
export type { AgentErrorCode } from './errors/index.js';
export { ProtocolError } from './protocol/errors.js';
export { renderTurn, renderSession, conversationSnapshot } from './render/index.js';
export type { RenderOptions } from './render/index.js';
export type * from './turn/types.js';
