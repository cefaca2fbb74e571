// Export end to end: a real session with the Python weather agent, recorded through a cassette
// from a scripted model standing in for the cloud, is exported as a test; a child Vitest then runs
// that file in replay mode with the upstream gone, and it passes. A changed model answer (so a
// changed agent reply) makes the same file fail, so its assertions hold something.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

import { startAgentSession, type TurnRecord } from 'agent-session-test';
import { exportSession } from '../../src/cli/export.js';
import { cassetteLlm, scriptedLlm } from '../../src/llm/index.js';
import { pythonAgent } from './helpers.js';
import { runFixtureVitest } from './runner-helpers.js';

const project = fileURLToPath(new URL('../fixtures/exported/', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(project, 'run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cloud = () =>
  scriptedLlm([
    {
      when: { user: /weather in (\w+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match![1]! } }] }),
    },
    { when: { tool: 'lookup_weather' }, reply: ({ request }) => ({ text: `Recorded answer: ${request.lastToolOutput}.` }) },
    // One chunk, so the test below can change the answer in the cassette with one replacement.
    { when: { user: /capital of France/i }, reply: { text: 'Paris is the capital of France.', chunkSize: 1000 } },
  ]);

/** The child run: replay only, and no upstream to reach even if it tried. */
const replay = (file: string) =>
  runFixtureVitest([file], dir, {
    root: project,
    env: { AGENT_SESSION_TEST_LLM_MODE: 'replay', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'unused' },
  });

test('a recorded session exported as a test passes offline in replay, and fails when the agent replies otherwise', async () => {
  const sessionCassette = path.join(dir, 'session.jsonl');
  const upstream = cloud();
  const recorder = cassetteLlm({ cassette: sessionCassette, mode: 'record', upstream });
  const session = await startAgentSession(pythonAgent, { llm: recorder });
  const turns: TurnRecord[] = [];
  try {
    turns.push(await session.say('weather in Paris?'));
    turns.push(await session.say('What is the capital of France?'));
  } finally {
    await session.close();
  }
  await recorder.close();
  expect(turns[0]).toHaveCalledTool('lookup_weather', { city: 'Paris' });
  expect(upstream.requests).toHaveLength(3);

  const testFile = path.join(dir, 'weather.test.ts');
  const written = await exportSession({ agentFile: pythonAgent, turns, testFile, model: { cassette: sessionCassette } });
  expect(written).toEqual({ testFile, cassette: path.join(dir, '__cassettes__/weather.test.jsonl') });
  const source = await readFile(testFile, 'utf8');
  expect(source).toContain("useAgentSession('../../../../examples/python/weather_agent.py', { llm })");
  expect(source).toContain("expect(turn1).toHaveCalledTool('lookup_weather', { city: 'Paris' });");
  expect(source).toContain("expect(turn2).toHaveReplied('Paris is the capital of France.');");

  const passed = await replay(testFile);
  expect(passed.output).toMatch(/Tests\s+1 passed/);
  expect(passed.exitCode).toBe(0);

  // A second export to the same file is refused, and leaves the test as it was.
  await expect(exportSession({ agentFile: pythonAgent, turns, testFile, model: { cassette: sessionCassette } })).rejects.toThrow(
    /already exists/,
  );
  expect(await readFile(testFile, 'utf8')).toBe(source);

  // The model now answers otherwise, so the agent replies otherwise: the exported test fails on that reply.
  const cassette = await readFile(written.cassette!, 'utf8');
  expect(cassette).toContain('Paris is the capital of France.');
  await writeFile(written.cassette!, cassette.replace('Paris is the capital of France.', 'Lyon is the capital of France.'));
  const failed = await replay(testFile);
  expect(failed.exitCode).toBe(1);
  expect(failed.output).toContain('toHaveReplied');
  expect(failed.output).toContain('Lyon is the capital of France.');
  expect(failed.output).toMatch(/Tests\s+1 failed/);
});
