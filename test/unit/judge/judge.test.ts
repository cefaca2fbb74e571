// The judge without an agent: its transcript, its fail-closed reading of the model's answer, the
// matcher's message, and a judge call that misses its cassette. A scripted model plays the judge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { cassetteLlm, scriptedLlm } from 'agent-session-test/llm';
import type { LlmRequestView } from 'agent-session-test/llm';
import { stripAnsi } from '../../../src/render/color.js';
import { judgeConversation } from '../../../src/judge/judge.js';
import { parseVerdicts } from '../../../src/judge/parse.js';
import { judgeTranscript } from '../../../src/judge/transcript.js';
import { JUDGE_PROMPT_VERSION } from '../../../src/judge/prompt.js';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The criteria of the judge's request, by number. */
const criteriaOf = (request: LlmRequestView) => [...(request.lastUserText ?? '').matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]!);

/** A scripted judge: `decide(criterion)` gives each verdict; `skip` criteria are left out. */
function judgeModel(decide: (criterion: string) => 'passed' | 'failed' | 'inconclusive', skip: string[] = []) {
  return scriptedLlm([
    {
      name: 'judge',
      when: { user: /^Criteria:/ },
      reply: ({ request }) => ({
        toolCalls: [
          {
            name: 'record_verdicts',
            args: {
              verdicts: criteriaOf(request)
                .map((criterion, i) => ({ criterion: i + 1, text: criterion }))
                .filter(({ text }) => !skip.includes(text))
                .map(({ criterion, text }) => ({ criterion, verdict: decide(text), reasoning: `graded: ${text}`, evidence: ['T1.2'] })),
            },
          },
        ],
      }),
    },
  ]);
}

const completion = (args: unknown) => ({
  choices: [
    {
      message: {
        role: 'assistant',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'record_verdicts', arguments: JSON.stringify(args) } }],
      },
    },
  ],
});

describe('the transcript the judge reads', () => {
  test('messages, tool calls with arguments and outputs, errors, each line with an id', () => {
    expect(judgeTranscript([loadTurn('tool-calls')])).toBe(
      [
        // The fixture is the conversation's turn 1 (its index): ids number turns as transcripts do.
        "[T1.1] user: What's the weather in Paris and in London?",
        '[T1.2] tool call: lookup_weather({"city":"Paris"}) -> output: "sunny, 21°C"',
        '[T1.3] tool call: lookup_weather({"city":"London","forecast":{"days":3,"units":"metric"}}) -> output: "light rain, 14°C"',
        "[T1.4] assistant: It's sunny and 21°C in Paris, while London has light rain at 14°C.",
      ].join('\n'),
    );
    const session = judgeTranscript(loadSession());
    expect(session).toMatch(/\[T\d+\.\d+\] handoff: \S+ -> \S+/);
    expect(judgeTranscript([loadTurn('tool-error')])).toMatch(/-> error: /);
    const greeting = { ...loadTurn('reply'), index: -1, input: '' };
    expect(judgeTranscript([greeting, loadTurn('tool-calls')]).split('\n')[0]).toBe('[S1.1] (the agent spoke on its own)');
  });
});

describe('reading the verdicts, failing closed', () => {
  const criteria = ['greets', 'books', 'confirms'];

  test('one verdict per criterion, in order; an omitted one fails', () => {
    const verdicts = parseVerdicts(
      completion({
        verdicts: [
          { criterion: 2, verdict: 'passed', reasoning: 'booked', evidence: ['T2.1'] },
          { criterion: 1, verdict: 'inconclusive', reasoning: 'no greeting seen', evidence: [] },
        ],
      }),
      criteria,
    );
    expect(verdicts).toEqual([
      { criterion: 'greets', verdict: 'inconclusive', reasoning: 'no greeting seen', evidence: [] },
      { criterion: 'books', verdict: 'passed', reasoning: 'booked', evidence: ['T2.1'] },
      { criterion: 'confirms', verdict: 'failed', reasoning: 'the judge gave no verdict on this criterion', evidence: [], omitted: true },
    ]);
  });

  test('two verdicts on one criterion, an unknown verdict, no tool call, arguments that are not JSON', () => {
    const twice = parseVerdicts(
      completion({
        verdicts: [
          { criterion: 1, verdict: 'passed', reasoning: '', evidence: [] },
          { criterion: 1, verdict: 'failed', reasoning: '', evidence: [] },
          { criterion: 2, verdict: 'probably', reasoning: '', evidence: [] },
        ],
      }),
      criteria,
    );
    expect(twice.map((v) => [v.verdict, v.reasoning])).toEqual([
      ['failed', 'the judge gave 2 verdicts on this criterion'],
      ['failed', 'the judge\'s verdict "probably" is none of passed, failed, inconclusive'],
      ['failed', 'the judge gave no verdict on this criterion'],
    ]);
    const prose = parseVerdicts({ choices: [{ message: { role: 'assistant', content: 'All good!' } }] }, criteria);
    expect(
      prose.every(
        (v) => v.verdict === 'failed' && v.omitted && v.reasoning === 'the judge did not call record_verdicts: it answered "All good!"',
      ),
    ).toBe(true);
    const broken = parseVerdicts(
      { choices: [{ message: { tool_calls: [{ function: { name: 'record_verdicts', arguments: '{"verdicts": [' } }] } }] },
      criteria,
    );
    expect(broken[0]?.reasoning).toMatch(/arguments are not a JSON object/);
  });
});

