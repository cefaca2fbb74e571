import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf, TOOL_CALLS_TRANSCRIPT } from './helpers.js';

const turn = loadTurn('tool-calls');

const paris = { type: 'function_call', name: 'lookup_weather', args: { city: 'Paris' } } as const;
const london = { type: 'function_call', name: 'lookup_weather', args: { city: 'London' } } as const;
const sunny = { type: 'function_call_output', output: 'sunny, 21°C' } as const;
const rain = { type: 'function_call_output', output: expect.stringContaining('rain') } as const;
const reply = { type: 'message', role: 'assistant', text: /sunny/ } as const;

describe('toMatchTrajectory', () => {
  test('strict (the default): the same items in the same order', () => {
    expect(turn).toMatchTrajectory([paris, london, sunny, rain, reply]);
    expect(turn).toMatchTrajectory([paris, london, sunny, rain, reply], { mode: 'strict' });
    expect(turn).toMatchTrajectory(['function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
    expect(turn).not.toMatchTrajectory([london, paris, sunny, rain, reply]);
    expect(turn).not.toMatchTrajectory([paris, london, sunny, rain]);
    expect(turn).not.toMatchTrajectory([paris, london, sunny, rain, reply, 'message']);
  });

  test('strict failure says where it diverged and lists steps and items', () => {
    expect(failureOf(() => expect(turn).toMatchTrajectory([paris, { ...london, args: { city: 'Berlin' } }, sunny, rain, reply]))).toBe(
      [
        'expect(turn).toMatchTrajectory(steps)',
        '',
        'Expected: items matching 5 steps (strict mode)',
        'Received: step 1 (function_call {"name": "lookup_weather", "args": {"city": "Berlin"}}) does not match item 1 (function_call lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}}))',
        '',
        '  Steps:',
        '   0  function_call {"name": "lookup_weather", "args": {"city": "Paris"}}',
        '   1  function_call {"name": "lookup_weather", "args": {"city": "Berlin"}}',
        '   2  function_call_output {"output": "sunny, 21°C"}',
        '   3  function_call_output {"output": StringContaining "rain"}',
        '   4  message {"role": "assistant", "text": /sunny/}',
        '  Items (5):',
        '   0  function_call lookup_weather({"city": "Paris"})',
        '   1  function_call lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}})',
        '   2  function_call_output lookup_weather ✓ "sunny, 21°C"',
        '   3  function_call_output lookup_weather ✓ "light rain, 14°C"',
        `   4  message (assistant) "It's sunny and 21°C in Paris, while London has light rain at 14°C."`,
        '',
        ...TOOL_CALLS_TRANSCRIPT,
      ].join('\n'),
    );
    expect(failureOf(() => expect(turn).toMatchTrajectory([paris, london, sunny, rain]))).toContain(
      'Received: item 4 (message (assistant) "It\'s sunny and 21°C in Paris, while London has light rain at 14°C.") is not expected: 4 steps, 5 items',
    );
    expect(failureOf(() => expect(turn).toMatchTrajectory([paris, london, sunny, rain, reply, 'message']))).toContain(
      'Received: step 5 (message (any)) has no item: the turn has 5 items',
    );
  });

  test('ordered: the steps in order, other items between them', () => {
    expect(turn).toMatchTrajectory([paris, rain, reply], { mode: 'ordered' });
    expect(turn).toMatchTrajectory([london, 'message'], { mode: 'ordered' });
    expect(turn).not.toMatchTrajectory([rain, paris], { mode: 'ordered' });
    expect(failureOf(() => expect(turn).toMatchTrajectory([rain, paris], { mode: 'ordered' }))).toContain(
      'Received: step 1 (function_call {"name": "lookup_weather", "args": {"city": "Paris"}}) is not found after item 3',
    );
  });

  test('unordered: the same items in any order', () => {
    expect(turn).toMatchTrajectory([reply, rain, sunny, london, paris], { mode: 'unordered' });
    expect(turn).not.toMatchTrajectory([reply, rain, sunny, london], { mode: 'unordered' });
    // Each item answers for one step: two Paris steps cannot share the one Paris call.
    expect(turn).not.toMatchTrajectory([reply, rain, sunny, paris, paris], { mode: 'unordered' });
    const message = failureOf(() => expect(turn).toMatchTrajectory([reply, rain, sunny, paris, paris], { mode: 'unordered' }));
    expect(message).toContain(
      'Received: step 4 (function_call {"name": "lookup_weather", "args": {"city": "Paris"}}) matches no item; item 1 (function_call lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}})) matches no step',
    );
  });

  test('unordered finds a one-to-one assignment when a greedy one would fail', () => {
    // The first step fits both calls; only assigning it to London leaves Paris for the second.
    expect(turn).toMatchTrajectory(
      [{ type: 'function_call', name: 'lookup_weather' }, paris, 'function_call_output', 'function_call_output', 'message'],
      {
        mode: 'unordered',
      },
    );
  });

  test('superset: every step appears, extra items allowed', () => {
    expect(turn).toMatchTrajectory([reply, london], { mode: 'superset' });
    expect(turn).not.toMatchTrajectory([reply, { type: 'agent_handoff' }], { mode: 'superset' });
    expect(
      failureOf(() => expect(turn).toMatchTrajectory([{ type: 'agent_handoff', to: 'booking_agent' }], { mode: 'superset' })),
    ).toContain('Received: step 0 (agent_handoff {"to": "booking_agent"}) matches no item');
  });

  test('subset: every item matches a step, steps may be missing', () => {
    expect(turn).toMatchTrajectory([paris, london, sunny, rain, reply, { type: 'agent_handoff' }], { mode: 'subset' });
    expect(turn).not.toMatchTrajectory([paris, london, sunny, rain], { mode: 'subset' });
    expect(failureOf(() => expect(turn).toMatchTrajectory([paris, london, sunny, rain], { mode: 'subset' }))).toContain(
      'Received: item 4 (message (assistant) "It\'s sunny and 21°C in Paris, while London has light rain at 14°C.") matches no step',
    );
  });

  test('patterns for every item type', () => {
    expect(loadTurn('handoff')).toMatchTrajectory([
      { type: 'function_call', name: 'transfer_to_booking', args: { party_size: expect.any(Number) }, callId: /^call_/ },
      { type: 'function_call_output', name: 'transfer_to_booking', isError: false, output: expect.stringContaining('booking desk') },
      { type: 'message', role: 'assistant', text: expect.stringMatching(/^Hello, this is the booking desk/), interrupted: false },
      { type: 'agent_handoff', from: 'weather_agent', to: 'booking_agent' },
    ]);
    expect(loadTurn('tool-error')).toMatchTrajectory([{ type: 'function_call_output', isError: true, output: 'Unknown city: Atlantis' }], {
      mode: 'superset',
    });
    expect(loadTurn('error')).toMatchTrajectory([]);
  });

  test('.not fails when the items match', () => {
    expect(failureOf(() => expect(turn).not.toMatchTrajectory([reply], { mode: 'superset' }))).toContain(
      'expect(turn).not.toMatchTrajectory(steps, options)\n\nExpected: items not matching 1 step (superset mode)\nReceived: every step is matched',
    );
  });

  test('a list of turns: their items in order', () => {
    const turns = loadSession();
    expect(turns).toMatchTrajectory([
      'message',
      'function_call',
      'function_call',
      'function_call_output',
      'function_call_output',
      'message',
      'function_call',
      'function_call_output',
      'message',
      'agent_handoff',
    ]);
    expect(turns).toMatchTrajectory([london, { type: 'agent_handoff', to: 'booking_agent' }], { mode: 'ordered' });
    expect(turns).toMatchTrajectory([{ type: 'message', text: /^Hi!/ }], { turn: 0 });
  });

  test('rejects malformed steps and modes', () => {
    expect(() => expect(turn).toMatchTrajectory([{ type: 'function_call', arguments: '{}' } as never])).toThrow(
      'step 0: `arguments` is not a function_call field; use name, args, callId, id',
    );
    expect(() => expect(turn).toMatchTrajectory(['tool_call' as never])).toThrow(
      'step 0 must be an item type (message, function_call, function_call_output, agent_handoff, agent_config_update)',
    );
    expect(() => expect(turn).toMatchTrajectory([{ name: 'lookup_weather' } as never])).toThrow('step 0 needs a `type`');
    expect(() => expect(turn).toMatchTrajectory([], { mode: 'loose' as never })).toThrow(
      '`mode` must be one of strict, ordered, unordered, subset, superset',
    );
    expect(() => expect(turn).toMatchTrajectory('message' as never)).toThrow('the expected trajectory must be an array of steps');
  });
});
