/** The derived views of a turn (reply, tool calls, handoffs), computed once from its items. */
import type { Handoff, MessageItem, ToolCall, TurnItem } from './types.js';

/** Parses tool arguments: `{}` for an empty string, the raw string when it is not JSON. */
export function parseArguments(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : ({ value: parsed } as Record<string, unknown>);
  } catch {
    return { raw } as Record<string, unknown>;
  }
}

/** A JSON string literal decoded (Node encodes string tool results); anything else as is. */
export function normaliseOutput(raw: string): string {
  if (raw.length < 2 || raw[0] !== '"' || raw.at(-1) !== '"') return raw;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : raw;
  } catch {
    return raw;
  }
}

export interface DerivedViews {
  reply: string;
  messages: MessageItem[];
  toolCalls: ToolCall[];
  handoffs: Handoff[];
}

export function deriveViews(items: readonly TurnItem[]): DerivedViews {
  const messages: MessageItem[] = [];
  const toolCalls: ToolCall[] = [];
  const byCallId = new Map<string, ToolCall>();
  const handoffs: Handoff[] = [];
  for (const item of items) {
    switch (item.type) {
      case 'message':
        if (item.role === 'assistant') messages.push(item);
        break;
      case 'function_call': {
        const call: ToolCall = { name: item.name, args: parseArguments(item.arguments), rawArgs: item.arguments, callId: item.callId };
        toolCalls.push(call);
        byCallId.set(item.callId, call);
        break;
      }
      case 'function_call_output': {
        const call = byCallId.get(item.callId);
        const output = { output: normaliseOutput(item.output), rawOutput: item.output, isError: item.isError };
        if (call) Object.assign(call, output);
        // An output whose call came in an earlier turn (or was not reported): keep it visible.
        else toolCalls.push({ name: item.name, args: {}, rawArgs: '', callId: item.callId, ...output });
        break;
      }
      case 'agent_handoff': {
        const handoff: Handoff = { to: item.newAgentId };
        if (item.oldAgentId !== undefined) handoff.from = item.oldAgentId;
        handoffs.push(handoff);
        break;
      }
      default:
        break;
    }
  }
  return { reply: messages.map((m) => m.text).join('\n'), messages, toolCalls, handoffs };
}
