/**
 * The conversation as the judge reads it: every user and assistant message, every tool call with
 * its arguments and its output, every handoff and error, each line with an id (`T2.3`) that the
 * judge cites as evidence, numbered as transcripts number turns (`── turn 2 ──`). Nothing is cut: a judge that cannot see a tool's output cannot grade
 * what the agent did with it.
 */
import { compactJson } from '../render/snapshot.js';
import { shownOutput } from '../turn/derive.js';
import type { TurnRecord } from '../turn/types.js';

/** Turn `n` (its `index`) is `T<n>`; what the agent said on its own (a greeting, `listen()`) is `S1`, `S2`, ... in order. */
export function judgeTranscript(turns: readonly TurnRecord[]): string {
  const blocks: string[] = [];
  let spoken = 0;
  for (const turn of turns) {
    const id = turn.index < 0 ? `S${++spoken}` : `T${turn.index}`;
    const lines: string[] = [];
    const add = (text: string) => lines.push(`[${id}.${lines.length + 1}] ${text}`);
    if (turn.index >= 0) add(`user: ${turn.input}`);
    else add('(the agent spoke on its own)');
    const outputs = new Map(turn.items.flatMap((item) => (item.type === 'function_call_output' ? [[item.callId, item] as const] : [])));
    for (const item of turn.items) {
      if (item.type === 'message' && item.role === 'assistant') add(`assistant: ${item.text}`);
      else if (item.type === 'function_call') {
        const output = outputs.get(item.callId);
        const result = output === undefined ? 'no output' : `${output.isError ? 'error' : 'output'}: ${shownOutput(output)}`;
        // Compact JSON: the same conversation reads (and is recorded) the same from either SDK.
        add(`tool call: ${item.name}(${compactJson(item.arguments)}) -> ${result}`);
      } else if (item.type === 'function_call_output' && !turn.items.some((i) => i.type === 'function_call' && i.callId === item.callId)) {
        add(`tool ${item.isError ? 'error' : 'output'} of ${item.name || 'a tool'}: ${shownOutput(item)}`);
      } else if (item.type === 'agent_handoff') add(`handoff: ${item.oldAgentId ?? '(start)'} -> ${item.newAgentId}`);
    }
    for (const error of turn.errors) add(`error: ${error.message}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}
