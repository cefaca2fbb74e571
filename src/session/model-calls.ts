/**
 * What the model server saw of a turn, merged into the turn: the failed model calls (no rule
 * matched, a rule threw, a cassette miss), whose reason the agent's own report may lack, and the
 * tool calls it sent last, which a Node agent does not report while they run.
 */
import type { TurnEvent } from '../turn/types.js';
import type { LlmServerLike, ModelToolCall } from './options.js';

/** Where the server's records stand when a turn starts. */
export interface ModelMark {
  failures: number;
  requests: number;
}

export const modelMark = (llm: LlmServerLike | undefined): ModelMark => ({
  failures: llm?.unmatched?.length ?? 0,
  requests: llm?.requests?.length ?? 0,
});

/**
 * The server's messages for the requests it could not answer from its script since `mark`, each
 * once: the agents retry a failed call, so one missing rule can show up several times.
 */
export function modelFailuresSince(llm: LlmServerLike | undefined, mark: ModelMark): string[] {
  const failed = llm?.unmatched?.slice(mark.failures) ?? [];
  return [...new Set(failed.map((miss) => miss.response?.error ?? 'the scripted LLM had no rule for a request'))];
}

/** A Node agent's error event carries the failing model's label only (`openai.LLM`). */
const LABEL_ONLY = /^[\w.-]+$/;

/** Gives error events that name only the failing model the reason the server sent (the turn's last error answer). */
export function explainModelErrors(events: readonly TurnEvent[], llm: LlmServerLike | undefined, mark: ModelMark): void {
  const labelOnly = events.filter((event): event is Extract<TurnEvent, { type: 'error' }> => event.type === 'error' && LABEL_ONLY.test(event.message));
  if (labelOnly.length === 0) return;
  const reason = llm?.requests?.slice(mark.requests).findLast((request) => request.response?.error !== undefined)?.response?.error;
  if (reason === undefined) return;
  for (const event of labelOnly) event.message = `${event.message}: ${reason}`;
}

/** The tool calls of the last model answer since `mark` that asked for any: what a stuck turn is running. */
export function lastToolCallsSince(llm: LlmServerLike | undefined, mark: ModelMark): readonly ModelToolCall[] {
  return llm?.requests?.slice(mark.requests).findLast((request) => (request.response?.toolCalls?.length ?? 0) > 0)?.response?.toolCalls ?? [];
}
