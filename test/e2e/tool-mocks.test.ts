// Tool mocks across the language boundary: functions in this test process answer the tool calls
// of real, unmodified Python and Node agents, through the SDKs' own mocking registries.
import { afterEach, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { weatherLlm } from '../../examples/weather-llm.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import type { ToolMocks } from '../../src/session/mocks/types.js';
import { nodeAgent, pythonAgent } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function start(file: string, tools: ToolMocks) {
  const session = await startAgentSession(file, { llm: weatherLlm(), tools });
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
