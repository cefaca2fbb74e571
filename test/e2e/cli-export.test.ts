// Export end to end: a real session with the Python weather agent, recorded through a cassette
// from a scripted model standing in for the cloud, is exported as a test; a child Vitest then runs
// that file in replay mode with the upstream gone, and it passes. A changed model answer (so a
// changed agent reply) makes the same file fail, so its assertions hold something.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

import 'agent-session-test/vitest';
import { startAgentSession, type TurnRecord } from 'agent-session-test';
import { exportSession } from '../../src/cli/export.js';
import { cassetteLlm, scriptedLlm } from '../../src/llm/index.js';
import { bikeShopLlm } from '../../examples/bike-shop-llm.js';
import { examplesDir, pythonAgent } from './helpers.js';
import { runFixtureVitest } from './runner-helpers.js';

const bikeShopAgent = `${examplesDir}python/bike_shop_agent.py`;
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
  runFixtureVitest([path.relative(project, file)], dir, {
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
}, 180_000);

test('a session with a greeting, a tool call and a handoff (the Python bike shop) exports to a test that passes offline', async () => {
  const sessionCassette = path.join(dir, 'bike-session.jsonl');
  const recorder = cassetteLlm({ cassette: sessionCassette, mode: 'record', upstream: bikeShopLlm() });
  const session = await startAgentSession(bikeShopAgent, { llm: recorder });
  const turns: TurnRecord[] = [];
  try {
    turns.push(await session.greeting());
    turns.push(await session.say('look up my bike SC-1042'));
    turns.push(await session.say('I would like to book a repair'));
  } finally {
    await session.close();
  }
  await recorder.close();
  expect(turns[2]!.handoffs.map((h) => h.to)).toEqual(['shop_agent']);

  const testFile = path.join(dir, 'bike-shop.test.ts');
  await exportSession({ agentFile: bikeShopAgent, turns, testFile, model: { cassette: sessionCassette } });
  const source = await readFile(testFile, 'utf8');
  expect(source).toContain('const greeting = await agent.greeting();');
  expect(source).toContain("expect(turn1).toHaveCalledTool('lookup_bike', { serial: 'SC-1042' });");
  // The two desks are one class: the handoff is told apart by the workshop's instructions.
  expect(source).toMatch(
    /expect\(turn2\)\.toHaveHandedOffTo\(\s*\{ id: 'shop_agent', instructions: '[^']*workshop[^']*' \},\s*\{ from: 'shop_agent' \},?\s*\);/,
  );

  const passed = await replay(testFile);
  expect(passed.output).toMatch(/Tests\s+1 passed/);
  expect(passed.exitCode).toBe(0);
}, 180_000);
