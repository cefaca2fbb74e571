/**
 * The weather conversations under Jest: the same harness and matchers as the Vitest suite
 * (examples/weather-suite.ts), with Jest's globals.
 */
import { describe, expect, test } from '@jest/globals';
import { useAgentSession } from 'agent-session-test/jest';
import { scriptedLlm } from 'agent-session-test/llm';
import { expectTurn } from 'agent-session-test/matchers';
import { weatherLlm } from '../weather-llm.js';
import type { WeatherTools } from '../weather-suite.js';

export function weatherSuite(agentFile: string, sdk: 'python' | 'js') {
  const llm = weatherLlm();
  const agent = useAgentSession<WeatherTools>(agentFile, { llm });

  describe(`weather agent under Jest (${sdk})`, () => {
    test('answers a weather question from its tool', async () => {
      const turn = await agent.say("what's the weather in Paris?");
      expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
      expect(turn).toHaveToolOutput('lookup_weather', 'sunny, 21°C in Paris');
      expect(turn).toHaveReplied(/sunny, 21°C/);
      expect(turn).toHaveNoErrors();
    });

    test('passes typed arguments, step by step', async () => {
      const turn = await agent.say('forecast for 3 days in Tokyo');
      expectTurn(turn)
        .next('function_call', { name: 'get_forecast', args: { city: 'Tokyo', days: expect.any(Number) } })
        .next('function_call_output', { isError: false })
        .next('message', { role: 'assistant', text: /3-day forecast for Tokyo/ })
        .noMore();
    });

    test('reports a failing tool', async () => {
      const turn = await agent.say('weather in Atlantis?');
      expect(turn).toHaveToolError('lookup_weather', /unknown city: Atlantis/);
      expect(turn).not.toHaveNoErrors();
    });

    test('a judge grades the conversation (a scripted model plays it)', async () => {
      // Passes the criterion that names a tool output the agent repeated; leaves the others out.
      const judge = scriptedLlm([
        {
          when: { user: /^Criteria:/ },
          reply: ({ request }) => {
            const sent = request.lastUserText ?? '';
            const repeated =
              /tool call: lookup_weather\(.*\) -> output: "sunny, 21°C in Paris"/.test(sent) && /assistant: .*sunny, 21°C/.test(sent);
            return {
              toolCalls: [
                {
                  name: 'record_verdicts',
                  args: { verdicts: [{ criterion: 1, verdict: repeated ? 'passed' : 'failed', reasoning: 'read', evidence: [] }] },
                },
              ],
            };
          },
        },
      ]);
      await expect(agent.turns).toPassJudge({ llm: judge, criteria: ['Reports the weather the tool returned'] });
      await expect(expect(agent.turns).toPassJudge({ llm: judge, criteria: ['Reports the weather', 'Says goodbye'] })).rejects.toThrow(
        /✗ failed {2}Says goodbye\n {6}the judge gave no verdict on this criterion/,
      );
    });

    test('the conversation so far matches its snapshot', () => {
      // Stable text (no ids or timings), kept in __snapshots__ beside this file; -u updates it.
      expect(agent.turns).toMatchConversationSnapshot();
    });

    test('hands off to the booking desk', async () => {
      const turn = await agent.say('I want to book a trip');
      expect(turn).toHaveHandedOffTo('booking_agent', { from: 'weather_agent' });
      expect(agent.turns).toHaveLength(4);
      expect((await agent.info()).sdk).toBe(sdk);
      expect(llm.unmatched).toEqual([]);
    });
  });
}
