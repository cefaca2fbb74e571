// Turn records for the export tests, with only the fields the export reads filled in.
import type { Handoff, ToolCall, TurnRecord } from '../../../src/turn/types.js';

export function turn(
  index: number,
  input: string,
  fields: { reply?: string; toolCalls?: Partial<ToolCall>[]; handoffs?: Handoff[]; errors?: TurnRecord['errors'] } = {},
): TurnRecord {
  return {
    input,
    index,
    items: [],
    reply: fields.reply ?? '',
    messages: [],
    toolCalls: (fields.toolCalls ?? []).map((call, i) => ({ name: 'tool', args: {}, rawArgs: '{}', callId: `call_${i}`, ...call })),
    handoffs: fields.handoffs ?? [],
    events: [],
    errors: fields.errors ?? [],
    timing: { startedAt: 0, durationMs: 1 },
  };
}

/** Strings that end, or change, a literal written naively. */
export const TRICKY = [
  'it\'s "quoted"',
  'back`tick` and ${interpolation}',
  'two\nlines\r\n\ttabbed',
  'back\\slash \\n',
  'sep\u2028\u2029 nul\u0000',
  "''''\"",
  'regex .*+?^$()[]{}|/ chars',
];
