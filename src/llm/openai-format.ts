/**
 * Response shaping: the JSON objects an OpenAI-compatible chat endpoint returns, in the exact
 * field layout the official Python and Node clients (and the LiveKit plugins on top of them)
 * read. Pure functions; the HTTP layer decides when to send what.
 */

import type { LlmFinishReason, LlmSentToolCall } from './types.js';

/** A reply with every default filled in, ready to be serialized. */
export interface ResolvedReply {
  text: string | undefined;
  toolCalls: LlmSentToolCall[];
  finishReason: LlmFinishReason;
  promptTokens: number;
  completionTokens: number;
  /** Characters per streamed delta; `undefined` sends each text in one delta. */
  chunkSize: number | undefined;
}

/** The fields every completion object and chunk shares. */
export interface CompletionHeader {
  id: string;
  /** Unix time in seconds, as OpenAI sends it. */
  created: number;
  model: string;
}

/** Splits by code points so a delta never ends inside a surrogate pair. */
export function splitText(text: string, size: number | undefined): string[] {
  if (size === undefined || size <= 0 || text.length <= size) return [text];
  const points = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

function usageObject(reply: ResolvedReply) {
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

/** The non-streaming `chat.completion` object. */
export function completionObject(header: CompletionHeader, reply: ResolvedReply) {
  const hasTools = reply.toolCalls.length > 0;
  const message = {
    role: 'assistant' as const,
    // OpenAI sends `null` content alongside tool calls and a string otherwise.
    content: reply.text ?? (hasTools ? null : ''),
    refusal: null,
    ...(hasTools
      ? {
          tool_calls: reply.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        }
      : {}),
  };
  return {
    id: header.id,
    object: 'chat.completion' as const,
    created: header.created,
    model: header.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage: usageObject(reply),
    system_fingerprint: null,
  };
}

/**
 * The `chat.completion.chunk` objects of a streamed answer, in order (without the `[DONE]`
 * sentinel). Each tool call starts in a chunk of its own: the LiveKit plugins read one new tool
 * call per chunk and would drop a second one sharing the chunk.
 */
export function streamChunks(header: CompletionHeader, reply: ResolvedReply, includeUsage: boolean) {
  // With usage requested, OpenAI sends `usage: null` on every chunk but the last.
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: LlmFinishReason | null = null) => ({
    id: header.id,
    object: 'chat.completion.chunk' as const,
    created: header.created,
    model: header.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });

  const chunks: object[] = [chunk({ role: 'assistant' })];
  if (reply.text) for (const piece of splitText(reply.text, reply.chunkSize)) chunks.push(chunk({ content: piece }));

  reply.toolCalls.forEach((call, index) => {
    const pieces = reply.chunkSize === undefined ? [call.arguments] : ['', ...splitText(call.arguments, reply.chunkSize)];
    const [first = '', ...rest] = pieces;
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: first } }] }));
    for (const piece of rest) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });

  chunks.push(chunk({}, reply.finishReason));
  if (includeUsage) {
    chunks.push({
      id: header.id,
      object: 'chat.completion.chunk' as const,
      created: header.created,
      model: header.model,
      system_fingerprint: null,
      choices: [],
      usage: usageObject(reply),
    });
  }
  return chunks;
}

/** An OpenAI-style error body. */
export function errorBody(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

/** The `GET /models` list. */
export function modelList(models: readonly string[], created: number) {
  return { object: 'list' as const, data: models.map((id) => modelObject(id, created)) };
}

/** One entry of the model list (also the answer to `GET /models/{id}`). */
export function modelObject(id: string, created: number) {
  return { id, object: 'model' as const, created, owned_by: 'agent-session-test' };
}

/** A rough, deterministic token estimate: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
