// The test-process side of tool mocks: scopes, agent scoping, the channel's protections and the
// check of mocks no agent could use. The agent side is covered end to end in test/e2e/tool-mocks.test.ts.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { checkMocks, findMock, mockedNames, unknownMocks } from '../../../src/session/mocks/scopes.js';
import { openToolMockChannel, TOOL_MOCKS_ENV, type ToolMockChannel } from '../../../src/session/mocks/server.js';
import { MockStack } from '../../../src/session/mocks/stack.js';
import { toolMockUnknown } from '../../../src/errors/messages.js';
import { runCutShort } from '../../../src/vitest/worker/left-out.js';

const any = () => 'any';
const sales = () => 'sales';
const support = () => 'support';

describe('scopes', () => {
  test('the innermost scope that mocks a tool for the calling agent answers', () => {
    const scopes = [{ lookup: any }, { lookup: { sales } }];
    expect(findMock(scopes, 'lookup', 'sales')).toBe(sales);
    // Not scoped to support: falls through to the file's mock for any agent.
    expect(findMock(scopes, 'lookup', 'support')).toBe(any);
    expect(findMock([{ lookup: { sales } }], 'lookup', 'support')).toBeUndefined();
    expect(findMock([{ lookup: { sales } }, { lookup: any }], 'lookup', 'sales')).toBe(any);
    expect(findMock([{ lookup: any }], 'toString', 'sales')).toBeUndefined();
  });

  test('the names the agent reads: true for any agent, else the agent ids', () => {
    expect(mockedNames([{ lookup: { sales } }, { lookup: { support }, book: any }])).toEqual({ lookup: ['sales', 'support'], book: true });
    expect(mockedNames([{ lookup: any }, { lookup: { sales } }])).toEqual({ lookup: true });
  });

  test('entries that are not mocks are refused, naming the entry', () => {
    expect(() => checkMocks({ lookup: 'sunny' } as never, 'mockTools()')).toThrow(
      'mockTools(): the mock of lookup is the string "sunny"; give a function (args, call) => output, or an object of them by agent id',
    );
    expect(() => checkMocks({ lookup: { sales: 42 } } as never, 'the `tools` option')).toThrow(
      'the `tools` option: the mock of lookup for agent sales is a number',
    );
    expect(() => checkMocks([] as never, 'say() with `tools`')).toThrow(
      'say() with `tools` takes an object of mocks by tool name, got an array',
    );
    expect(() => checkMocks({ lookup: any, book: { sales } }, 'mockTools()')).not.toThrow();
  });

  test('mocks no agent in charge could use, by reason', () => {
    const agents = [
      { agentId: 'front', tools: ['lookup', 'transfer'] },
      { agentId: 'sales', tools: ['lookup', 'quote'] },
    ];
    expect(unknownMocks({ lookup: any, lookpu: any, quote: { front: any, sales: any }, refund: { billing: any } }, agents, [])).toEqual([
      { tool: 'lookpu', reason: 'no-agent-has-it' },
      { tool: 'quote', agentId: 'front', reason: 'agent-lacks-it' },
      { tool: 'refund', agentId: 'billing', reason: 'agent-not-in-charge' },
    ]);
    // A tool a mock answered exists (an agent may add tools after it takes charge).
    expect(unknownMocks({ late: { front: any } }, agents, [{ tool: 'late', agentId: 'front' }])).toEqual([]);
  });
});

describe('the channel', () => {
  let channel: ToolMockChannel | undefined;
  afterEach(async () => {
    await channel?.close();
    channel = undefined;
  });
  const post = (route: string, body: unknown, credential = channel!.credential) => {
    const { url } = JSON.parse(channel!.env[TOOL_MOCKS_ENV]!) as { url: string };
    return fetch(url + route, { method: 'POST', headers: { authorization: `Bearer ${credential}` }, body: JSON.stringify(body) });
  };

  test('answers a call with the mock for the calling agent, and keeps the agents reported', async () => {
    channel = await openToolMockChannel();
    channel.set([{ lookup: { sales: (args: { id: string }, call) => `${call.agentId} found ${args.id}` } }]);
    const { namesFile } = JSON.parse(channel.env[TOOL_MOCKS_ENV]!) as { namesFile: string };
    expect(JSON.parse(readFileSync(namesFile, 'utf8'))).toEqual({ lookup: ['sales'] });

    expect((await post('/agent', { agentId: 'sales', tools: ['lookup'] })).status).toBe(204);
    expect(channel.agents).toEqual([{ agentId: 'sales', tools: ['lookup'] }]);
    const answer = await post('/call', { tool: 'lookup', callId: 'c1', agentId: 'sales', arguments: '{"id":"7"}' });
    expect(await answer.json()).toEqual({ output: 'sales found 7' });
    // Another agent's call of the same tool, after a restore mid-turn: a tool error, not another agent's mock.
    const other = await post('/call', { tool: 'lookup', callId: 'c2', agentId: 'support', arguments: '{}' });
    expect(await other.json()).toEqual({ error: 'lookup is no longer mocked' });
  });

  test('says nothing without the credential, or on another route', async () => {
    channel = await openToolMockChannel();
    channel.set([{ lookup: any }]);
    expect((await post('/agent', { agentId: 'x', tools: [] }, 'guess')).status).toBe(404);
    expect((await post('/call', { tool: 'lookup', callId: 'c', agentId: 'x', arguments: '{}' }, 'guess')).status).toBe(404);
    expect((await post('/other', {})).status).toBe(404);
    expect(channel.agents).toEqual([]);
    expect(channel.calls).toEqual([]);
  });
});

