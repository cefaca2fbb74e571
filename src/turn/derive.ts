/** The derived views of a turn (reply, tool calls, handoffs), computed once from its items. */
import { decodeToolOutput } from '../protocol/tool-output.js';
import type { FunctionCallOutputItem, Handoff, MessageItem, ToolCall, TurnItem } from './types.js';

/** An output item's text, value and raw form (decoded here when the item came without them). */
export function outputOf(item: Pick<FunctionCallOutputItem, 'output' | 'value' | 'rawOutput'>): {
  output: string;
  value: unknown;
  rawOutput: string;
} {
  if (item.rawOutput !== undefined && 'value' in item) return { output: item.output, value: item.value, rawOutput: item.rawOutput };
  return decodeToolOutput(item.output);
}

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

/**
 * An output as transcripts and messages show it, the same from every SDK: a string result in
 * quotes (so `"42"` and `42` differ), any other result as compact JSON, an error's message as is.
 */
export function shownOutput(item: Pick<FunctionCallOutputItem, 'output' | 'value' | 'rawOutput' | 'isError'>): string {
  const { output, value } = outputOf(item);
  return item.isError || typeof value !== 'string' ? output : JSON.stringify(value);
}

export interface DerivedViews {
  reply: string;
  messages: MessageItem[];
  toolCalls: ToolCall[];
  handoffs: Handoff[];
}

/**
 * The views of a turn's items. `sentArgs` maps call ids to the arguments text the scripted model
 * streamed, when the session knows it.
 */
export function deriveViews(items: readonly TurnItem[], sentArgs?: ReadonlyMap<string, string>): DerivedViews {
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
        const sent = sentArgs?.get(item.callId);
        if (sent !== undefined) call.sentArgs = sent;
        toolCalls.push(call);
        byCallId.set(item.callId, call);
        break;
      }
      case 'function_call_output': {
        const call = byCallId.get(item.callId);
        const output = { ...outputOf(item), isError: item.isError };
        if (call) Object.assign(call, output);
        // An output whose call came in an earlier turn (or was not reported): keep it visible.
        else toolCalls.push({ name: item.name, args: {}, rawArgs: '', callId: item.callId, ...output });
        break;
      }
      case 'agent_handoff': {
        const handoff: Handoff = { to: item.newAgentId };
        if (item.oldAgentId !== undefined) handoff.from = item.oldAgentId;
        if (item.instructions !== undefined) handoff.instructions = item.instructions;
        handoffs.push(handoff);
        break;
      }
      default:
        break;
    }
  }
  return { reply: messages.map((m) => m.text).join('\n'), messages, toolCalls, handoffs };
}
