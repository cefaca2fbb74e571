// Agents written as LiveKit's starter templates now write them (inference STT, LLM and TTS model
// strings, default VAD and turn detection) open speech websockets on the inference URL as soon
// as they start; agents on the OpenAI plugin's STT and TTS open the realtime transcription
// socket and call the speech route. The model servers must answer them so that nothing the
// harness causes ever lands in a turn, and the Node session never closes on an stt_error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The turn matchers, registered as a test file of a user's would.
import 'agent-session-test/vitest';

import { startAgentSession, type TurnRecord } from 'agent-session-test';
import { cassetteLlm, scriptedLlm, type ScriptedLlm } from '../../src/llm/index.js';
import type { AgentSession } from '../../src/session/agent-session.js';
import { fixture, pythonEnv } from './helpers.js';

const agents = [
  ['Python', 'inference', fixture('python/inference_voice_agent.py')],
  ['Node', 'inference', fixture('node/inference_voice_agent.ts')],
  ['Python', 'OpenAI plugin', fixture('python/openai_voice_agent.py')],
  ['Node', 'OpenAI plugin', fixture('node/openai_voice_agent.ts')],
] as const;

const INPUTS = ['hello there', 'what can you do?', 'tell me a joke', 'thanks, bye'];

/** Answers each user line with a reply that names it, so the history shows which turn said what. */
const echoModel = (): ScriptedLlm => scriptedLlm([{ when: { user: /(.+)/ }, reply: ({ match }) => ({ text: `You said: ${match![1]}.` }) }]);

/** Runs every input as a turn, pausing between turns so errors from background speech streams have time to land. */
async function converse(session: AgentSession): Promise<TurnRecord[]> {
  const turns: TurnRecord[] = [];
  for (const input of INPUTS) {
    turns.push(await session.say(input));
    await new Promise((resolve) => setTimeout(resolve, 750));
  }
  return turns;
}

async function expectCleanConversation(session: AgentSession, turns: TurnRecord[]): Promise<void> {
  for (const [i, turn] of turns.entries()) {
    expect(turn, `turn ${i}`).toHaveNoErrors();
    expect(
      turn.events.filter((e) => e.type === 'error'),
      `turn ${i}`,
    ).toEqual([]);
    expect(turn).toHaveReplied(`You said: ${INPUTS[i]}.`);
  }
  expect(session.closed).toBe(false);
  const messages = (await session.history()).flatMap((item) =>
    item.type === 'message' && item.role !== 'system' ? [[item.role, item.text]] : [],
  );
  expect(messages).toEqual(
    INPUTS.flatMap((input) => [
      ['user', input],
      ['assistant', `You said: ${input}.`],
    ]),
  );
  // The agent itself logged no speech failure either: a failed socket can also end a Python
  // agent's STT task with a traceback and no error event.
  expect(session.output()).not.toMatch(
    /stt_error|tts_error|Traceback|WSServerHandshakeError|Inference (STT|TTS) (returned|connection)|Realtime STT/,
  );
}

describe.each(agents)('%s agent with %s STT and TTS, scripted model', (_, __, file) => {
  let session: AgentSession;
  beforeAll(async () => {
    session = await startAgentSession(file, { env: pythonEnv, llm: echoModel() });
  });
  afterAll(async () => {
    await session?.close();
  });

  test('several turns: no error in any turn, the session stays open, the history is intact', async () => {
    await expectCleanConversation(session, await converse(session));
  });
});

describe('cassette replay', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'inference-speech-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('Node agent with inference STT and TTS: recorded, then replayed offline without errors', async () => {
    const cassette = path.join(dir, 'node.jsonl');
    const file = agents[1][2];
    const recorder = cassetteLlm({ cassette, mode: 'record', upstream: echoModel() });
    const first = await startAgentSession(file, { llm: recorder });
    try {
      await converse(first);
    } finally {
      await first.close();
    }

    const player = cassetteLlm({ cassette, mode: 'replay' });
    const second = await startAgentSession(file, { llm: player });
    try {
      await expectCleanConversation(second, await converse(second));
      expect(player.requests.map((r) => r.source)).toEqual(INPUTS.map(() => 'replay'));
    } finally {
      await second.close();
    }
  });
});
