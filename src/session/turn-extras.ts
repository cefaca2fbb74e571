/**
 * What a turn record gets from outside the agent's response: the instructions of the agent a
 * handoff went to, and the arguments text the scripted model really streamed.
 */
import type { WireResponse } from '../protocol/wire.js';
import type { TurnItem } from '../turn/types.js';
import type { LlmServerLike } from './options.js';

/**
 * Sets the new agent's instructions on the turn's last handoff. Agents of one class share one id,
 * and neither SDK puts instructions on the handoff, so the agent is asked who is in charge now.
 * A failed question leaves the item as it is: the turn itself succeeded.
 */
export async function noteHandoffInstructions(items: TurnItem[], getAgentInfo: () => Promise<WireResponse>): Promise<void> {
  const handoff = items.findLast((item) => item.type === 'agent_handoff');
  if (handoff?.type !== 'agent_handoff') return;
  try {
    const info = (await getAgentInfo()).getAgentInfo;
    if (info != null && info.id === handoff.newAgentId && info.instructions != null) handoff.instructions = info.instructions;
  } catch {
    // The next call on the session reports a dead or silent agent with its own error.
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The arguments text of every tool call the model server answered with, by call id (the latest
 * wins). Servers record requests in their own shapes; only `response.toolCalls` entries with a
 * string `id` and `arguments` (the scripted LLM's) count.
 */
export function sentToolArguments(requests: LlmServerLike['requests']): Map<string, string> | undefined {
  if (requests === undefined) return undefined;
  const sent = new Map<string, string>();
  for (const request of requests) {
    const response: unknown = isRecord(request) ? request['response'] : undefined;
    const calls = isRecord(response) ? response['toolCalls'] : undefined;
    if (!Array.isArray(calls)) continue;
    for (const call of calls as unknown[]) {
      if (isRecord(call) && typeof call['id'] === 'string' && typeof call['arguments'] === 'string')
        sent.set(call['id'], call['arguments']);
    }
  }
  return sent.size > 0 ? sent : undefined;
}
