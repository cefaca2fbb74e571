/**
 * A conversation as a snapshot stores it: what was said and done, nothing that changes between runs
 * of the same conversation. Ids, timings and usage are left out; tool arguments (as compact JSON,
 * so both SDKs' spacing reads alike) and outputs are kept whole.
 */
import { loneOutputText, pairOutputs, toolCallText } from './plain.js';
import type { TurnRecord } from '../turn/types.js';

/** The turns as stable text, one line per message, tool call, handoff and error. */
export function conversationSnapshot(turns: readonly TurnRecord[]): string {
  const lines: string[] = [];
  for (const turn of turns) {
    lines.push(turn.index < 0 ? '── on its own ──' : `── turn ${turn.index} ──`);
    if (turn.index >= 0) lines.push(`user: ${turn.input}`);
    const { outputOf, called } = pairOutputs(turn.items);
    const mocked = new Set(turn.toolCalls.filter((call) => call.mocked).map((call) => call.callId));
    for (const item of turn.items) {
      const mark = 'callId' in item && mocked.has(item.callId) ? ' (mocked)' : '';
      if (item.type === 'message')
        lines.push(`${item.role === 'assistant' ? 'agent' : item.role}: ${item.text}${item.interrupted ? ' (interrupted)' : ''}`);
      else if (item.type === 'function_call') lines.push(`tool: ${toolCallText(item, outputOf(item.callId))}${mark}`);
      else if (item.type === 'function_call_output' && !called.has(item.callId)) lines.push(`tool ${loneOutputText(item)}${mark}`);
      else if (item.type === 'agent_handoff') lines.push(`handoff: ${item.oldAgentId ?? '(start)'} -> ${item.newAgentId}`);
      else if (item.type === 'agent_config_update') {
        const parts = [
          ...(item.toolsAdded.length ? [`tools added: ${item.toolsAdded.join(', ')}`] : []),
          ...(item.toolsRemoved.length ? [`tools removed: ${item.toolsRemoved.join(', ')}`] : []),
        ];
        lines.push(`config: ${parts.join('; ') || 'agent configuration updated'}`);
      }
    }
    for (const error of turn.errors) lines.push(`error (${error.source}): ${error.message}`);
  }
  return lines.join('\n');
}
