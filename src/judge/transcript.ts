/**
 * The conversation as the judge reads it: every user and assistant message, every tool call with
 * its arguments and its output, every handoff and error, each line with an id (`T2.3`) that the
 * judge cites as evidence, numbered as transcripts number turns (`── turn 2 ──`). Nothing is cut: a judge that cannot see a tool's output cannot grade
 * what the agent did with it.
 */
import { loneOutputText, pairOutputs, toolCallText } from '../render/plain.js';
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
    const { outputOf, called } = pairOutputs(turn.items);
    for (const item of turn.items) {
      if (item.type === 'message' && item.role === 'assistant') add(`assistant: ${item.text}`);
      // Compact JSON arguments: the same conversation reads (and is recorded) the same from either SDK.
      else if (item.type === 'function_call') add(`tool call: ${toolCallText(item, outputOf(item.callId))}`);
      else if (item.type === 'function_call_output' && !called.has(item.callId)) add(`tool ${loneOutputText(item)}`);
      else if (item.type === 'agent_handoff') add(`handoff: ${item.oldAgentId ?? '(start)'} -> ${item.newAgentId}`);
    }
    for (const error of turn.errors) add(`error: ${error.message}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}
