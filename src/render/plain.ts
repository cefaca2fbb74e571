/**
 * The plain-text pieces that conversation snapshots and the judge's transcript share: a tool call
 * with its output, and an output whose call is not in the turn. One wording, so the two read alike.
 */
import { shownOutput } from '../turn/derive.js';
import type { FunctionCallItem, FunctionCallOutputItem, TurnItem } from '../turn/types.js';

/** Tool arguments as compact JSON (Python sends `{"a": 1}`, Node `{"a":1}`); as given when not JSON. */
export function compactJson(text: string): string {
  if (text.trim() === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A turn's outputs by call id, and the ids of the calls it has (an output without one came in an earlier turn). */
export function pairOutputs(items: readonly TurnItem[]): {
  outputOf: (callId: string) => FunctionCallOutputItem | undefined;
  called: ReadonlySet<string>;
} {
  const outputs = new Map<string, FunctionCallOutputItem>();
  const called = new Set<string>();
  for (const item of items) {
    if (item.type === 'function_call_output') outputs.set(item.callId, item);
    else if (item.type === 'function_call') called.add(item.callId);
  }
  return { outputOf: (callId) => outputs.get(callId), called };
}

/** `name({"compact":"args"}) -> output: ...` (or `-> error: ...`, `-> no output`). */
export function toolCallText(call: FunctionCallItem, output: FunctionCallOutputItem | undefined): string {
  const result = output === undefined ? 'no output' : `${output.isError ? 'error' : 'output'}: ${shownOutput(output)}`;
  return `${call.name}(${compactJson(call.arguments)}) -> ${result}`;
}

/** `output of name: ...` (or `error of ...`) for an output whose call is not in the turn. */
export function loneOutputText(output: FunctionCallOutputItem): string {
  return `${output.isError ? 'error' : 'output'} of ${output.name || 'a tool'}: ${shownOutput(output)}`;
}
