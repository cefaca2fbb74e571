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
 * has been this quiet.
 */
const START_QUIET_MS = 300;

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
    if (!busy && !spoke && source.modelFailed()) return { state: 'none' };
    if (!busy && !options.expect && source.quietFor() >= START_QUIET_MS) return { state: 'none' };
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return spoke || busy ? { state: 'unfinished', items } : { state: 'none' };
    await source.nextEvent(Math.min(POLL_MS, remaining));
  }
}
