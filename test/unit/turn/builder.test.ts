import { expect, test } from 'vitest';
import { TurnBuilder } from '../../../src/turn/builder.js';
import { parseArguments } from '../../../src/turn/derive.js';
import type { TurnItem } from '../../../src/turn/types.js';

const items: TurnItem[] = [
  { type: 'function_call', id: 'f1', createdAt: 1, name: 'lookup_weather', callId: 'c1', arguments: '{"city":"Paris"}' },
  { type: 'function_call', id: 'f2', createdAt: 2, name: 'lookup_weather', callId: 'c2', arguments: '{"city":"Atlantis"}' },
  {
    type: 'function_call_output',
    id: 'o2',
    createdAt: 3,
    name: 'lookup_weather',
    callId: 'c2',
    output: 'unknown city: Atlantis',
    isError: true,
  },
  { type: 'function_call_output', id: 'o1', createdAt: 4, name: 'lookup_weather', callId: 'c1', output: '"sunny, 21°C"', isError: false },
  { type: 'agent_handoff', id: 'h', createdAt: 5, oldAgentId: 'weather_agent', newAgentId: 'booking_agent' },
  {
    type: 'message',
    id: 'm1',
    createdAt: 6,
    role: 'assistant',
    text: 'Sunny in Paris.',
    content: ['Sunny in Paris.'],
    interrupted: false,
    metrics: { llmNodeTtft: 0.0125 },
  },
  { type: 'message', id: 'm2', createdAt: 7, role: 'assistant', text: 'Anything else?', content: ['Anything else?'], interrupted: false },
];

test('derives reply, tool calls paired by call id, and handoffs from the items', () => {
  const turn = new TurnBuilder('weather?', 3).finish(items, undefined);
  expect(turn.input).toBe('weather?');
  expect(turn.index).toBe(3);
  expect(turn.reply).toBe('Sunny in Paris.\nAnything else?');
  expect(turn.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  expect(turn.toolCalls).toEqual([
    {
      name: 'lookup_weather',
      args: { city: 'Paris' },
      rawArgs: '{"city":"Paris"}',
      callId: 'c1',
      output: 'sunny, 21°C',
      value: 'sunny, 21°C',
      rawOutput: '"sunny, 21°C"',
      isError: false,
    },
    {
      name: 'lookup_weather',
      args: { city: 'Atlantis' },
      rawArgs: '{"city":"Atlantis"}',
      callId: 'c2',
      output: 'unknown city: Atlantis',
      value: 'unknown city: Atlantis',
      rawOutput: 'unknown city: Atlantis',
      isError: true,
    },
  ]);
  expect(turn.handoffs).toEqual([{ from: 'weather_agent', to: 'booking_agent' }]);
  expect(turn.timing.llmTtftMs).toBe(12.5);
  expect(turn.errors).toEqual([]);
  expect(JSON.parse(JSON.stringify(turn))).toEqual(turn);
});

test('collects errors from events, the response and the harness, and the latest usage', () => {
  const builder = new TurnBuilder('hi', 0);
  const usage = (tokens: number) => ({
    models: [
      { kind: 'llm' as const, provider: 'p', model: 'm', inputTokens: tokens, inputCachedTokens: 0, outputTokens: 1, sessionDuration: 0 },
    ],
  });
  builder.addEvent({ at: 1, type: 'error', message: 'LLM failed' });
  builder.addEvent({ at: 2, type: 'session_usage_updated', usage: usage(5) });
  builder.addEvent({ at: 3, type: 'session_usage_updated', usage: usage(9) });
  builder.addError({ source: 'llm', message: 'no rule' });
  const turn = builder.finish([], 'agent produced no response items');
  expect(turn.errors).toEqual([
    { source: 'event', message: 'LLM failed' },
    { source: 'response', message: 'agent produced no response items' },
    { source: 'llm', message: 'no rule' },
  ]);
  expect(turn.usage?.models[0]).toMatchObject({ inputTokens: 9 });
  expect(turn.reply).toBe('');
  expect(turn.timing.durationMs).toBeGreaterThanOrEqual(0);
});

test("records the arguments text the scripted model sent, and a handoff's instructions", () => {
  const withHandoff: TurnItem[] = [
    ...items.slice(0, 4),
    {
      type: 'agent_handoff',
      id: 'h',
      createdAt: 5,
      oldAgentId: 'base_agent',
      newAgentId: 'base_agent',
      instructions: 'You are the sales desk.',
    },
  ];
  const turn = new TurnBuilder('weather?', 0).finish(withHandoff, undefined, new Map([['c1', '{"city": "Paris",']]));
  expect(turn.toolCalls[0]).toMatchObject({ callId: 'c1', rawArgs: '{"city":"Paris"}', sentArgs: '{"city": "Paris",' });
  expect(turn.toolCalls[1]).not.toHaveProperty('sentArgs');
  expect(turn.handoffs).toEqual([{ from: 'base_agent', to: 'base_agent', instructions: 'You are the sales desk.' }]);
  expect(new TurnBuilder('x', 0).finish(items, undefined).toolCalls[0]).not.toHaveProperty('sentArgs');
});

test('parses arguments leniently and keeps what is not an object visible', () => {
  expect(parseArguments('')).toEqual({});
  expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
  expect(parseArguments('[1,2]')).toEqual({ value: [1, 2] });
  expect(parseArguments('{oops')).toEqual({ raw: '{oops' });
});

test("a call the SDK did not record (Python's unknown function) comes back from what the model sent, before its output", () => {
  const rejected: TurnItem[] = [
    {
      type: 'function_call_output',
      id: 'o9',
      createdAt: 9,
      name: 'book_trip',
      callId: 'call_1',
      output: 'Unknown function: book_trip - available tools: lookup_weather',
      isError: true,
    },
    // An output of a call made in an earlier turn: the model did not send it in this one.
    { type: 'function_call_output', id: 'o8', createdAt: 10, name: 'lookup_weather', callId: 'call_0', output: 'late', isError: false },
  ];
  const turn = new TurnBuilder('book Rome', 1).finish(rejected, undefined, new Map([['call_1', '{"city":"Rome"}']]));
  expect(turn.items.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'function_call_output']);
  expect(turn.toolCalls[0]).toMatchObject({
    name: 'book_trip',
    args: { city: 'Rome' },
    rawArgs: '{"city":"Rome"}',
    sentArgs: '{"city":"Rome"}',
    isError: true,
  });
  expect(turn.toolCalls[1]).toMatchObject({ name: 'lookup_weather', args: {}, rawArgs: '' });
});
