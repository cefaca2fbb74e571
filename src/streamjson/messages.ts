/**
 * The stream-json vocabulary as the harness reads and writes it. Only the fields the harness
 * uses are typed; every message keeps the rest, so records hold what the CLI sent.
 * Letta Code speaks `message` lines with a Letta `message_type`; Claude Code speaks Anthropic
 * `assistant`/`user` lines with content blocks. Both end a turn with `result`.
 */

/** Any line from the CLI: a `type` and whatever else it carried. */
export interface StreamJsonMessage {
  type: string;
  subtype?: string;
  [key: string]: unknown;
}

/** `system`/`init`: what the CLI runs with (Letta emits it once at start-up, Claude at every turn). */
export interface InitMessage extends StreamJsonMessage {
  type: 'system';
  subtype: 'init';
  session_id?: string;
  model?: string;
  tools?: string[];
  cwd?: string;
}

/** `result`: the end of a turn. */
export interface ResultMessage extends StreamJsonMessage {
  type: 'result';
  subtype: string;
  /** Claude: the authoritative error flag (an API error comes as `subtype: 'success'` with `is_error: true`). */
  is_error?: boolean;
  result?: string;
  errors?: string[];
  duration_ms?: number;
  duration_api_ms?: number;
  num_turns?: number;
  stop_reason?: string | null;
  terminal_reason?: string;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number } | null;
}

/** A request either side sends, answered by a `control_response` with the same `request_id`. */
export interface ControlRequest extends StreamJsonMessage {
  type: 'control_request';
  request_id: string;
  request: { subtype: string; [key: string]: unknown };
}

export interface ControlResponse extends StreamJsonMessage {
  type: 'control_response';
  response: { subtype: 'success' | 'error' | (string & {}); request_id: string; response?: Record<string, unknown>; error?: string };
}

/** `can_use_tool`, as both CLIs send it. */
export interface CanUseToolRequest {
  subtype: 'can_use_tool';
  tool_name: string;
  input: Record<string, unknown>;
  /** Letta. */
  tool_call_id?: string;
  /** Claude. */
  tool_use_id?: string;
  [key: string]: unknown;
}

/** `execute_external_tool` (Letta Code). */
export interface ExecuteExternalToolRequest {
  subtype: 'execute_external_tool';
  tool_call_id: string;
  tool_name: string;
  input: Record<string, unknown>;
}

/** Types both CLIs may send that carry nothing the record needs beyond the raw line. */
export const PASSIVE_TYPES: ReadonlySet<string> = new Set([
  // Letta Code
  'queue_item_enqueued',
  'queue_batch_dequeued',
  'queue_blocked',
  'queue_cleared',
  'queue_item_dropped',
  'queue_snapshot',
  'auto_approval',
  'cancel_ack',
  'approval_requested',
  'approval_received',
  'tool_execution_started',
  'tool_execution_finished',
  'transcript_backfill',
  'sync_complete',
  'stream_event',
  // Claude Code
  'rate_limit_event',
  'keep_alive',
  'tool_progress',
  'tool_use_summary',
  'auth_status',
  'control_cancel_request',
  'prompt_suggestion',
  'files_persisted',
]);

/** Types the harness interprets. */
export const ACTIVE_TYPES: ReadonlySet<string> = new Set([
  'system',
  'user',
  'assistant',
  'message',
  'result',
  'error',
  'retry',
  'recovery',
  'control_request',
  'control_response',
]);

export function isKnownType(type: string): boolean {
  return ACTIVE_TYPES.has(type) || PASSIVE_TYPES.has(type);
}
