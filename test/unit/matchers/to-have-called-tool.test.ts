import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf, TOOL_CALLS_TRANSCRIPT } from './helpers.js';

const turn = loadTurn('tool-calls');

describe('toHaveCalledTool', () => {
  test('passes for a tool the turn called, with or without arguments', () => {
    expect(turn).toHaveCalledTool('lookup_weather');
    expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
    expect(turn).toHaveCalledTool('lookup_weather', { city: 'London', forecast: { days: 3 } });
  });

  test('without a name, passes for any tool call', () => {
    expect(turn).toHaveCalledTool();
    expect(loadTurn('reply')).not.toHaveCalledTool();
  });

  test('fails for arguments that do not match, listing the calls and the transcript', () => {
    expect(failureOf(() => expect(turn).toHaveCalledTool('lookup_weather', { city: 'Berlin' }))).toBe(
      [
        'expect(turn).toHaveCalledTool(name, args)',
        '',
        'Expected: a call to "lookup_weather" with arguments matching {"city": "Berlin"}',
        'Received: 2 tool calls, none matching:',
        '  lookup_weather({"city": "Paris"})',
        '  lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}})',
        '',
        ...TOOL_CALLS_TRANSCRIPT,
      ].join('\n'),
    );
  });

  test('fails for a tool the turn did not call', () => {
    const message = failureOf(() => expect(turn).toHaveCalledTool('get_time'));
    expect(message).toContain('Expected: a call to "get_time"\nReceived: 2 tool calls, none matching:');
    expect(failureOf(() => expect(loadTurn('reply')).toHaveCalledTool('get_time'))).toContain('Received: no tool calls');
  });

  test('.not fails when a call matches, naming it', () => {
    expect(turn).not.toHaveCalledTool('lookup_weather', { city: 'Berlin' });
    expect(turn).not.toHaveCalledTool('get_time');
    const message = failureOf(() => expect(turn).not.toHaveCalledTool('lookup_weather', { city: 'Paris' }));
    expect(message).toContain('expect(turn).not.toHaveCalledTool(name, args)');
    expect(message).toContain('Expected: no calls to "lookup_weather" with arguments matching {"city": "Paris"}');
    expect(message).toContain('Received: 1 matching call:\n  lookup_weather({"city": "Paris"})\n');
  });

  test('matches arguments partially at any depth', () => {
    expect(turn).toHaveCalledTool('lookup_weather', { forecast: { units: 'metric' } });
    expect(turn).not.toHaveCalledTool('lookup_weather', { forecast: { units: 'imperial' } });
    // A key given as undefined must be absent.
    expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris', forecast: undefined });
    expect(turn).not.toHaveCalledTool('lookup_weather', { city: 'London', forecast: undefined });
  });

  test('accepts asymmetric matchers at any depth', () => {
    expect(turn).toHaveCalledTool('lookup_weather', { city: expect.stringMatching(/^Lon/) });
    expect(turn).toHaveCalledTool('lookup_weather', { forecast: { days: expect.any(Number) } });
    expect(turn).toHaveCalledTool('lookup_weather', { forecast: expect.objectContaining({ units: 'metric' }) });
    expect(turn).toHaveCalledTool('lookup_weather', expect.objectContaining({ city: 'Paris' }));
    expect(turn).toHaveCalledTool(expect.stringContaining('weather'), { city: expect.anything() });
    expect(turn).not.toHaveCalledTool('lookup_weather', { forecast: { days: expect.any(String) } });
    const message = failureOf(() => expect(turn).toHaveCalledTool('lookup_weather', { city: expect.stringMatching(/^Ber/) }));
    expect(message).toContain('Expected: a call to "lookup_weather" with arguments matching {"city": StringMatching /^Ber/}');
  });

  test('a RegExp matches string arguments and names', () => {
    expect(turn).toHaveCalledTool(/weather$/, { city: /^par/i });
    expect(turn).not.toHaveCalledTool('lookup_weather', { city: /^Ber/ });
  });

  test('times counts matching calls exactly', () => {
    expect(turn).toHaveCalledTool('lookup_weather', undefined, { times: 2 });
    expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' }, { times: 1 });
    expect(turn).toHaveCalledTool('get_time', undefined, { times: 0 });
    expect(turn).not.toHaveCalledTool('lookup_weather', undefined, { times: 1 });
    const message = failureOf(() => expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' }, { times: 2 }));
    expect(message).toContain('Expected: exactly 2 calls to "lookup_weather" with arguments matching {"city": "Paris"}');
    expect(message).toContain('Received: 1 matching call of 2 tool calls:\n  lookup_weather({"city": "Paris"}) ← matches\n');
    const not = failureOf(() => expect(turn).not.toHaveCalledTool('lookup_weather', undefined, { times: 2 }));
    expect(not).toContain('Expected: not exactly 2 calls to "lookup_weather"');
  });

  test('a list of turns: calls in any turn count, and times adds them up', () => {
    const turns = loadSession();
    expect(turns).toHaveCalledTool('lookup_weather', { city: 'London' });
    expect(turns).toHaveCalledTool('transfer_to_booking', { party_size: 2 });
    expect(turns).toHaveCalledTool(undefined, undefined, { times: 3 });
    const message = failureOf(() => expect(turns).toHaveCalledTool('get_time'));
    expect(message).toContain('expect(turns).toHaveCalledTool(name)');
    expect(message).toContain('Received: 3 tool calls, none matching:');
    expect(message).toContain('── turn 0 ──');
    expect(message).toContain('── turn 2 ──');
  });

  test('the turn option picks one turn of a list, negative from the end', () => {
    const turns = loadSession();
    expect(turns).toHaveCalledTool('lookup_weather', undefined, { turn: 1 });
    expect(turns).not.toHaveCalledTool('lookup_weather', undefined, { turn: -1 });
    expect(turns).toHaveCalledTool('transfer_to_booking', undefined, { turn: -1 });
    const message = failureOf(() => expect(turns).toHaveCalledTool('lookup_weather', undefined, { turn: 2 }));
    expect(message).not.toContain('── turn');
    expect(message).toContain('user    Great, can you book me a table for two tonight?');
    expect(() => expect(turns).toHaveCalledTool('lookup_weather', undefined, { turn: 5 })).toThrow(
      'the `turn` option is 5, but 3 turns were received',
    );
  });

  test('rejects a received value that is not a turn, even with .not', () => {
    expect(() => expect(42).toHaveCalledTool('lookup_weather')).toThrow(
      'expected a turn record returned by say(), or a list of them, received 42',
    );
    expect(() => expect({ reply: 'hi' }).not.toHaveCalledTool('x')).toThrow('expected a turn record returned by say()');
    expect(() => expect([turn, undefined]).toHaveCalledTool('x')).toThrow('received [{"input": ');
    expect(() => expect(Promise.resolve(turn)).toHaveCalledTool('x')).toThrow('did you forget to `await` say()?');
  });

  test('rejects bad arguments', () => {
    expect(() => expect(turn).toHaveCalledTool(42 as never)).toThrow(
      'the tool name must be a string, a RegExp or an asymmetric matcher, received 42',
    );
    expect(() => expect(turn).toHaveCalledTool('x', undefined, { times: -1 })).toThrow('`times` must be a non-negative integer');
  });
});

describe('custom equality testers', () => {
  test('apply to the leaves of argument patterns', () => {
    const turn = loadTurn('tool-calls');
    const caseInsensitive = (a: unknown, b: unknown): boolean | undefined =>
      typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : undefined;
    expect.addEqualityTesters([caseInsensitive]);
    expect(turn).toHaveCalledTool('LOOKUP_WEATHER', { city: 'paris' });
  });
});
