// Repeated trials of one conversation with the real Python and Node weather agents, whose model
// answers differently in one trial (as a live model may): pass^k and the per-trial verdicts.
import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { scriptedLlm } from 'agent-session-test/llm';
import { judgeConversation } from '../../src/judge/judge.js';
import { trials } from '../../src/judge/trials.js';
import { startAgentSession } from '../../src/session/agent-session.js';
import { nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

/** The agent's model: asks for the weather; in trial `odd` it replies without the tool's answer. */
function varyingModel(trial: number, odd: number) {
  return scriptedLlm([
    { when: { user: /weather in (\w+)/ }, reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match![1]! } }] }) },
    {
      when: { tool: 'lookup_weather' },
      reply: ({ request }) => ({ text: trial === odd ? 'It is lovely out there.' : `It is ${request.lastToolOutput!}.` }),
    },
  ]);
}

/** The judge: the reply must repeat what the tool returned. */
const judge = scriptedLlm([
  {
    when: { user: /^Criteria:/ },
    reply: ({ request }) => {
      const transcript = request.lastUserText ?? '';
      const output = /-> output: "?([^"\n]+)"?$/m.exec(transcript)?.[1];
      const repeated = output !== undefined && new RegExp(`assistant: .*${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(transcript);
      return {
        toolCalls: [
          {
            name: 'record_verdicts',
            args: {
              verdicts: [
                {
                  criterion: 1,
                  verdict: repeated ? 'passed' : 'failed',
                  reasoning: repeated ? 'repeats it' : 'the reply does not give the weather the tool returned',
                  evidence: [],
                },
              ],
            },
          },
        ],
      };
    },
  },
]);

describe.each([
  ['Python', pythonAgent],
  ['Node', nodeAgent],
])('trials with the %s weather agent', (_, agentFile) => {
  test('three trials, one failing: pass^3 is no, and the failing trial has its verdicts', { timeout: 180_000 }, async () => {
    const report = await trials(3, async (trial) => {
      const session = await startAgentSession(agentFile, { env: pythonEnv, llm: varyingModel(trial, 2) });
      try {
        await session.say("what's the weather in Paris?");
        return await judgeConversation(session.turns, { llm: judge, criteria: ['Gives the weather the tool returned'] });
      } finally {
        await session.close();
      }
    });
    expect(report).toMatchObject({ k: 3, passed: 2, passAll: false });
    expect(report.passRate).toBeCloseTo(2 / 3);
    expect(report.results.map((r) => r.passed)).toEqual([true, false, true]);
    expect(report.results[1]!.verdicts).toEqual([
      {
        criterion: 'Gives the weather the tool returned',
        verdict: 'failed',
        reasoning: 'the reply does not give the weather the tool returned',
        evidence: [],
      },
    ]);
    expect(report.summary).toBe(
      [
        '3 trials: 2 passed, 1 failed (pass^3: no)',
        '  trial 1  ✓ passed',
        '  trial 2  ✗ failed: Gives the weather the tool returned: failed (the reply does not give the weather the tool returned)',
        '  trial 3  ✓ passed',
      ].join('\n'),
    );
  });
});

test('a trial that throws fails with its message; bad arguments are refused', async () => {
  const report = await trials(2, (trial) => {
    if (trial === 2) throw new Error('the agent crashed');
    return true;
  });
  expect(report).toMatchObject({
    passed: 1,
    passAll: false,
    results: [
      { trial: 1, passed: true },
      { trial: 2, passed: false, error: 'the agent crashed' },
    ],
  });
  await expect(trials(0, () => true)).rejects.toThrow('trials() takes a whole number of trials >= 1, got 0');
  const odd = await trials(1, () => 'yes' as never);
  expect(odd.results[0]!.error).toMatch(/trial 1 returned string: return true\/false/);
});
