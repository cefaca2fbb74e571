// The judge on conversations with the real Python and Node weather agents. A scripted model plays
// the judge and grades from what the transcript it is sent shows, so these tests check what the
// judge is given, how its answer is read (fail-closed), the failure message and the cassette; not
// the quality of a model's judgement.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest'; // the matchers
import { cassetteLlm, scriptedLlm, type LlmRequestView } from 'agent-session-test/llm';
import { weatherLlm } from '../../examples/weather-llm.js';
import { judgeConversation } from '../../src/judge/judge.js';
import { stripAnsi } from '../../src/render/color.js';
import { startAgentSession } from '../../src/session/agent-session.js';
import { cleanedUp, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

const { track, scratch } = cleanedUp();

/**
 * A judge that grades by reading the transcript it is sent: "reports the tool's weather" passes
 * when an assistant line repeats a tool output's text, "books a trip" when book_trip was called,
 * "confirms the date" is inconclusive, and "apologises" is left out of the answer.
 */
function readingJudge() {
  const criteriaOf = (request: LlmRequestView) => [...(request.lastUserText ?? '').matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]!);
  return scriptedLlm([
    {
      name: 'judge',
      when: { user: /^Criteria:/ },
      reply: ({ request }) => {
        const transcript = (request.lastUserText ?? '').split('\nTranscript:\n')[1] ?? '';
        const outputs = [...transcript.matchAll(/^\[(T[\d.]+)\] tool call: lookup_weather\(.*\) -> output: "?(.*?)"?$/gm)];
        const replies = [...transcript.matchAll(/^\[(T[\d.]+)\] assistant: (.*)$/gm)];
        const grade = (criterion: string) => {
          if (criterion === "reports the tool's weather") {
            const seen = outputs.find(([, , text]) => replies.some(([, , reply]) => reply!.includes(text!)));
            return seen
              ? { verdict: 'passed', reasoning: `the reply repeats "${seen[2]}"`, evidence: [seen[1]!] }
              : { verdict: 'failed', reasoning: 'no reply repeats a tool output', evidence: [] };
          }
          if (criterion === 'books a trip') {
            const booked = /tool call: book_trip/.test(transcript);
            return {
              verdict: booked ? 'passed' : 'failed',
              reasoning: booked ? 'book_trip was called' : 'no book_trip call',
              evidence: [],
            };
          }
          return { verdict: 'inconclusive', reasoning: 'the conversation ended before it could happen', evidence: [] };
        };
        const verdicts = criteriaOf(request)
          .map((criterion, i) => ({ criterion: i + 1, text: criterion }))
          .filter(({ text }) => text !== 'apologises')
          .map(({ criterion, text }) => ({ criterion, ...grade(text) }));
        return { toolCalls: [{ name: 'record_verdicts', args: { verdicts } }] };
      },
    },
  ]);
}

describe.each([
  ['Python', pythonAgent],
  ['Node', nodeAgent],
])('judging a conversation with the %s weather agent', (_, agentFile) => {
  test('met, unmet, omitted and inconclusive criteria; the message lists each under the transcript', { timeout: 90_000 }, async () => {
    const session = track(await startAgentSession(agentFile, { env: pythonEnv, llm: weatherLlm() }));
    await session.say("what's the weather in Paris?");
    await session.say('forecast for 3 days in Tokyo');
    const judge = readingJudge();

    await expect(session.turns).toPassJudge({ llm: judge, criteria: ["reports the tool's weather"] });
    // The judge was sent the tool calls with their outputs.
    expect(judge.requests.at(-1)!.messages.at(-1)!.content).toMatch(/tool call: lookup_weather\(\{"city": ?"Paris"\}\) -> output: /);

    const failure = await expect(session.turns)
      .toPassJudge({ llm: judge, criteria: ["reports the tool's weather", 'books a trip', 'apologises'] })
      .then(
        () => undefined,
        (error: unknown) => stripAnsi((error as Error).message),
      );
    expect(failure).toContain('Expected: all 3 criteria met\nReceived: 2 of 3 not met');
    expect(failure).toMatch(/Transcript:[\s\S]*lookup_weather[\s\S]*Verdicts \(judge prompt v1\):/);
    expect(failure).toMatch(/✓ passed {2}reports the tool's weather\n {6}the reply repeats "[^"]+" \(T0\.2\)/);
    expect(failure).toContain('  ✗ failed  books a trip\n      no book_trip call');
    expect(failure).toContain('  ✗ failed  apologises\n      the judge gave no verdict on this criterion');

    // Inconclusive fails by default, passes when the test says so.
    const strict = await judgeConversation(session.turns, { llm: judge, criteria: ['confirms the date'] });
    expect(strict).toMatchObject({ passed: false, verdicts: [{ verdict: 'inconclusive' }] });
    await expect(session.turns).toPassJudge({ llm: judge, criteria: ['confirms the date'], inconclusivePasses: true });
  });

  test(
    'a judge call recorded once replays offline; one that misses its cassette fails with the field diff',
    { timeout: 90_000 },
    async () => {
      const session = track(await startAgentSession(agentFile, { env: pythonEnv, llm: weatherLlm() }));
      await session.say("what's the weather in Paris?");
      const dir = scratch('judge-e2e-');
      const cassette = path.join(dir, 'weather.judge.jsonl');

      const recording = cassetteLlm({ cassette, mode: 'record', upstream: readingJudge() });
      await expect(session.turns).toPassJudge({ llm: recording, criteria: ["reports the tool's weather"] });
      await recording.close();

      const replay = cassetteLlm({ cassette, mode: 'replay' });
      await expect(session.turns).toPassJudge({ llm: replay, criteria: ["reports the tool's weather"] });
      // Another turn changes what the judge is sent: not in the cassette.
      await session.say('weather in Rome?');
      const miss = await judgeConversation(session.turns, { llm: replay, criteria: ["reports the tool's weather"] }).catch(
        (e: unknown) => e,
      );
      expect(miss).toMatchObject({ code: 'JUDGE_FAILED' });
      expect((miss as Error).message).toContain('Closest recorded request');
      expect((miss as Error).message).toContain('messages[1].content');
      await replay.close();
    },
  );
});
