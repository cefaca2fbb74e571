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
});

test('mocking without the tools option says what to give', async () => {
  const session = await startAgentSession(pythonAgent, { llm: weatherLlm() });
  sessions.push(session);
  expect(() => session.mockTools({ lookup_weather: () => 'x' })).toThrow(/`tools` option/);
});
