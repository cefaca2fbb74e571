import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf } from './helpers.js';

const failed = loadTurn('tool-error');

describe('toHaveToolError', () => {
  test('passes when a tool raised, with or without a name and message', () => {
    expect(failed).toHaveToolError();
    expect(failed).toHaveToolError('lookup_weather');
    expect(failed).toHaveToolError('lookup_weather', 'Unknown city: Atlantis');
    expect(failed).toHaveToolError('lookup_weather', /unknown city/i);
    expect(failed).toHaveToolError(undefined, expect.stringContaining('Atlantis'));
  });

  test('fails when no tool raised', () => {
    const turn = loadTurn('tool-calls');
    expect(turn).not.toHaveToolError();
    expect(failureOf(() => expect(turn).toHaveToolError('lookup_weather'))).toContain(
      [
        'expect(turn).toHaveToolError(name)',
        '',
        'Expected: an error from "lookup_weather"',
        'Received: 2 tool calls, none matching:',
        '  lookup_weather ✓ "sunny, 21°C"',
        '  lookup_weather ✓ "light rain, 14°C"',
      ].join('\n'),
    );
    expect(failureOf(() => expect(loadTurn('reply')).toHaveToolError())).toContain(
      'Expected: an error from a tool\nReceived: no tool calls',
    );
  });

  test('fails for another message, and .not names the error', () => {
    expect(failed).not.toHaveToolError('lookup_weather', /timeout/);
    expect(failureOf(() => expect(failed).toHaveToolError('lookup_weather', /timeout/))).toContain(
      'Expected: an error from "lookup_weather" matching /timeout/\nReceived: 1 tool call, none matching:\n  lookup_weather ✗ Unknown city: Atlantis',
    );
    const message = failureOf(() => expect(failed).not.toHaveToolError());
    expect(message).toContain('expect(turn).not.toHaveToolError()');
    expect(message).toContain('Expected: no error from a tool\nReceived: 1 matching output:\n  lookup_weather ✗ Unknown city: Atlantis');
    expect(message).toContain('  tool    ✗ lookup_weather({"city": "Atlantis"}) → Unknown city: Atlantis');
  });

  test('a list of turns', () => {
    expect([...loadSession(), failed]).toHaveToolError('lookup_weather');
    expect(loadSession()).not.toHaveToolError();
    expect([failed, ...loadSession()]).not.toHaveToolError(undefined, undefined, { turn: -1 });
  });
});
