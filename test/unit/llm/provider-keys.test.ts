import { afterEach, describe, expect, test, vi } from 'vitest';

import { cassetteLlm, scriptedLlm } from 'agent-session-test/llm';
import { agentEnvDefaults, SPEECH_PROVIDER_KEYS, speechProviderPlaceholders } from '../../../src/llm/provider-keys.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('speech provider keys', () => {
  test('a placeholder for each key left unset or empty, none for a key the user set', () => {
    const env = { DEEPGRAM_API_KEY: 'real-deepgram-key', CARTESIA_API_KEY: '' };
    const placeholders = speechProviderPlaceholders(env);
    expect(placeholders['DEEPGRAM_API_KEY']).toBeUndefined();
    expect(placeholders['CARTESIA_API_KEY']).toBe('dummy-cartesia-api-key');
    expect(placeholders['ELEVEN_API_KEY']).toBe('dummy-eleven-api-key');
    expect(placeholders['ASSEMBLYAI_API_KEY']).toBe('dummy-assemblyai-api-key');
    expect(Object.keys(placeholders).sort()).toEqual(SPEECH_PROVIDER_KEYS.filter((k) => k !== 'DEEPGRAM_API_KEY'));
  });

  test('the hub is offline unless the test process says otherwise', () => {
    expect(agentEnvDefaults({})['HF_HUB_OFFLINE']).toBe('1');
    expect(agentEnvDefaults({ HF_HUB_OFFLINE: '0' })['HF_HUB_OFFLINE']).toBeUndefined();
  });

  test.each([
    ['scripted', () => scriptedLlm([]).listen()],
    ['cassette', () => cassetteLlm({ cassette: '/nonexistent/never-written.jsonl', mode: 'replay' }).listen()],
  ])('the %s server gives the agent placeholders, keeping a key the test process has', async (_, listen) => {
    vi.stubEnv('DEEPGRAM_API_KEY', 'real-deepgram-key');
    vi.stubEnv('ELEVEN_API_KEY', '');
    vi.stubEnv('HF_HUB_OFFLINE', '');
    const server = await listen();
    try {
      const env: Record<string, string> = server.env;
      // Absent, so the user's own key reaches the agent unchanged.
      expect(env['DEEPGRAM_API_KEY']).toBeUndefined();
      expect(env['ELEVEN_API_KEY']).toBe('dummy-eleven-api-key');
      expect(env['ASSEMBLYAI_API_KEY']).toBe('dummy-assemblyai-api-key');
      expect(env['HF_HUB_OFFLINE']).toBe('1');
    } finally {
      await server.close();
    }
  });
});
