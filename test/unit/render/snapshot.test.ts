import { expect, test } from 'vitest';
import { conversationSnapshot } from '../../../src/render/snapshot.js';
import { loadTurn } from '../../fixtures/turns/load.js';

test('stable text: compact arguments, whole outputs, errors with their source; no ids, timings or usage', () => {
  const turn = loadTurn('tool-calls');
  const text = conversationSnapshot([turn]);
  expect(text).toBe(
    [
      '── turn 1 ──',
      "user: What's the weather in Paris and in London?",
      'tool: lookup_weather({"city":"Paris"}) -> output: "sunny, 21°C"',
      'tool: lookup_weather({"city":"London","forecast":{"days":3,"units":"metric"}}) -> output: "light rain, 14°C"',
      "agent: It's sunny and 21°C in Paris, while London has light rain at 14°C.",
    ].join('\n'),
  );
  // What changes between runs of the same conversation changes nothing here.
  const rerun = {
    ...turn,
    timing: { startedAt: 1, durationMs: 99 },
    items: turn.items.map((item) => ({ ...item, id: `x${item.id}`, createdAt: 5 })),
  };
  expect(conversationSnapshot([rerun])).toBe(text);
  const mocked = { ...turn, toolCalls: turn.toolCalls.map((call, i) => ({ ...call, mocked: i === 0 })) };
  expect(conversationSnapshot([mocked]).split('\n')[2]).toMatch(/ \(mocked\)$/);
  expect(conversationSnapshot([loadTurn('error')])).toMatch(/^error \((event|response|llm)\): /m);
  expect(conversationSnapshot([{ ...loadTurn('reply'), index: -1, input: '' }]).split('\n')[0]).toBe('── on its own ──');
});
