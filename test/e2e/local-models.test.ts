// The VAD and turn detector plugins LiveKit's templates used to load: the silero VAD's weights
// ship in its wheel and it runs under the harness; the multilingual turn detector reads its
// model from the Hugging Face cache, which the harness never fills, so the agent fails to
// start and the error says how to get the files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

import 'agent-session-test/vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession } from '../../src/session/agent-session.js';
import { failure, fixture, pythonEnv } from './helpers.js';

let hfHome: string;
beforeAll(async () => {
  // An empty cache: what a fresh CI machine without `download-files` has. The model servers
  // set HF_HUB_OFFLINE, so the plugin does not try the hub first.
  hfHome = await mkdtemp(path.join(tmpdir(), 'hf-home-'));
});
afterAll(async () => {
  await rm(hfHome, { recursive: true, force: true });
});

const model = () => scriptedLlm([{ when: { user: /(.+)/ }, reply: ({ match }) => ({ text: `You said: ${match![1]}.` }) }]);

test('Python: the silero VAD plugin loads offline and the turns are clean', async () => {
  const session = await startAgentSession(fixture('python/template_plugins_agent.py'), {
    env: { ...pythonEnv, HF_HOME: hfHome },
    llm: model(),
  });
  try {
    for (const input of ['hello', 'how are you?']) {
      const turn = await session.say(input);
      expect(turn).toHaveNoErrors();
      expect(turn).toHaveReplied(`You said: ${input}.`);
    }
    expect(session.closed).toBe(false);
  } finally {
    await session.close();
  }
});

test('Python: the multilingual turn detector without its model files is a startup error saying how to get them', async () => {
  const { error } = await failure(() =>
    startAgentSession(fixture('python/template_plugins_agent.py'), {
      env: { ...pythonEnv, HF_HOME: hfHome, FIXTURE_TURN_DETECTOR: 'multilingual' },
      llm: model(),
    }),
  );
  expect(error.message).toMatch(/crashed while starting/);
  expect(error.message).toContain('livekit-plugins-turn-detector initialization failed. Could not find file');
  expect(error.hint).toMatch(/cannot find its model files \(Could not find file "[\w.]+"\)/);
  expect(error.hint).toContain('python -m livekit.agents download-files');
});
