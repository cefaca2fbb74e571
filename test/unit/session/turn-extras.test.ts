import { expect, test } from 'vitest';
import { noteHandoffInstructions, sentToolArguments } from '../../../src/session/turn-extras.js';
import type { TurnItem } from '../../../src/turn/types.js';

test("sentToolArguments reads the scripted server's tool calls, the latest per call id, and ignores other shapes", () => {
  const requests = [
    { response: { status: 200, toolCalls: [{ id: 'call_1', name: 'a', arguments: '{"x": 1,' }] } },
    { response: { status: 200, text: 'hi' } },
    { response: { status: 400, error: 'no rule' } },
    { source: 'replay', response: { status: 200 } },
    'not a request',
    {
      response: {
        status: 200,
        toolCalls: [
          { id: 'call_1', name: 'a', arguments: '{}' },
          { id: 42, arguments: 'x' },
        ],
      },
    },
  ];
  // Any server may stand in for the scripted one: odd shapes must be skipped, not trusted.
  expect(sentToolArguments(requests as never)).toEqual(new Map([['call_1', '{}']]));
  expect(sentToolArguments([{ response: {} }])).toBeUndefined();
  expect(sentToolArguments(undefined)).toBeUndefined();
});

test("noteHandoffInstructions puts the agent in charge's instructions on the last handoff only", async () => {
  const items: TurnItem[] = [
    { type: 'agent_handoff', id: 'h1', createdAt: 1, oldAgentId: 'base_agent', newAgentId: 'base_agent' },
    { type: 'agent_handoff', id: 'h2', createdAt: 2, oldAgentId: 'base_agent', newAgentId: 'sales' },
  ];
  let asked = 0;
  const info = async () => {
    asked++;
    return { getAgentInfo: { id: 'sales', instructions: 'You are the sales desk.', tools: [], chatCtx: [] } } as never;
  };
  await noteHandoffInstructions(items, info);
  expect(items.map((i) => (i.type === 'agent_handoff' ? i.instructions : undefined))).toEqual([undefined, 'You are the sales desk.']);

  // No handoff: the agent is not asked. Another agent in charge, or a failed question: nothing is set.
  await noteHandoffInstructions([], info);
  expect(asked).toBe(1);
  const other: TurnItem[] = [{ type: 'agent_handoff', id: 'h', createdAt: 1, newAgentId: 'support' }];
  await noteHandoffInstructions(other, info);
  await noteHandoffInstructions(other, () => Promise.reject(new Error('gone')));
  expect(other[0]).not.toHaveProperty('instructions');
});
