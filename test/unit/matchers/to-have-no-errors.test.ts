import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf } from './helpers.js';

describe('toHaveNoErrors', () => {
  test('passes for clean turns', () => {
    expect(loadTurn('tool-calls')).toHaveNoErrors();
    expect(loadSession()).toHaveNoErrors();
  });

  test('fails for error events and the response error, listing each', () => {
    expect(failureOf(() => expect(loadTurn('error')).toHaveNoErrors())).toBe(
      [
        'expect(turn).toHaveNoErrors()',
        '',
        'Expected: no errors',
        'Received: 3 errors:',
        "  [event] type='llm_error' timestamp=1795310090.412 label='livekit.plugins.openai.llm.LLM' error=APIStatusError('Error code: 503 - upstream overloaded') recoverable=True",
        "  [event] type='llm_error' timestamp=1795310094.918 label='livekit.plugins.openai.llm.LLM' error=APIStatusError('Error code: 503 - upstream overloaded') recoverable=False",
        '  [response] failed to generate LLM completion after 2 attempts',
        '',
        'Transcript:',
        '  user    And what about tomorrow?',
        '  agent   (no reply)',
        "  error   [event] type='llm_error' timestamp=1795310090.412 label='livekit.plugins.openai.llm.LLM' error=APIStatusError('Error code: 503 - upstream overloaded') recoverable=True",
        "  error   [event] type='llm_error' timestamp=1795310094.918 label='livekit.plugins.openai.llm.LLM' error=APIStatusError('Error code: 503 - upstream overloaded') recoverable=False",
        '  error   [response] failed to generate LLM completion after 2 attempts',
        '  time    4.93 s',
      ].join('\n'),
    );
  });

  test('tool errors count unless allowed', () => {
    const failed = loadTurn('tool-error');
    expect(failureOf(() => expect(failed).toHaveNoErrors())).toContain(
      'Received: 1 error:\n  [tool] lookup_weather raised: Unknown city: Atlantis\n',
    );
    expect(failed).toHaveNoErrors({ allowToolErrors: true });
    expect(failureOf(() => expect(loadTurn('error')).toHaveNoErrors({ allowToolErrors: true }))).toContain(
      'Expected: no errors (tool errors allowed)',
    );
  });

  test('scripted-LLM misses count', () => {
    const turn = loadTurn('reply');
    turn.errors.push({ source: 'llm', message: 'no rule matched the request' });
    expect(failureOf(() => expect(turn).toHaveNoErrors())).toContain('[llm] no rule matched the request');
  });

  test('.not passes when there is an error, and fails without', () => {
    expect(loadTurn('error')).not.toHaveNoErrors();
    expect(failureOf(() => expect(loadTurn('reply')).not.toHaveNoErrors())).toContain(
      'expect(turn).not.toHaveNoErrors()\n\nExpected: at least one error\nReceived: no errors\n',
    );
  });

  test('a list of turns: every turn must be clean', () => {
    const turns = [...loadSession(), loadTurn('error')];
    expect(turns).not.toHaveNoErrors();
    expect(turns).toHaveNoErrors({ turn: 0 });
    expect(failureOf(() => expect(turns).toHaveNoErrors())).toContain('── turn 3 ──');
  });

  test('ignore: errors matching an entry do not count', () => {
    const failed = loadTurn('tool-error');
    expect(failed).toHaveNoErrors({ ignore: [{ source: 'tool' }] });
    expect(failed).toHaveNoErrors({ ignore: [{ tool: 'lookup_weather', message: /unknown city/i }] });
    expect(failed).toHaveNoErrors({ ignore: ['Unknown city'] });
    expect(failed).not.toHaveNoErrors({ ignore: [{ source: 'tool', tool: 'book_trip' }] });
    const errors = loadTurn('error');
    expect(errors).toHaveNoErrors({ ignore: [/503 - upstream overloaded/, { source: 'response' }] });
    expect(errors).toHaveNoErrors({ ignore: [expect.stringContaining('overloaded'), { source: 'response', message: 'after 2 attempts' }] });
    expect(failureOf(() => expect(errors).toHaveNoErrors({ ignore: [{ source: 'event' }] }))).toContain(
      'Expected: no errors (2 errors ignored)\nReceived: 1 error:\n  [response] failed to generate LLM completion after 2 attempts\n',
    );
  });

  test('ignore: a malformed entry throws instead of ignoring nothing', () => {
    const turn = loadTurn('error');
    expect(() => expect(turn).toHaveNoErrors({ ignore: /x/ as never })).toThrow('`ignore` must be an array');
    expect(() => expect(turn).toHaveNoErrors({ ignore: [{ source: 'network' as never }] })).toThrow(
      '`source` must be one of event, response, llm, tool',
    );
    expect(() => expect(turn).toHaveNoErrors({ ignore: [{ mesage: 'x' } as never] })).toThrow('`mesage` is not a filter field');
    expect(() => expect(turn).toHaveNoErrors({ ignore: [42 as never] })).toThrow(
      'entries must be a string, a RegExp or { source?, message?, tool? }',
    );
  });
});
