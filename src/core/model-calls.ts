/**
 * What the model server saw of a turn, merged into the turn: the failed model calls (no rule
 * matched, a rule threw, a cassette miss), whose reason the agent's own report may lack, and the
 * tool calls it sent last, which a Node agent does not report while they run.
 */
import type { FunctionCallItem, TurnError, TurnEvent } from '../turn/types.js';
import type { LlmServerLike } from './model-server.js';

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
  const labelOnly = events.filter(
    (event): event is Extract<TurnEvent, { type: 'error' }> => event.type === 'error' && LABEL_ONLY.test(event.message),
  );
  if (labelOnly.length === 0) return;
  const reason = llm?.requests?.slice(mark.requests).findLast((request) => request.response?.error !== undefined)?.response?.error;
  if (reason === undefined) return;
  for (const event of labelOnly) event.message = `${event.message}: ${reason}`;
}

export interface MergeTarget {
  /** The turn's events, whose label-only model errors get the server's reason. */
  events?: readonly TurnEvent[];
  /**
   * Errors the turn reported itself: a miss one of them already quotes is not added again (a
   * stream-json CLI such as Letta puts the model's error body in the turn).
   */
  reported?: readonly TurnError[];
  add(error: TurnError): void;
}

/** Merges what the model server could not answer since `mark` into a turn, as `source: 'llm'` errors. */
export function mergeModelMisses(llm: LlmServerLike | undefined, mark: ModelMark, target: MergeTarget): void {
  if (target.events) explainModelErrors(target.events, llm, mark);
  for (const message of modelFailuresSince(llm, mark)) {
    const text = squeeze(message);
    if (target.reported?.some((error) => squeeze(error.message).includes(text))) continue;
    target.add({ source: 'llm', message });
  }
}

/** Text without whitespace or escaped newlines, to find one message inside another however it was re-encoded. */
function squeeze(text: string): string {
  return text.replace(/\\n|\s+/g, '');
}

/**
 * The tool calls a turn was still running when we stopped waiting: those the agent said it
 * started and did not say it finished (Python), else those the model's last answer asked for
 * when nothing came back to the model after it (Node reports no tool call while it runs).
 */
export function runningToolCalls(events: readonly TurnEvent[], llm: LlmServerLike | undefined, mark: ModelMark): FunctionCallItem[] {
  const started = new Map<string, FunctionCallItem>();
  const finished = new Set<string>();
  for (const event of events) {
    if (event.type === 'tool_execution_updated' && event.update.kind === 'started')
      started.set(event.update.call.callId, event.update.call);
    else if (event.type === 'tool_execution_updated' && event.update.kind === 'ended') finished.add(event.update.callId);
    else if (event.type === 'function_tools_started') for (const call of event.calls) started.set(call.callId, call);
    else if (event.type === 'function_tools_executed') for (const call of event.calls) finished.add(call.callId);
  }
  if (started.size > 0) return [...started.values()].filter((call) => !finished.has(call.callId));
  const last = llm?.requests?.slice(mark.requests).at(-1)?.response?.toolCalls ?? [];
  return last
    .filter((call) => !finished.has(call.id))
    .map((call) => ({ type: 'function_call', id: call.id, createdAt: 0, name: call.name, callId: call.id, arguments: call.arguments }));
}
