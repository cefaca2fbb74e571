// Record and replay with the real agents: a scripted model stands in for the cloud while
// recording, then the agent runs again with the upstream gone and gets the same answers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The turn matchers, registered as a test file of a user's would.
import 'agent-session-test/vitest';

import { startAgentSession } from 'agent-session-test';
import { cassetteLlm, scriptedLlm, type ScriptedLlm } from '../../src/llm/index.js';
import { examplesDir, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cassette-e2e-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cloud(): ScriptedLlm {
  return scriptedLlm([
    {
      when: { user: /weather in (\w+)/i },
      reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match![1]! } }] }),
    },
    { when: { tool: 'lookup_weather' }, reply: ({ request }) => ({ text: `Recorded answer: ${request.lastToolOutput}.`, chunkSize: 7 }) },
    { when: { user: /capital of France/i }, reply: { text: 'Paris is the capital of France.' } },
  ]);
}

describe.each([
  ['python', pythonAgent],
  ['js', nodeAgent],
] as const)('cassette with the %s agent', (sdk, agentFile) => {
  test('records from the upstream, then replays offline; a changed prompt is a turn error with the difference', async () => {
    const file = path.join(dir, `${sdk}.jsonl`);
    const upstream = cloud();
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream });
    const first = await startAgentSession(agentFile, { llm: recorder, env: pythonEnv });
    let recorded;
    try {
      recorded = await first.say('weather in Paris?');
    } finally {
      await first.close();
    }
    expect(recorded).toHaveNoErrors();
    expect(recorded).toHaveReplied(/Recorded answer: .*sunny, 21°C in Paris/);
    expect(upstream.requests).toHaveLength(2);
    expect(recorder.requests.map((r) => r.source)).toEqual(['upstream', 'upstream']);

    const player = cassetteLlm({ cassette: file, mode: 'replay' });
    const second = await startAgentSession(agentFile, { llm: player, env: pythonEnv });
    try {
      const replayed = await second.say('weather in Paris?');
      expect(replayed).toHaveNoErrors();
      expect(replayed.reply).toBe(recorded.reply);
      expect(replayed.toolCalls.map((c) => [c.name, c.args, c.output])).toEqual(recorded.toolCalls.map((c) => [c.name, c.args, c.output]));
      expect(player.requests.map((r) => r.source)).toEqual(['replay', 'replay']);

      // Not recorded: the miss becomes the turn's error, showing what changed.
      const missed = await second.say('weather in Tokyo?');
      expect(missed.errors.map((e) => e.source)).toContain('llm');
      const message = missed.errors.find((e) => e.source === 'llm')!.message;
      expect(message).toContain('no recorded LLM response for this request (replay mode)');
      expect(message).toMatch(/Closest recorded request \(this test, occurrence 0\)/);
      // The closest recording is the previous call; the new user line is the difference.
      expect(message).toMatch(/\n {2}messages\[\d\]\n {4}\+ \{"content":"weather in Tokyo\?","role":"user"\}\n/);
      expect(player.unmatched.length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
    // Replay wrote nothing.
    expect(await readFile(file, 'utf8')).toContain('weather in Paris?');
    expect(await readFile(file, 'utf8')).not.toContain('Tokyo');
  });
});

// Both SDKs sign their inference token (HS256) with LIVEKIT_API_SECRET, which is the server's credential.
test.each([
  ['Python', 'python/inference_agent.py'],
  ['Node', 'node/inference_agent.ts'],
])('records and replays a %s agent that uses LiveKit inference', async (sdk, agent) => {
  const file = path.join(dir, `inference-${sdk}.jsonl`);
  const agentFile = `${examplesDir}${agent}`;
  const upstream = cloud();
  const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream });
  const first = await startAgentSession(agentFile, { llm: recorder, env: pythonEnv });
  try {
    expect(await first.say('What is the capital of France?')).toHaveReplied('Paris is the capital of France.');
  } finally {
    await first.close();
  }
  expect(recorder.requests.map((r) => [r.path, r.source])).toEqual([['/inference/v1/chat/completions', 'upstream']]);

  const player = cassetteLlm({ cassette: file, mode: 'replay' });
  const second = await startAgentSession(agentFile, { llm: player, env: pythonEnv });
  try {
    const turn = await second.say('What is the capital of France?');
    expect(turn).toHaveNoErrors();
    expect(turn).toHaveReplied('Paris is the capital of France.');
    expect(player.requests.map((r) => r.source)).toEqual(['replay']);
  } finally {
    await second.close();
  }
});
