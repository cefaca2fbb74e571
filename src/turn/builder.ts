/**
 * Assembles a TurnRecord: events are collected as they stream in, and the agent's response
 * (authoritative for the items) closes the turn.
 */
import { deriveViews } from './derive.js';
import { restoreUnrecordedCalls } from './unrecorded-calls.js';
import type { SessionUsage, TurnError, TurnEvent, TurnItem, TurnRecord } from './types.js';

export class TurnBuilder {
  readonly input: string;
  readonly index: number;
  readonly startedAt: number;
  readonly #startedHr: number;
  readonly events: TurnEvent[] = [];
  readonly #extraErrors: TurnError[] = [];

  constructor(input: string, index: number) {
    this.input = input;
    this.index = index;
    this.startedAt = Date.now();
    this.#startedHr = performance.now();
  }

  addEvent(event: TurnEvent): void {
    this.events.push(event);
  }

  /** Errors from outside the agent's own report (e.g. the scripted LLM had no rule). */
  addError(error: TurnError): void {
    this.#extraErrors.push(error);
  }

  /** `sentArgs`: the arguments text the scripted model streamed, by call id, when known. */
  finish(reported: TurnItem[], responseError: string | undefined, sentArgs?: ReadonlyMap<string, string>): TurnRecord {
    const items = restoreUnrecordedCalls(reported, sentArgs);
    const durationMs = performance.now() - this.#startedHr;
    const errors: TurnError[] = [];
    let usage: SessionUsage | undefined;
    for (const event of this.events) {
      if (event.type === 'error') errors.push({ source: 'event', message: event.message });
      else if (event.type === 'session_usage_updated') usage = event.usage;
    }
    if (responseError !== undefined) errors.push({ source: 'response', message: responseError });
    errors.push(...this.#extraErrors);
    const views = deriveViews(items, sentArgs);
    const ttft = views.messages.find((m) => m.metrics?.llmNodeTtft !== undefined)?.metrics?.llmNodeTtft;
    const record: TurnRecord = {
      input: this.input,
      index: this.index,
      items,
      ...views,
      events: this.events,
      errors,
      timing: { startedAt: this.startedAt, durationMs: Math.round(durationMs * 1000) / 1000 },
    };
    if (ttft !== undefined) record.timing.llmTtftMs = Math.round(ttft * 1e6) / 1000;
    if (usage !== undefined) record.usage = usage;
    return record;
  }
}
