import { expect as jestExpect } from 'expect';
import { describe, expect, test } from 'vitest';
import { expectTurn, TurnAssertionError } from '../../../src/matchers/index.js';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf, TOOL_CALLS_TRANSCRIPT } from './helpers.js';

const turn = loadTurn('tool-calls');

describe('expectTurn', () => {
  test('next walks the items in order and noMore closes', () => {
    const cursor = expectTurn(turn)
      .next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } })
      .next('function_call', { args: { forecast: { days: 3 } } })
      .next('function_call_output', { output: 'sunny, 21°C', isError: false })
      .next({ type: 'function_call_output', output: /rain/ })
      .next('message', { role: 'assistant', text: expect.stringContaining('Paris') })
      .noMore();
    expect(cursor.position).toBe(5);
    expect(cursor.current).toMatchObject({ type: 'message', role: 'assistant' });
  });

  test('next without arguments accepts any item but fails at the end', () => {
    expectTurn(turn).next().next().next().next().next().noMore();
    expect(failureOf(() => expectTurn(loadTurn('error')).next())).toContain(
      'Expected: item 0 to be any item\nReceived: no more items (the turn has 0 items)',
    );
  });

  test('next fails for the wrong type or fields, with the items, cursor and transcript', () => {
    const message = failureOf(() =>
      expectTurn(turn)
        .next('function_call')
        .next('function_call', { args: { city: 'Berlin' } }),
    );
    expect(message).toBe(
      [
        'expectTurn(turn)…next("function_call", {"args": {"city": "Berlin"}})',
        '',
        'Expected: item 1 to be function_call {"args": {"city": "Berlin"}}',
        'Received: item 1 is function_call lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}})',
        '',
        '  Items (5, cursor at 1):',
        '     0  function_call lookup_weather({"city": "Paris"})',
        '  →  1  function_call lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}})',
        '     2  function_call_output lookup_weather ✓ "sunny, 21°C"',
        '     3  function_call_output lookup_weather ✓ "light rain, 14°C"',
        `     4  message (assistant) "It's sunny and 21°C in Paris, while London has light rain at 14°C."`,
        '',
        ...TOOL_CALLS_TRANSCRIPT,
      ].join('\n'),
    );
    expect(failureOf(() => expectTurn(turn).next('message'))).toContain(
      'Expected: item 0 to be message (any)\nReceived: item 0 is function_call lookup_weather',
    );
  });

  test('failures are AssertionErrors pointing at the test', () => {
    try {
      expectTurn(turn).next('message');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TurnAssertionError);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('AssertionError');
      expect((error as TurnAssertionError).items).toContain('→  0  function_call lookup_weather');
      const firstFrame = (error as Error).stack?.split('\n').find((l) => l.trim().startsWith('at '));
      expect(firstFrame).toContain('cursor.test.ts');
    }
  });

  test('seek passes over items of other types, then checks', () => {
    expectTurn(turn).seek('message', { text: /sunny/ }).noMore();
    expectTurn(turn).seek('function_call_output').next('function_call_output', { output: 'light rain, 14°C' });
    // Like LiveKit's next_event(type): the first item of the type must match.
    expect(failureOf(() => expectTurn(turn).seek('function_call', { args: { city: 'London' } }))).toContain(
      'Expected: item 0 to be function_call {"args": {"city": "London"}}',
    );
    expect(failureOf(() => expectTurn(turn).seek('agent_handoff'))).toContain(
      'Expected: an item of type agent_handoff at or after item 0\nReceived: no agent_handoff after the cursor',
    );
  });

  test('skip moves past items and fails when too few are left', () => {
    expectTurn(turn).skip().skip(3).next('message').noMore();
    expect(failureOf(() => expectTurn(turn).skip(4).skip(2))).toContain('Expected: 2 items to skip\nReceived: only 1 item left');
    expect(() => expectTurn(turn).skip(-1)).toThrow('count must be a non-negative integer');
  });

  test('skipIf moves past the next item only when it matches', () => {
    const cursor = expectTurn(turn).skipIf('message');
    expect(cursor.position).toBe(0);
    cursor.skipIf('function_call', { args: { city: 'Paris' } }).skipIf('function_call', { args: { city: 'Paris' } });
    expect(cursor.position).toBe(1);
    cursor.skipIf({ type: 'function_call' }).skip(2).skipIf('message', { role: 'assistant' }).noMore();
    expectTurn(loadTurn('error')).skipIf('message').noMore();
  });

  test('noMore fails with what is left', () => {
    expect(failureOf(() => expectTurn(turn).skip(3).noMore())).toContain(
      'expectTurn(turn)…noMore()\n\nExpected: no more items\nReceived: 2 more items, starting with function_call_output lookup_weather ✓ "light rain, 14°C"',
    );
  });

  test('at checks one item, negative from the end, without moving', () => {
    const cursor = expectTurn(turn);
    cursor.at(0).is('function_call', { name: 'lookup_weather' });
    cursor.at(-1).is('message', { role: 'assistant' });
    const check = cursor.at(2).is('function_call_output', { output: 'sunny, 21°C' });
    expect(check.item.output).toBe('sunny, 21°C');
    expect(check.index).toBe(2);
    expect(cursor.position).toBe(0);
    expect(failureOf(() => cursor.at(-1).is('function_call'))).toContain(
      'expectTurn(turn)…at(4).is("function_call")\n\nExpected: item 4 to be function_call (any)\nReceived: item 4 is message (assistant)',
    );
    expect(failureOf(() => cursor.at(5))).toContain('Expected: an item at index 5\nReceived: the turn has 5 items');
  });

  test('range checks a slice like Array.slice', () => {
    const cursor = expectTurn(turn);
    cursor.range(0, 2).contains('function_call', { args: { city: 'London' } });
    cursor.range(-3).contains('message');
    cursor.range(2, 4).contains({ type: 'function_call_output', output: /rain/ });
    expect(cursor.range(1, -1).items).toHaveLength(3);
    expect(failureOf(() => cursor.range(0, 2).contains('message'))).toContain(
      'expectTurn(turn)…range(0, 2).contains("message")\n\nExpected: an item in 0..1 to be message (any)\nReceived: none of its 2 items matches',
    );
    expect(failureOf(() => cursor.range(3, 3).contains('message'))).toContain('Received: the range is empty');
  });

  test('contains looks at every item without moving', () => {
    const cursor = expectTurn(loadTurn('handoff'))
      .contains('agent_handoff', { to: 'booking_agent' })
      .contains('function_call_output', { isError: false });
    expect(cursor.position).toBe(0);
    expect(failureOf(() => cursor.contains('agent_handoff', { to: 'billing_agent' }))).toContain(
      'Expected: an item to be agent_handoff {"to": "billing_agent"}\nReceived: none of the 4 items matches',
    );
  });

  test('a list of turns: all their items, each turn in the transcript', () => {
    const cursor = expectTurn(loadSession())
      .next('message', { text: /^Hi!/ })
      .skip(7)
      .next('message', { text: /booking desk/ })
      .next('agent_handoff', { from: 'weather_agent' })
      .noMore();
    expect(cursor.items).toHaveLength(10);
    expect(failureOf(() => expectTurn(loadSession()).next('function_call'))).toContain('── turn 1 ──');
  });

  test("works with Jest's asymmetric matchers too", () => {
    expectTurn(turn)
      .next('function_call', { args: { city: jestExpect.stringMatching(/^Par/) } })
      .next('function_call', { args: jestExpect.objectContaining({ forecast: { days: jestExpect.any(Number), units: 'metric' } }) })
      .contains('message', { text: jestExpect.stringContaining('London') });
    expect(failureOf(() => expectTurn(turn).next('function_call', { args: { city: jestExpect.stringMatching(/^Ber/) } }))).toContain(
      'Expected: item 0 to be function_call {"args": {"city": StringMatching /^Ber/}}',
    );
  });

  test('a custom equals is used for leaves', () => {
    const caseInsensitive = (a: unknown, b: unknown) =>
      typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : Object.is(a, b);
    expectTurn(turn, { equals: caseInsensitive }).next('function_call', { args: { city: 'PARIS' } });
  });

  test('rejects what is not a turn, and malformed patterns', () => {
    expect(() => expectTurn(undefined as never)).toThrow(
      'expectTurn(turn): expected a turn record returned by say(), or a list of them, received undefined',
    );
    expect(() => expectTurn(turn).next('function_call', { arguments: '{}' } as never)).toThrow('`arguments` is not a function_call field');
    expect(() => expectTurn(turn).next('tool' as never)).toThrow('must be an item type');
  });
});
