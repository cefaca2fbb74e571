import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf, TOOL_CALLS_TRANSCRIPT } from './helpers.js';

const turn = loadTurn('tool-calls');

describe('toHaveReplied', () => {
  test('a string must be contained in the reply', () => {
    expect(turn).toHaveReplied('21°C in Paris');
    expect(turn).toHaveReplied("It's sunny and 21°C in Paris, while London has light rain at 14°C.");
    expect(turn).not.toHaveReplied('snow');
    expect(turn).not.toHaveReplied('paris'); // case-sensitive: use a RegExp for more
  });

  test('RegExps and asymmetric matchers', () => {
    expect(turn).toHaveReplied(/sunny.*paris/i);
    expect(turn).toHaveReplied(expect.stringMatching(/14°C\.$/));
    expect(turn).toHaveReplied(expect.stringContaining('London'));
    expect(turn).not.toHaveReplied(expect.stringContaining('Berlin'));
  });

  test('without an argument, any non-empty reply', () => {
    expect(turn).toHaveReplied();
    expect(loadTurn('error')).not.toHaveReplied();
  });

  test('fails with the reply and the transcript', () => {
    expect(failureOf(() => expect(turn).toHaveReplied('snow'))).toBe(
      [
        'expect(turn).toHaveReplied(expected)',
        '',
        'Expected: a reply containing "snow"',
        `Received: "It's sunny and 21°C in Paris, while London has light rain at 14°C."`,
        '',
        ...TOOL_CALLS_TRANSCRIPT,
      ].join('\n'),
    );
    expect(failureOf(() => expect(loadTurn('error')).toHaveReplied(/tomorrow/))).toContain(
      'Expected: a reply matching /tomorrow/\nReceived: (no reply)\n',
    );
  });

  test('.not fails with the reply', () => {
    const message = failureOf(() => expect(turn).not.toHaveReplied(/sunny/));
    expect(message).toContain('expect(turn).not.toHaveReplied(expected)\n\nExpected: no reply matching /sunny/\nReceived: "It\'s sunny');
  });

  test('a list of turns: any reply, each shown on failure', () => {
    const turns = loadSession();
    expect(turns).toHaveReplied('booking desk');
    expect(turns).toHaveReplied('Hi!', { turn: 0 });
    expect(turns).not.toHaveReplied('Hi!', { turn: -1 });
    const message = failureOf(() => expect(turns).toHaveReplied('snow'));
    expect(message).toContain('Received: 3 replies:\n  turn 0: "Hi! I can tell you');
    expect(message).toContain('\n  turn 2: "Hello, this is the booking desk.');
  });

  test('rejects an expected value that is not text', () => {
    expect(() => expect(turn).toHaveReplied(42 as never)).toThrow(
      'the expected reply must be a string, a RegExp or an asymmetric matcher, received 42',
    );
  });
});
