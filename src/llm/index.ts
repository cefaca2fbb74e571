/**
 * `agent-session-test/llm`: a local, scripted, OpenAI-compatible chat model, so agents under
 * test run without API keys or network access and answer exactly as each test dictates.
 */

export { scriptedLlm } from './scripted-llm.js';
export type { ScriptedLlm, ScriptedLlmEnv, ScriptedLlmListenOptions, ScriptedLlmOptions, ScriptedLlmServer } from './scripted-llm.js';
export type {
  LlmCondition,
  LlmFinishReason,
  LlmRecordedRequest,
  LlmReply,
  LlmReplyContext,
  LlmReplySource,
  LlmRequestView,
  LlmResponseSummary,
  LlmRule,
  LlmSentToolCall,
  LlmToolCallReply,
  LlmWhen,
  LlmWhenField,
  OpenAiChatMessage,
  OpenAiContentPart,
  OpenAiToolCall,
  TextMatcher,
} from './types.js';

// Record and replay: a cassette of real model calls, replayed offline.
export { cassetteLlm } from './cassette-llm.js';
export type { CassetteLlm } from './cassette-llm.js';
export type {
  CassetteLlmOptions,
  CassetteLlmServer,
  CassetteMode,
  CassetteRecordedRequest,
  CassetteUpstream,
  ListenableUpstream,
} from './cassette-options.js';
export type { CassetteEntry, CassetteEvent, CassetteRequest, CassetteResponse } from './cassette-format.js';
export { anthropicMessages, type AnthropicFront } from './anthropic.js';
