/**
 * A scripted rule's reply made into what the server sends: checked, with tool call ids, finish
 * reason, token usage and timing filled in.
 */
import { estimateTokens, type ResolvedReply } from './openai-format.js';
import { messageText } from './request-view.js';
import type { ChatOutcome } from './server.js';
import type { LlmFinishReason, LlmReply, LlmRequestView, LlmSentToolCall } from './types.js';

/** Status codes mapped to the error `type` OpenAI uses for them. */
function errorTypeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

const FINISH_REASONS: ReadonlySet<string> = new Set<LlmFinishReason>(['stop', 'length', 'tool_calls', 'content_filter']);

/** Counters for the ids a reply does not give, kept per scripted model. */
export interface ReplyCounts {
  calls: number;
  completions: number;
}

/** Checks a reply and fills in ids, finish reason and usage. Throws on an invalid reply. */
export function resolveReply(view: LlmRequestView, reply: LlmReply, counts: ReplyCounts, defaultModel: string): ChatOutcome {
  if (typeof reply !== 'object' || reply === null) throw new Error('the reply must be an object');
  const delayMs = nonNegative(reply.delayMs, 'delayMs') ?? 0;

  if (reply.error !== undefined) {
    const { status, message } = reply.error;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error('`error.status` must be an HTTP error status (400-599)');
    return {
      kind: 'error',
      status,
      message: String(message),
      type: reply.error.type ?? errorTypeFor(status),
      code: reply.error.code ?? null,
      delayMs,
    };
  }

  if (reply.text !== undefined && typeof reply.text !== 'string') throw new Error('`text` must be a string');
  if (reply.toolCalls !== undefined && !Array.isArray(reply.toolCalls)) throw new Error('`toolCalls` must be an array');
  const toolCalls: LlmSentToolCall[] = (reply.toolCalls ?? []).map((call, i) => {
    if (typeof call?.name !== 'string' || call.name === '') throw new Error(`toolCalls[${i}] needs a \`name\``);
    const args = call.args === undefined ? '{}' : typeof call.args === 'string' ? call.args : JSON.stringify(call.args);
    return { id: call.id ?? `call_${++counts.calls}`, name: call.name, arguments: args };
  });
  if (reply.finishReason !== undefined && !FINISH_REASONS.has(reply.finishReason)) {
    throw new Error(`\`finishReason\` must be one of ${[...FINISH_REASONS].join(', ')}`);
  }
  const chunkSize = nonNegative(reply.chunkSize, 'chunkSize');
  if (chunkSize === 0 || (chunkSize !== undefined && !Number.isInteger(chunkSize)))
    throw new Error('`chunkSize` must be a positive integer');

  const completionText = (reply.text ?? '') + toolCalls.map((c) => c.name + c.arguments).join('');
  const resolved: ResolvedReply = {
    text: reply.text,
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    promptTokens: reply.usage?.promptTokens ?? estimateTokens(view.messages.map((m) => messageText(m)).join('\n')),
    completionTokens: reply.usage?.completionTokens ?? estimateTokens(completionText),
    chunkSize,
  };
  const options = view.body.stream_options;
  return {
    kind: 'completion',
    stream: view.stream,
    includeUsage: typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true,
    header: {
      id: `chatcmpl-scripted-${++counts.completions}`,
      created: Math.floor(Date.now() / 1000),
      model: view.model || defaultModel,
    },
    reply: resolved,
    delayMs,
    chunkDelayMs: nonNegative(reply.chunkDelayMs, 'chunkDelayMs') ?? 0,
  };
}

function nonNegative(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`\`${field}\` must be a non-negative number`);
  return value;
}
