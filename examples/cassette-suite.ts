/**
 * The weather conversations replayed from a cassette: the model calls were recorded once and
 * committed next to each test file, so these tests run offline, free and the same every time.
 * In CI (`CI` set) a call that is not in the cassette fails the turn; locally a missing call is
 * recorded. Re-record with `AGENT_SESSION_TEST_LLM_MODE=record`.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { simulateUser } from 'agent-session-test';
import { useAgentSession } from 'agent-session-test/vitest';
import { cassetteLlm } from 'agent-session-test/llm';
import { weatherLlm } from './weather-llm.js';
import { standInJudge, standInUser } from './weather-judge.js';
import type { WeatherTools } from './weather-suite.js';

export function cassetteSuite(agentFile: string, sdk: 'python' | 'js') {
  // The upstream stands in for the real model, so recording needs no key here. Without
  // `upstream`, the test process's OPENAI_BASE_URL / OPENAI_API_KEY are recorded from.
  const llm = cassetteLlm({ upstream: weatherLlm() });
  const agent = useAgentSession<WeatherTools>(agentFile, { llm });
  // The judge's and the simulated user's calls are recorded beside the agent's, from stand-ins
  // here, in cassettes named here. Without `llm`, they are recorded from
  // AGENT_SESSION_TEST_JUDGE_BASE_URL (or OPENAI_BASE_URL) into __cassettes__/<test file
  // name>.judge.jsonl and .user.jsonl (weather_cassette.test.judge.jsonl for this file).
  const judge = cassetteLlm({ cassette: '__cassettes__/weather_cassette.judge.jsonl', upstream: standInJudge() });
  const user = cassetteLlm({ cassette: '__cassettes__/weather_cassette.user.jsonl', upstream: standInUser() });
  afterAll(() => Promise.all([judge.close(), user.close()]));

  describe(`weather agent from a cassette (${sdk})`, () => {
    test('answers a weather question with the recorded model', async () => {
      const turn = await agent.say("what's the weather in Paris?");

      expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
      expect(turn).toHaveReplied(/sunny, 21°C/);
      expect(turn).toHaveNoErrors();
      // Two model calls: the tool call, then the answer from the tool's output.
      expect(llm.requests).toHaveLength(2);
      if (llm.mode === 'replay') expect(llm.requests.map((r) => r.source)).toEqual(['replay', 'replay']);
    });

    test('continues the conversation across turns', async () => {
      const turn = await agent.say('compare London and Tokyo');
      expect(turn).toHaveCalledTool('lookup_weather', undefined, { times: 2 });
      expect(turn).toHaveNoErrors();

      const recall = await agent.say('what did I ask first?');
      expect(recall).toHaveReplied("You first asked: what's the weather in Paris?");
      expect(llm.unmatched).toEqual([]);
    });

    test('a judge grades the conversation, replayed from its own cassette', async () => {
      await expect(agent.turns).toPassJudge({ llm: judge, criteria: ['Reports the weather the tool returned'] });
    });

    test('a simulated user gets what it came for, replayed from its own cassette', async () => {
      const result = await simulateUser(agent, {
        persona: 'a traveller packing for Tokyo',
        goal: 'Learn the weather in Tokyo',
        maxTurns: 3,
        llm: user,
        judge: { llm: judge },
      });
      expect(result).toMatchObject({ stoppedBy: 'goal', passed: true });
      expect(result.turns[0]).toHaveCalledTool('lookup_weather', { city: 'Tokyo' });
    });
  });
}
