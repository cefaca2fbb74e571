/**
 * The agent's greeting: what it says and does on its own before the first user turn (an
 * `on_enter`/`onEnter` that calls generate_reply, or a `say` after `session.start`).
 *
 * Both SDKs answer a RunInput by force-interrupting the speech in progress, so a greeting still
 * running when the first turn is sent is cut off and never reaches the history. The first turn
 * therefore waits here until the greeting is over. The greeting's items come from the chat
 * history, since Node drops the events it emits before the agent has connected.
 */
import type { SessionState, TurnItem } from '../turn/types.js';

export interface GreetingSource {
  state(): Promise<SessionState>;
  history(): Promise<TurnItem[]>;
  /** Resolves at the next session event from the agent, or after `ms`. */
  nextEvent(ms: number): Promise<void>;
  /** Milliseconds since the agent's last session event. */
  quietFor(): number;
  /**
   * With a model server the harness runs: whether the agent asked the model something that has
   * not failed. Node reports 'listening' while a greeting's first model call is under way.
   */
  modelAsked(): boolean;
  /** With a model server the harness runs: whether a model call of the agent's failed (no rule answered it). */
  modelFailed(): boolean;
  /** Whether the agent said its model client gave up on a call, after its own retries (any model endpoint). */
  modelGaveUp?(): boolean;
}

export type GreetingProgress =
  /** Over: the agent is listening and its last step was a message. */
  | { state: 'done'; items: TurnItem[] }
  /** Nothing greeting-like has happened and the agent is listening. */
  | { state: 'none' }
  /** Still running at the deadline, with what it has produced so far. */
  | { state: 'unfinished'; items: TurnItem[] };

/** How often the agent is asked again while no event tells that something changed. */
const POLL_MS = 250;
/**
 * A greeting whose last item is a tool output normally goes back to the model; if the agent
 * stays listening this long without an event, the model was not asked again and it is over.
 */
const AFTER_TOOL_QUIET_MS = 1500;
/**
 * An agent that has just started may not have begun its greeting yet: Node calls onEnter a moment
 * after the session reports the first agent. Nothing is taken for "no greeting" until the agent
 * has been this quiet, or its session has run this long.
 */
const START_QUIET_MS = 300;

/**
 * How long the agent has been settled: quiet since its last event, or running its session, by
 * the session's start time (same host, so the same clock). A spare's events reach the test in one
 * burst when it is taken, long after its session began: its age says more than its quiet then.
 */
function settledFor(source: GreetingSource, state: SessionState): number {
  const age = state.createdAt > 0 ? Date.now() - state.createdAt : 0;
  return Math.max(source.quietFor(), age);
}

/**
 * The items of the greeting: what the agent produced before the first user message. The
 * session's initial handoff (to its first agent) and configuration updates are not part of it.
 */
export function greetingItems(history: readonly TurnItem[]): TurnItem[] {
  const items: TurnItem[] = [];
  for (const item of history) {
    if (item.type === 'message' && item.role === 'user') break;
    if (item.type === 'agent_config_update') continue;
    if (item.type === 'agent_handoff' && item.oldAgentId === undefined) continue;
    if (item.type === 'message' && item.role !== 'assistant') continue;
    items.push(item);
  }
  return items;
}

/** True while the greeting can still produce more: a tool running, or its output not yet answered. */
function midGreeting(state: SessionState, items: readonly TurnItem[], quietMs: number): boolean {
  if (state.agentState === 'thinking' || state.agentState === 'speaking') return true;
  const last = items.at(-1);
  if (last?.type === 'function_call') return true;
  return last?.type === 'function_call_output' && quietMs < AFTER_TOOL_QUIET_MS;
}

/**
 * Waits until the greeting is over. With `expect: false` an agent that is listening and has
 * produced nothing has no greeting in progress ('none' at once); with `expect: true` the wait goes
 * on until one comes or the deadline passes.
 */
export async function settleGreeting(
  source: GreetingSource,
  options: { deadline: number; expect: boolean; signal?: AbortSignal | undefined },
): Promise<GreetingProgress> {
  for (;;) {
    options.signal?.throwIfAborted();
    const [state, history] = await Promise.all([source.state(), source.history()]);
    const items = greetingItems(history);
    const spoke = items.some((item) => item.type !== 'agent_handoff');
    const busy = midGreeting(state, items, source.quietFor()) || (!spoke && source.modelAsked());
    if (!busy && spoke) return { state: 'done', items };
    // A greeting whose model call failed will not come: no need to wait for it.
    if (!busy && !spoke && (source.modelFailed() || source.modelGaveUp?.())) return { state: 'none' };
    const settled = !busy && !options.expect ? settledFor(source, state) : 0;
    if (!busy && !options.expect && settled >= START_QUIET_MS) return { state: 'none' };
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return spoke || busy ? { state: 'unfinished', items } : { state: 'none' };
    // Only the start-up moment is left to wait for: look again as soon as it has passed.
    const startLeft = !busy && !options.expect ? START_QUIET_MS - settled : POLL_MS;
    await source.nextEvent(Math.max(1, Math.min(POLL_MS, remaining, startLeft)));
  }
}
