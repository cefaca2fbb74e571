/**
 * The stream-json sessions as the package root exports them: headless coding-agent CLIs that
 * speak newline-delimited JSON on stdin/stdout (Letta Code, Claude Code), driven with the same
 * turn records and matchers as LiveKit agents.
 */
export { startStreamJsonSession, StreamJsonSession } from './session.js';
export type { StreamJsonSayOptions } from './session.js';
export { createStreamJsonSessionHandle } from './handle.js';
export type { StreamJsonSessionHandle, StreamJsonHandleOptions } from './handle.js';
export type { StreamJsonSessionOptions, PrepareContext } from './options.js';
export { lettaCode, claudeCode } from './presets.js';
export type { StreamJsonPreset, LettaCodeOptions, ClaudeCodeOptions } from './presets.js';
export type { PermissionPolicy, PermissionRequest, PermissionAnswer, ToolNamePattern } from './policy.js';
export type { ExternalTool, ExternalToolResult } from './tools.js';
export type { StreamJsonTurnRecord, StreamJsonTurnStatus, PermissionRecord, ExternalToolRecord, StreamJsonNotice } from './record.js';
export type { StreamJsonMessage, InitMessage, ResultMessage } from './messages.js';
