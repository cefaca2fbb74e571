// Tool mocks across the language boundary: functions in this test process answer the tool calls
// of real, unmodified Python and Node agents, through the SDKs' own mocking registries.
import { afterEach, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { scriptedLlm } from 'agent-session-test/llm';
import { weatherLlm } from '../../examples/weather-llm.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import type { ToolMocks } from '../../src/session/mocks/types.js';
import { fixture, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function start(file: string, tools: ToolMocks, llm = weatherLlm()) {
  // The fixture agents run with the examples' Python, like the example agents beside it.
  const session = await startAgentSession(file, { llm, tools, env: pythonEnv });
  sessions.push(session);
  return session;
}

describe.each([
  ['Python', pythonAgent],
  ['Node', nodeAgent],
])('the %s weather agent', (_, agentFile) => {
  test('session, test and turn scopes; restore; a throwing mock; unmocked tools run for real', { timeout: 90_000 }, async () => {
    const seen: unknown[] = [];
    const session = await start(agentFile, {
      lookup_weather: (args: { city: string }, call) => {
        seen.push({ args, call });
        return `mocked: snowing in ${args.city}`;
      },
    });

    const mocked = await session.say("what's the weather in Paris?");
    expect(mocked).toHaveCalledTool('lookup_weather', { city: 'Paris' });
    expect(mocked.toolCalls[0]).toMatchObject({ mocked: true, output: 'mocked: snowing in Paris' });
    expect(mocked.reply).toContain('mocked: snowing in Paris');
    expect(seen).toEqual([
      { args: { city: 'Paris' }, call: { tool: 'lookup_weather', callId: mocked.toolCalls[0]!.callId, agentId: 'weather_agent' } },
    ]);

    // An unmocked tool runs for real, and is not marked.
    const forecast = await session.say('forecast for 3 days in Tokyo');
    expect(forecast.toolCalls[0]?.mocked).toBeUndefined();
    expect(forecast.reply).toMatch(/3-day forecast for Tokyo/);

    // Test scope over the session's, until restored.
    const restore = session.mockTools({ lookup_weather: () => ({ sky: 'clear', city: 'Rome' }) });
    const scoped = await session.say("what's the weather in Rome?");
    expect(scoped.toolCalls[0]).toMatchObject({ mocked: true, value: { sky: 'clear', city: 'Rome' } });
    restore();

    // Turn scope: a throwing mock is the SDK's tool error, for this turn only.
    const failing = await session.say("what's the weather in Oslo?", {
      tools: {
        lookup_weather: () => {
          throw new Error('weather service unavailable');
        },
      },
    });
    expect(failing).toHaveToolError('lookup_weather', /weather service unavailable/);
    const back = await session.say("what's the weather in Paris?");
    expect(back.toolCalls[0]).toMatchObject({ mocked: true, output: 'mocked: snowing in Paris' });

    expect(session.mockCalls.map((call) => call.args)).toEqual([{ city: 'Paris' }, { city: 'Rome' }, { city: 'Oslo' }, { city: 'Paris' }]);
    expect(session.mockCalls[2]).toMatchObject({ error: 'weather service unavailable' });
  });

  test('two calls in one step, a mock across a handoff, a non-Error thrown', { timeout: 90_000 }, async () => {
    const booked: unknown[] = [];
    const session = await start(agentFile, {
      lookup_weather: (args: { city: string }) => `mocked ${args.city}`,
      // The booking desk's tool, reached only after the handoff: a side effect the test must not cause.
      book_trip: (args: { city: string; date: string }, call) => {
        booked.push({ ...args, agentId: call.agentId });
        return `booking reference MOCK-1 for ${args.city}`;
      },
    });
    const both = await session.say('compare Paris and London');
    expect(both.toolCalls.map((call) => [call.args, call.mocked, call.output])).toEqual([
      [{ city: 'Paris' }, true, 'mocked Paris'],
      [{ city: 'London' }, true, 'mocked London'],
    ]);

    const handoff = await session.say('I want to book a trip');
    expect(handoff).toHaveHandedOffTo('booking_agent');
    const trip = await session.say('book Lisbon on 2027-05-01');
    expect(trip).toHaveCalledTool('book_trip', { city: 'Lisbon', date: '2027-05-01' });
    expect(trip.toolCalls[0]).toMatchObject({ mocked: true, output: 'booking reference MOCK-1 for Lisbon' });
    expect(booked).toEqual([{ city: 'Lisbon', date: '2027-05-01', agentId: 'booking_agent' }]);

    // Throwing something that is not an Error: the agent gets a tool error that says how to fix the mock.
    const odd = await session.say('book Rome on 2027-06-01', {
      tools: {
        book_trip: () => {
          throw 'sold out';
        },
      },
    });
    expect(odd).toHaveToolError('book_trip', /threw "sold out", not an Error/);
  });

  test('a mock slower than the turn fails the turn with a timeout, and the session goes on', { timeout: 90_000 }, async () => {
    const session = await start(agentFile, { lookup_weather: () => 'quick' });
    const slow = session.say("what's the weather in Paris?", {
      timeout: 1_500,
      tools: { lookup_weather: () => new Promise((resolve) => setTimeout(() => resolve('late'), 4_000)) },
    });
    await expect(slow).rejects.toMatchObject({ code: 'TURN_TIMEOUT' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const next = await session.say("what's the weather in Rome?");
    expect(next.toolCalls.at(-1)).toMatchObject({ mocked: true, output: 'quick' });
  });
});

test('mocking without the tools option says what to give', async () => {
  const session = await startAgentSession(pythonAgent, { llm: weatherLlm() });
  sessions.push(session);
  expect(() => session.mockTools({ lookup_weather: () => 'x' })).toThrow(/`tools` option/);
});

/** The model behind the clinic agents: each rule one decision, keyed on the user's line or a tool's output. */
function clinicLlm() {
  return scriptedLlm([
    {
      name: 'find',
      when: { user: /find (\w+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'find_patient', args: { name: match![1]! } }] }),
    },
    { name: 'to billing', when: { user: /billing/i }, reply: { toolCalls: [{ name: 'transfer_to_billing' }] } },
    {
      name: 'charge',
      when: { user: /charge (\w+) (\d+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'charge_card', args: { name: match![1]!, amount: Number(match![2]) } }] }),
    },
    { name: 'handed off', when: { tool: 'transfer_to_billing' }, reply: { text: 'You are with billing now.' } },
    { name: 'tool answered', when: { toolOutput: /./ }, reply: ({ request }) => ({ text: `Done: ${request.lastToolOutput!}` }) },
  ]);
}

