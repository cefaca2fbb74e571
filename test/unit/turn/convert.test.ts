import { expect, test } from 'vitest';
import { sessionUsage } from '../../../src/turn/convert.js';

test('sessionUsage reads every counter of every kind of model usage, missing ones as 0', () => {
  const counters = {
    inputTokens: 1,
    inputCachedTokens: 2,
    outputTokens: 3,
    sessionDuration: 4,
    charactersCount: 5,
    audioDuration: 6,
    totalRequests: 7,
  };
  const at = (kind: 'llm' | 'tts' | 'stt' | 'interruption' | 'eot') => ({
    usage: kind,
    [kind]: { provider: 'p', model: kind, ...counters },
  });
  expect(sessionUsage({ modelUsage: [at('llm'), at('tts'), at('stt'), at('interruption'), at('eot')] }).models).toEqual([
    { kind: 'llm', provider: 'p', model: 'llm', inputTokens: 1, inputCachedTokens: 2, outputTokens: 3, sessionDuration: 4 },
    { kind: 'tts', provider: 'p', model: 'tts', inputTokens: 1, outputTokens: 3, charactersCount: 5, audioDuration: 6 },
    { kind: 'stt', provider: 'p', model: 'stt', inputTokens: 1, outputTokens: 3, audioDuration: 6 },
    { kind: 'interruption', provider: 'p', model: 'interruption', totalRequests: 7 },
    { kind: 'eot', provider: 'p', model: 'eot', totalRequests: 7 },
  ]);
  expect(sessionUsage({ modelUsage: [{ usage: 'tts', tts: { model: 'x', inputTokens: 'n/a' } }] }).models).toEqual([
    { kind: 'tts', provider: '', model: 'x', inputTokens: 0, outputTokens: 0, charactersCount: 0, audioDuration: 0 },
  ]);
  // An entry without a kind, or of a kind this version does not know, is left out.
  expect(sessionUsage({ modelUsage: [{}, { usage: 'video' as never }] }).models).toEqual([]);
  expect(sessionUsage(null).models).toEqual([]);
});