describe('judgeConversation and toPassJudge with a scripted judge', () => {
  const turns = [loadTurn('tool-calls')];

  test('the verdicts, and whether inconclusive passes', async () => {
    const llm = judgeModel((c) => (c.includes('Paris') ? 'passed' : 'inconclusive'));
    const strict = await judgeConversation(turns, { llm, criteria: ['reports Paris', 'mentions the forecast'] });
    expect(strict.passed).toBe(false);
    expect(strict.promptVersion).toBe(JUDGE_PROMPT_VERSION);
    expect(strict.verdicts.map((v) => v.verdict)).toEqual(['passed', 'inconclusive']);
    const lenient = await judgeConversation(turns, { llm, criteria: ['reports Paris', 'mentions the forecast'], inconclusivePasses: true });
    expect(lenient.passed).toBe(true);
    // The judge was given the criteria and the transcript with the tool outputs.
    const sent = String(llm.requests.at(-1)!.messages.at(-1)!.content);
    expect(sent).toContain('1. reports Paris\n2. mentions the forecast');
    expect(sent).toContain('-> output: "light rain, 14°C"');
    expect(llm.requests.at(-1)!.tools).toEqual(['record_verdicts']);
  });

  test('the failure message: each criterion with its verdict and reasoning, under the transcript', async () => {
    const llm = judgeModel((c) => (c === 'is rude' ? 'failed' : 'passed'), ['apologises']);
    await expect(expect(turns[0]).toPassJudge({ llm, criteria: ['reports Paris'] })).resolves.toBeUndefined();
    const error = await expect(turns[0])
      .toPassJudge({ llm, criteria: ['reports Paris', 'is rude', 'apologises'] })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    const message = stripAnsi(error!.message);
    expect(message).toContain('Expected: all 3 criteria met\nReceived: 2 of 3 not met');
    expect(message.indexOf('Transcript:')).toBeLessThan(message.indexOf('Verdicts'));
    // The transcript shown is the judge's, with the line ids its evidence cites.
    expect(message).toContain("Transcript:\n  [T1.1] user: What's the weather in Paris and in London?\n  [T1.2] tool call: lookup_weather");
    expect(message).toContain(
      [
        `Verdicts (judge prompt v${JUDGE_PROMPT_VERSION}):`,
        '  ✓ passed  reports Paris',
        '      graded: reports Paris (T1.2)',
        '  ✗ failed  is rude',
        '      graded: is rude (T1.2)',
        '  ✗ failed  apologises',
        '      the judge gave no verdict on this criterion',
      ].join('\n'),
    );
    await expect(expect(turns[0]).not.toPassJudge({ llm, criteria: ['is rude'] })).resolves.toBeUndefined();
  });

  test('evidence that is not a line of the transcript is taken out, and said so', async () => {
    const llm = scriptedLlm([
      {
        when: { user: /^Criteria:/ },
        reply: {
          toolCalls: [
            {
              name: 'record_verdicts',
              args: { verdicts: [{ criterion: 1, verdict: 'passed', reasoning: 'fine', evidence: ['T1.2', 'T99.9', 'nonsense'] }] },
            },
          ],
        },
      },
    ]);
    const { verdicts } = await judgeConversation(turns, { llm, criteria: ['reports Paris'] });
    expect(verdicts[0]).toMatchObject({ evidence: ['T1.2'], reasoning: 'fine (cited lines not in the transcript: T99.9, nonsense)' });
  });

  test('criteria that could never be graded are refused before any call', async () => {
    const llm = judgeModel(() => 'passed');
    await expect(judgeConversation(turns, { llm, criteria: [] })).rejects.toThrow('judgeConversation() needs `criteria`');
    await expect(expect(turns[0]).toPassJudge({ llm, criteria: ['ok', ''] })).rejects.toThrow(/criterion 2 must be a non-empty string/);
    expect(llm.requests).toHaveLength(0);
  });

  test('a judge call missing from its cassette in replay fails with JUDGE_FAILED, saying how it differs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'judge-cassette-'));
    dirs.push(dir);
    const cassette = path.join(dir, 'judge.jsonl');
    // Recorded with one criterion...
    const recording = cassetteLlm({ cassette, mode: 'record', upstream: judgeModel(() => 'passed') });
    expect((await judgeConversation(turns, { llm: recording, criteria: ['reports Paris'] })).passed).toBe(true);
    await recording.close();
    // ...replayed offline: the same call gives the same verdict, another one misses.
    const replay = cassetteLlm({ cassette, mode: 'replay' });
    expect((await judgeConversation(turns, { llm: replay, criteria: ['reports Paris'] })).passed).toBe(true);
    const miss = await judgeConversation(turns, { llm: replay, criteria: ['reports Rome'] }).catch((e: unknown) => e);
    expect(miss).toMatchObject({ code: 'JUDGE_FAILED' });
    expect((miss as Error).message).toMatch(/HTTP 400/);
    // The same field diff as an agent's miss.
    expect((miss as Error).message).toContain('messages[1].content');
    // Said once (no cause repeating it), and the hint fits a model the test runs itself: no endpoint variables.
    expect((miss as Error).cause).toBeUndefined();
    expect((miss as { hint: string }).hint).toBe(
      'Record the call: run the test without CI (what is missing from the cassette of the judge is recorded) with its model reachable, then commit the cassette.',
    );
    expect((miss as Error).message).toContain('+ "Criteria:\\n1. reports Rome');
    await replay.close();
  });
});