describe.each([
  ['Python', fixture('python/clinic_agent.py')],
  ['Node', fixture('node/clinic_agent.ts')],
])('the %s clinic: two agents with a tool of the same name', (_, clinic) => {
  test('a mock scoped to one agent; the other runs the tool for real; scopes by agent over each other', { timeout: 90_000 }, async () => {
    const session = await start(
      clinic,
      { find_patient: { billing: (args: { name: string }) => ({ name: args.name, balance: 999, source: 'billing mock' }) } },
      clinicLlm(),
    );
    const atReception = await session.say('find Ada');
    expect(atReception.toolCalls[0]).toMatchObject({ name: 'find_patient', args: { name: 'Ada' } });
    expect(atReception.toolCalls[0]?.mocked).toBeUndefined();
    expect(atReception.reply).toContain('2027-01-12');

    expect(await session.say('billing please')).toHaveHandedOffTo('billing');
    const atBilling = await session.say('find Ada');
    expect(atBilling.toolCalls[0]).toMatchObject({ mocked: true, value: { name: 'Ada', balance: 999, source: 'billing mock' } });

    // A test scope for billing over the file's, then a turn scope for any agent over both.
    const restore = session.mockTools({
      find_patient: {
        billing: () => {
          throw new Error('billing records are locked');
        },
      },
      charge_card: { billing: (args: { name: string; amount: number }) => `charged ${args.name} ${args.amount} (test card)` },
    });
    expect(await session.say('find Ada')).toHaveToolError('find_patient', /billing records are locked/);
    const charged = await session.say('charge Ada 80');
    expect(charged.toolCalls[0]).toMatchObject({ mocked: true, output: 'charged Ada 80 (test card)' });
    const anyAgent = await session.say('find Bob', { tools: { find_patient: () => 'any agent mock' } });
    expect(anyAgent.toolCalls[0]).toMatchObject({ mocked: true, output: 'any agent mock' });
    restore();
    expect((await session.say('find Bob')).toolCalls[0]).toMatchObject({ mocked: true, value: { source: 'billing mock' } });
    expect(session.mockCalls.map((call) => [call.tool, call.agentId])).toEqual([
      ['find_patient', 'billing'],
      ['find_patient', 'billing'],
      ['charge_card', 'billing'],
      ['find_patient', 'billing'],
      ['find_patient', 'billing'],
    ]);
  });

  test('mocks of tools no agent in charge has fail where their scope ends, listing the agents and tools', { timeout: 90_000 }, async () => {
    const session = await start(clinic, {}, clinicLlm());
    // A misspelt tool, for one turn: the turn ran (the real tool answered), and the error carries it.
    const misspelt = await session.say('find Ada', { tools: { find_pateint: () => 'never called' } }).catch((error: unknown) => error);
    expect(misspelt).toMatchObject({ code: 'TOOL_MOCK_UNKNOWN', turn: { toolCalls: [{ name: 'find_patient' }] } });
    expect((misspelt as Error).message).toContain(
      [
        'The mocks given to say() could not be used by any agent in charge during the turn:',
        '  - find_pateint: no agent in charge had a tool of that name',
        'The agents in charge, and their tools:',
        '  - reception: find_patient, transfer_to_billing',
      ].join('\n'),
    );
    // The mistake is in the test: the agent's log would only bury the list.
    expect((misspelt as Error).message).not.toContain('Agent output');
    expect(session.turns).toHaveLength(1);

    // A tool of another agent, scoped to the one in charge: restore() says so.
    const restore = session.mockTools({ charge_card: { reception: () => 'never called' } });
    await session.say('find Bob');
    expect(() => restore()).toThrow(/charge_card for reception: reception has no tool of that name/);

    // The agent reached in the turn counts: billing has charge_card, and took charge during it.
    const handoff = await session.say('billing please', { tools: { charge_card: { billing: () => 'x' } } });
    expect(handoff).toHaveHandedOffTo('billing');
    // An agent that was not in charge during the turn.
    await expect(session.say('find Ada', { tools: { find_patient: { reception: () => 'x' } } })).rejects.toThrow(
      /find_patient for reception: no agent reception was in charge\nThe agents in charge, and their tools:\n {2}- billing: find_patient, charge_card/,
    );
  });

  test("the file's mocks are checked when the session closes, against every agent that took charge", { timeout: 90_000 }, async () => {
    const session = await start(clinic, { charge_crad: () => 'never called', charge_card: { billing: () => 'ok' } }, clinicLlm());
    await session.say('billing please');
    const closed = await session.close().catch((error: unknown) => error);
    expect(closed).toMatchObject({ code: 'TOOL_MOCK_UNKNOWN' });
    expect((closed as Error).message).toMatch(
      /The `tools` option could not be used by any agent in charge during the session:\n {2}- charge_crad: no agent in charge had a tool of that name\nThe agents in charge, and their tools:\n {2}- reception: find_patient, transfer_to_billing\n {2}- billing: find_patient, charge_card/,
    );
    await expect(session.close()).resolves.toBeUndefined();
  });
});
