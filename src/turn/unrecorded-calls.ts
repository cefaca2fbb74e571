/**
 * The Python SDK answers a model's call of a tool the agent does not have ("Unknown function: ...")
 * with an output item, but records no item for the call itself. When the model made that call in
 * this turn (the session's model server sent it), the call goes back in before its output, so that
 * the record has its arguments and the transcript does not take it for a call of an earlier turn.
 */
import type { FunctionCallItem, TurnItem } from './types.js';

/** `items` with a call item before each output whose call the turn lacks but the model sent (`sentArgs`). */
export function restoreUnrecordedCalls(items: TurnItem[], sentArgs: ReadonlyMap<string, string> | undefined): TurnItem[] {
  if (sentArgs === undefined) return items;
  const called = new Set(items.flatMap((item) => (item.type === 'function_call' ? [item.callId] : [])));
  const restored: TurnItem[] = [];
  for (const item of items) {
    if (item.type === 'function_call_output' && !called.has(item.callId)) {
      const args = sentArgs.get(item.callId);
      if (args !== undefined) {
        const call: FunctionCallItem = {
          type: 'function_call',
          id: '',
          createdAt: item.createdAt,
          name: item.name,
          callId: item.callId,
          arguments: args,
        };
        restored.push(call);
        called.add(item.callId);
      }
    }
    restored.push(item);
  }
  return restored;
}
