/**
 * The conversation tests for the example weather agents. The Python and the Node agent have the
 * same tools, so one suite runs against both: each test file calls `weatherSuite` with its agent.
 */
import { describe, expect, test } from 'vitest';
import { expectTurn } from 'agent-session-test/matchers';
import { useAgentSession } from 'agent-session-test/vitest';
import { weatherLlm } from './weather-llm.js';

/** The example agents' tools and their arguments: types the tool matchers and `turn.toolCalls`. */
export type WeatherTools = {
  lookup_weather: { city: string };
  get_forecast: { city: string; days: number };
  transfer_to_booking: Record<string, never>;
  book_trip: { city: string; date: string };
};

export function weatherSuite(agentFile: string, sdk: 'python' | 'js') {
  const llm = weatherLlm();
  const agent = useAgentSession<WeatherTools>(agentFile, { llm });

  describe(`weather agent (${sdk})`, () => {
    test('answers a weather question from its tool', async () => {
      const turn = await agent.say("what's the weather in Paris?");

      expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
      expect(turn).toHaveToolOutput('lookup_weather', 'sunny, 21°C in Paris');
      expect(turn).toHaveReplied(/sunny, 21°C/);
      expect(turn).toHaveNoErrors();
      expect(turn).not.toHaveHandedOff();
      // The model was offered the weather desk's tools.
      expect(llm.requests.at(-1)?.tools).toEqual(expect.arrayContaining(['lookup_weather', 'get_forecast', 'transfer_to_booking']));
    });

    test('calls a tool twice in one turn, in order', async () => {
      const turn = await agent.say('compare London and Tokyo');

      expect(turn).toHaveCalledTool('lookup_weather', undefined, { times: 2 });
      expect(turn).toMatchTrajectory(
        [
          { type: 'function_call', name: 'lookup_weather', args: { city: 'London' } },
          { type: 'function_call', name: 'lookup_weather', args: { city: 'Tokyo' } },
          { type: 'function_call_output', output: /rainy/ },
          { type: 'function_call_output', output: /cloudy/ },
          { type: 'message', role: 'assistant' },
        ],
        { mode: 'unordered' },
      );
    });

    test('passes typed arguments, step by step', async () => {
      const turn = await agent.say('forecast for 3 days in Tokyo');

      expectTurn(turn)
        .next('function_call', { name: 'get_forecast', args: { city: 'Tokyo', days: expect.any(Number) } })
        .next('function_call_output', { output: expect.stringContaining('day 3: cloudy, 20°C'), isError: false })
        .next('message', { role: 'assistant', text: /3-day forecast for Tokyo/ })
        .noMore();
      expect(turn.toolCalls[0]?.args).toEqual({ city: 'Tokyo', days: 3 });
    });

    test('reports a failing tool and recovers on the next turn', async () => {
      const failed = await agent.say('weather in Atlantis?');
      expect(failed).toHaveToolError('lookup_weather', /unknown city: Atlantis/);
      expect(failed).toHaveReplied(/could not do that/);
      expect(failed).toHaveNoErrors({ allowToolErrors: true });
      expect(failed).not.toHaveNoErrors();

      const next = await agent.say('weather in London?');
      expect(next).toHaveToolOutput('lookup_weather', 'rainy, 14°C in London', { isError: false });
    });

    test('remembers the conversation across turns', async () => {
      const turn = await agent.say('what did I ask first?');

      expect(turn).toHaveReplied(`You first asked: ${agent.turns[0]?.input}`);
      expect(turn).not.toHaveCalledTool();
      const history = await agent.history();
      expect(history.filter((item) => item.type === 'message' && item.role === 'user')).toHaveLength(agent.turns.length);
    });

    test('describes itself', async () => {
      const info = await agent.info();
      expect(info).toMatchObject({ id: 'weather_agent', sdk });
      expect(info.tools).toEqual(expect.arrayContaining(['lookup_weather', 'get_forecast', 'transfer_to_booking']));
      expect(info.instructions).toMatch(/weather assistant/);
      expect((await agent.state()).agentState).toBe('listening');
      expect((await agent.usage()).models).toContainEqual(expect.objectContaining({ kind: 'llm', model: 'gpt-4o-mini' }));
    });

    // Last: after the handoff the booking desk answers, with its own tools.
    test('hands off to the booking desk, which books the trip', async () => {
      const handoff = await agent.say('I want to book a trip');
      expect(handoff).toHaveHandedOffTo('booking_agent', { from: 'weather_agent' });
      expect(handoff).toHaveReplied(/booking desk/);
      expect((await agent.info()).id).toBe('booking_agent');

      const booked = await agent.say('book Paris on 2026-12-01');
      expect(booked).toHaveCalledTool('book_trip', { city: 'Paris', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(booked).toHaveReplied(/confirmation BK-PARIS-2026-12-01/);
      expect(agent.turns).toHaveHandedOffTo('booking_agent');
      expect(llm.unmatched).toEqual([]);
    });
  });
}
