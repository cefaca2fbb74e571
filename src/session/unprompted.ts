/**
 * What an agent says on its own after the conversation began: speech from a timer, a background
 * task or a tool that replies later. Such items land in the chat history after the last user
 * message without belonging to any turn; `listen()` waits for them the way the first turn waits
 * for a greeting (see ./greeting.ts), over this narrower slice of the history.
 */
import type { TurnEvent, TurnItem, TurnRecord } from '../turn/types.js';

/** The ids of every item a record already holds: heard items are never reported twice. */
export function heardIds(records: readonly (TurnRecord | null | undefined)[]): Set<string> {
  const ids = new Set<string>();
  for (const record of records) for (const item of record?.items ?? []) ids.add(item.id);
  return ids;
}

/**
 * The items the agent produced unprompted: after the last user message, in no record yet. The
 * user's own messages and configuration updates are the session's bookkeeping, not speech.
 */
export function unpromptedItems(history: readonly TurnItem[], heard: ReadonlySet<string>): TurnItem[] {
  let start = 0;
  history.forEach((item, index) => {
    if (item.type === 'message' && item.role === 'user') start = index + 1;
  });
  return history
    .slice(start)
    .filter(
      (item) => !heard.has(item.id) && item.type !== 'agent_config_update' && !(item.type === 'message' && item.role !== 'assistant'),
    );
}

/**
 * True when an event after a finished record shows the agent starting something of its own: it
 * begins to think, or adds an assistant message that record does not hold. Anything else (a
 * state back to listening, usage, the record's own items arriving late) still belongs to it.
 */
export function startsUnprompted(event: TurnEvent, last: TurnRecord): boolean {
  if (event.type === 'agent_state_changed') return event.newState === 'thinking';
  if (event.type !== 'conversation_item_added') return false;
  const item = event.item;
  return item.type === 'message' && item.role === 'assistant' && !last.items.some((held) => held.id === item.id);
}
