// A simulated user driving the real Python and Node weather agents. Scripted models play the user
// and the judge, so these tests check the stopping rules, the script, the judge's part and
// record/replay; not the quality of a model's play.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { cassetteLlm, scriptedLlm } from 'agent-session-test/llm';
import { weatherLlm } from '../../examples/weather-llm.js';
import { simulateUser } from '../../src/judge/simulate.js';
import { startAgentSession } from '../../src/session/agent-session.js';
import { cleanedUp, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

const { track, scratch } = cleanedUp();

/** The user: opens with `first`, then answers the agent's replies by rule (text, or the end tool). */
function userModel(first: string, then: (reply: string) => string | { end: string }) {
  return scriptedLlm([
    { name: 'opening', when: { user: /^\(The conversation starts/ }, reply: { text: first } },
    {
      name: 'answer',
      when: { user: /./ },
      reply: ({ request }) => {
        const next = then(request.lastUserText ?? '');
        return typeof next === 'string' ? { text: next } : { toolCalls: [{ name: 'end_conversation', args: { reason: next.end } }] };
      },
    },
  ]);
}

/** The judge: "Learn the weather in <city>" passes when a reply gives it; other criteria pass. */
function cityJudge() {
  return scriptedLlm([
    {
      when: { user: /^Criteria:/ },
      reply: ({ request }) => {
        const [criteria = '', transcript = ''] = (request.lastUserText ?? '').split('\nTranscript:\n');
        const verdicts = [...criteria.matchAll(/^(\d+)\. (.*)$/gm)].map(([, n, criterion]) => {
          const city = /weather in (\w+)/.exec(criterion!)?.[1];
          const met = city === undefined || new RegExp(`assistant: .*in ${city}`).test(transcript);
          return {
            criterion: Number(n),
            verdict: met ? 'passed' : 'failed',
            reasoning: met ? 'a reply gives it' : `no reply gives the weather in ${city}`,
            evidence: [],
          };
        });
        return { toolCalls: [{ name: 'record_verdicts', args: { verdicts } }] };
      },
    },
  ]);
}

describe.each([
  ['Python', pythonAgent],
  ['Node', nodeAgent],
])('a simulated user and the %s weather agent', (_, agentFile) => {
  async function start() {
    const session = track(await startAgentSession(agentFile, { env: pythonEnv, llm: weatherLlm() }));
    return session;
  }

  test('stops on the goal as the judge sees it; at maxTurns the judge decides', { timeout: 120_000 }, async () => {
    const session = await start();
    const judge = cityJudge();
    const reached = await simulateUser(session, {
      persona: 'a traveller',
      goal: 'Learn the weather in Paris',
      llm: userModel("what's the weather in Paris?", () => 'thanks'),
      judge: { llm: judge },
    });
    expect(reached).toMatchObject({
      stoppedBy: 'goal',
      passed: true,
      verdicts: [{ criterion: 'Learn the weather in Paris', verdict: 'passed' }],
    });
    expect(reached.turns).toHaveLength(1);
    expect(reached.turns[0]).toHaveCalledTool('lookup_weather', { city: 'Paris' });

    const judgedBefore = judge.requests.length;
    const never = await simulateUser(session, {
      persona: 'a traveller to a place that is not on the map',
      goal: 'Learn the weather in Atlantis',
      maxTurns: 2,
      llm: userModel("what's the weather in Atlantis?", () => "what's the weather in Atlantis?"),
      judge: { llm: judge, criteria: ['Stays polite'] },
    });
    expect(never.stoppedBy).toBe('maxTurns');
    expect(never.turns).toHaveLength(2);
    expect(never.turns[1]).toHaveToolError('lookup_weather', /unknown city: Atlantis/);
    // Not failed by default: the judge was asked after each turn, and its verdicts stand.
    expect(judge.requests.length - judgedBefore).toBe(2);
    expect(never.passed).toBe(false);
    expect(never.verdicts).toEqual([
      { criterion: 'Learn the weather in Atlantis', verdict: 'failed', reasoning: 'no reply gives the weather in Atlantis', evidence: [] },
      { criterion: 'Stays polite', verdict: 'passed', reasoning: 'a reply gives it', evidence: [] },
    ]);
  });

  test('until, the user ending it, and a script of fixed lines, checks and simulated lines', { timeout: 120_000 }, async () => {
    const session = await start();
    const judge = cityJudge();
    const until = await simulateUser(session, {
      persona: 'a traveller',
      goal: 'Learn the weather in Atlantis',
      llm: userModel("what's the weather in Atlantis?", () => 'forecast for 2 days in Tokyo'),
      until: (turn) => turn.toolCalls.some((call) => call.name === 'get_forecast'),
      judge: { llm: judge },
    });
    expect(until).toMatchObject({ stoppedBy: 'until', passed: false });
    expect(until.turns.map((t) => t.input)).toEqual(["what's the weather in Atlantis?", 'forecast for 2 days in Tokyo']);

    const ended = await simulateUser(session, {
      persona: 'a traveller',
      goal: 'Learn the weather in Rome',
      llm: userModel("what's the weather in Atlantis?", () => ({ end: 'it cannot help me' })),
      judge: { llm: judge },
    });
    expect(ended).toMatchObject({ stoppedBy: 'user-ended', endReason: 'it cannot help me', passed: false });

    const checked: number[] = [];
    const scripted = await simulateUser(session, {
      persona: 'a traveller',
      goal: 'Learn the weather in Paris',
      llm: userModel('unused', (reply) => (/Paris/.test(reply) ? 'weather in London?' : 'hm')),
      judge: { llm: judge, criteria: ['Learn the weather in London'] },
      script: [
        "what's the weather in Paris?",
        {
          check: (turns) => {
            checked.push(turns.length);
            expect(turns.at(-1)).toHaveCalledTool('lookup_weather', { city: 'Paris' });
          },
        },
        { simulate: 1 },
      ],
    });
    expect(checked).toEqual([1]);
    expect(scripted).toMatchObject({ stoppedBy: 'script-end', passed: true });
    expect(scripted.turns.map((t) => t.input)).toEqual(["what's the weather in Paris?", 'weather in London?']);
  });

  test('the user and the judge recorded once replay offline', { timeout: 120_000 }, async () => {
    const dir = scratch('simulate-');
    const options = (user: ReturnType<typeof cassetteLlm>, judge: ReturnType<typeof cassetteLlm>) => ({
      persona: 'a traveller',
      goal: 'Learn the weather in Paris',
      llm: user,
      judge: { llm: judge },
    });
    const user = cassetteLlm({
      cassette: path.join(dir, 'user.jsonl'),
      mode: 'record',
      upstream: userModel("what's the weather in Paris?", () => 'thanks'),
    });
    const judge = cassetteLlm({ cassette: path.join(dir, 'judge.jsonl'), mode: 'record', upstream: cityJudge() });
    const recorded = await simulateUser(await start(), options(user, judge));
    await Promise.all([user.close(), judge.close()]);

    const replayUser = cassetteLlm({ cassette: path.join(dir, 'user.jsonl'), mode: 'replay' });
    const replayJudge = cassetteLlm({ cassette: path.join(dir, 'judge.jsonl'), mode: 'replay' });
    const replayed = await simulateUser(await start(), options(replayUser, replayJudge));
    await Promise.all([replayUser.close(), replayJudge.close()]);
    expect(replayed.turns.map((t) => [t.input, t.reply])).toEqual(recorded.turns.map((t) => [t.input, t.reply]));
    expect(replayed).toMatchObject({ stoppedBy: 'goal', passed: true });
    expect(replayUser.requests.every((r) => r.source === 'replay')).toBe(true);
  });
});

test('bad options are refused before the agent is driven', async () => {
  const agent = { say: () => Promise.reject(new Error('not called')) };
  await expect(simulateUser(agent, { persona: '', goal: 'x' })).rejects.toThrow('simulateUser() needs `persona`');
  await expect(simulateUser(agent, { persona: 'p', goal: 'g', maxTurns: 0 })).rejects.toThrow('`maxTurns` must be a whole number >= 1');
  await expect(simulateUser(agent, { persona: 'p', goal: 'g', script: [42 as never] })).rejects.toThrow('script step 1');
});