describe('the stack of scopes', () => {
  let channel: ToolMockChannel | undefined;
  afterEach(async () => {
    await channel?.close();
    channel = undefined;
  });
  const report = (agentId: string, tools: string[]) => (channel!.agents as { agentId: string; tools: string[] }[]).push({ agentId, tools });

  test('a scope is checked when it ends, against the agents in charge while it was in force', async () => {
    channel = await openToolMockChannel();
    const stack = new MockStack(channel, { quote: any });
    report('front', ['lookup', 'transfer']);
    // The turn hands off to sales: both were in charge during it.
    const endTurn = stack.turn({ quote: { sales: any }, lookpu: any });
    report('sales', ['lookup', 'quote']);
    expect(endTurn()).toEqual({
      scope: 'say() with `tools`',
      unknown: [{ tool: 'lookpu', reason: 'no-agent-has-it' }],
      agents: [
        { agentId: 'front', tools: ['lookup', 'transfer'] },
        { agentId: 'sales', tools: ['lookup', 'quote'] },
      ],
    });
    // Begun while sales is in charge: front never was.
    const restore = stack.push({ lookup: { front: any } });
    expect(restore()).toMatchObject({
      unknown: [{ tool: 'lookup', agentId: 'front', reason: 'agent-not-in-charge' }],
      agents: [{ agentId: 'sales' }],
    });
    expect(restore()).toBeUndefined();
    // The file's scope, at the end: sales had quote.
    expect(stack.finish()).toEqual([]);
  });

  test('nothing is checked when the agent reported no agents (an SDK the preload cannot follow)', async () => {
    channel = await openToolMockChannel();
    const stack = new MockStack(channel, { nothing_has_this: any });
    expect(stack.turn({ nor_this: any })()).toBeUndefined();
    expect(stack.finish()).toEqual([]);
  });

  test('the error lists each problem and the agents with their tools', () => {
    const error = toolMockUnknown({
      scope: 'say() with `tools`',
      unknown: [
        { tool: 'lookpu', reason: 'no-agent-has-it' },
        { tool: 'quote', agentId: 'front', reason: 'agent-lacks-it' },
        { tool: 'refund', agentId: 'billing', reason: 'agent-not-in-charge' },
      ],
      agents: [
        { agentId: 'front', tools: ['lookup', 'transfer'] },
        { agentId: 'sales', tools: [] },
      ],
    });
    expect(error.code).toBe('TOOL_MOCK_UNKNOWN');
    expect(error.hint).toBe('Name each tool as the model calls it, and each agent by its id, as listed.');
    expect(error.message).toContain(
      [
        'The mocks given to say() could not be used by any agent in charge during the turn:',
        '  - lookpu: no agent in charge had a tool of that name',
        '  - quote for front: front has no tool of that name',
        '  - refund for billing: no agent billing was in charge',
        'The agents in charge, and their tools:',
        '  - front: lookup, transfer',
        '  - sales: (no tools)',
      ].join('\n'),
    );
  });
});

test('a mockTools() never restored: the error says so, and how to fix each kind of mistake', () => {
  const error = toolMockUnknown({
    scope: 'mockTools() never restored',
    unknown: [{ tool: 'refund', reason: 'no-agent-has-it' }],
    agents: [{ agentId: 'front', tools: ['lookup'] }],
  });
  expect(error.message).toContain(
    'The mocks of a mockTools() never restored could not be used by any agent in charge during them, until the session closed:',
  );
  expect(error.hint).toBe(
    'Name each tool as the model calls it, and each agent by its id, as listed. If the tool is right but its agent was not reached, mock it in the turn or test that reaches it (say(text, { tools }) or mockTools()). Call the restore function mockTools() returned at the end of its test.',
  );
});

test('a Vitest suite run in part or with a failure: skipped, todo, filtered or failed tests, at any depth', () => {
  const ran = { type: 'test', mode: 'run', result: { state: 'pass' } };
  expect(runCutShort({ tasks: [ran, { type: 'suite', mode: 'run', tasks: [ran] }] })).toBe(false);
  expect(runCutShort({ tasks: [ran, { type: 'suite', mode: 'run', tasks: [{ type: 'test', mode: 'skip' }] }] })).toBe(true);
  expect(runCutShort({ tasks: [{ type: 'test', mode: 'todo' }] })).toBe(true);
  expect(runCutShort({ tasks: [{ type: 'test', mode: 'run', result: { state: 'skip' } }] })).toBe(true);
  expect(
    runCutShort({ tasks: [ran, { type: 'suite', mode: 'run', tasks: [{ type: 'test', mode: 'run', result: { state: 'fail' } }] }] }),
  ).toBe(true);
  expect(runCutShort(undefined)).toBe(true);
});
