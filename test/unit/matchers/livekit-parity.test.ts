// Every assertion of LiveKit's testing vocabulary (Python `RunResult.expect`, Node
// `voice.testing`), expressed with our matchers and cursor on recorded turns. Each test is named
// after the LiveKit call it mirrors (Python spelling, then Node's).
import { describe, expect, test } from 'vitest';
import { expectTurn, TurnAssertionError } from '../../../src/matchers/index.js';
import 'agent-session-test/vitest';
import { loadTurn } from '../../fixtures/turns/load.js';

const weather = loadTurn('tool-calls'); // call, call, output, output, message
const handoff = loadTurn('handoff'); // call, output, message, agent_handoff (the order both SDKs send)
const toolError = loadTurn('tool-error'); // call, output (error), message

describe('RunAssert: walking the events', () => {
  test('next_event() / nextEvent()', () => {
    const cursor = expectTurn(weather).next();
    expect(cursor.current).toMatchObject({ type: 'function_call', name: 'lookup_weather' });
    expect(() => expectTurn(loadTurn('error')).next()).toThrow(TurnAssertionError);
  });

  test('next_event(type=...) / nextEvent({ type })', () => {
    // Passes over events of other types, like LiveKit.
    expectTurn(weather).seek('function_call_output').seek('message');
    expectTurn(handoff).seek('agent_handoff');
    expect(() => expectTurn(weather).seek('agent_handoff')).toThrow('no agent_handoff after the cursor');
  });

  test('[i] / at(i)', () => {
    expectTurn(weather).at(0).is('function_call');
    expectTurn(weather).at(-1).is('message');
    expect(() => expectTurn(weather).at(9)).toThrow('the turn has 5 items');
  });

  test('[a:b] / range(a, b)', () => {
    expect(
      expectTurn(weather)
        .range(1, 3)
        .items.map((i) => i.type),
    ).toEqual(['function_call', 'function_call_output']);
    expect(
      expectTurn(weather)
        .range(-2)
        .items.map((i) => i.type),
    ).toEqual(['function_call_output', 'message']);
  });

  test('skip_next(count) / skipNext(count)', () => {
    expectTurn(weather).skip().skip(3).next('message');
    expect(() => expectTurn(weather).skip(6)).toThrow('only 5 items left');
  });

  test('skip_next_event_if(type="message", role=...) / skipNextEventIf({ type: "message", role })', () => {
    expectTurn(weather).skip(4).skipIf('message', { role: 'assistant' }).noMore();
    expect(expectTurn(weather).skipIf('message', { role: 'assistant' }).position).toBe(0);
  });

  test('skip_next_event_if(type="function_call", name=..., arguments=...) / skipNextEventIf({ type: "function_call", name, args })', () => {
    const cursor = expectTurn(weather).skipIf('function_call', { name: 'lookup_weather', args: { city: 'Paris' } });
    expect(cursor.position).toBe(1);
    cursor.skipIf('function_call', { name: 'lookup_weather', args: { city: 'Paris' } });
    expect(cursor.position).toBe(1);
  });

  test('skip_next_event_if(type="function_call_output", output=..., is_error=...) / skipNextEventIf({ type: "function_call_output", output, isError })', () => {
    const cursor = expectTurn(toolError).skip().skipIf('function_call_output', { output: 'Unknown city: Atlantis', isError: false });
    expect(cursor.position).toBe(1);
    cursor.skipIf('function_call_output', { output: 'Unknown city: Atlantis', isError: true });
    expect(cursor.position).toBe(2);
  });

  test('skip_next_event_if(type="agent_handoff", new_agent_type=...) / skipNextEventIf({ type: "agent_handoff", newAgentType })', () => {
    expectTurn(handoff).skip(2).skipIf('message', { role: 'assistant' }).skipIf('agent_handoff', { to: 'booking_agent' }).noMore();
  });

  test('no_more_events() / noMoreEvents()', () => {
    expectTurn(weather).skip(5).noMore();
    expect(() => expectTurn(weather).skip(4).noMore()).toThrow('1 more item, starting with message (assistant)');
    // The whole sequence at once, nothing else allowed:
    expect(weather).toMatchTrajectory(['function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
  });
});

describe('RunAssert: searching the whole run', () => {
  test('contains_function_call(name=..., arguments=...) / containsFunctionCall({ name, args })', () => {
    expect(weather).toHaveCalledTool('lookup_weather', { city: 'London' });
    expect(weather).toHaveCalledTool(); // contains_function_call() with no filter
    expect(weather).not.toHaveCalledTool('transfer_to_booking');
    expectTurn(weather).contains('function_call', { name: 'lookup_weather', args: { city: 'London' } });
  });

  test('contains_message(role=...) / containsMessage({ role })', () => {
    expect(weather).toHaveReplied();
    expectTurn(weather).contains('message', { role: 'assistant' });
    expect(() => expectTurn(weather).contains('message', { role: 'user' })).toThrow(TurnAssertionError);
  });

  test('contains_function_call_output(output=..., is_error=...) / containsFunctionCallOutput({ output, isError })', () => {
    expect(weather).toHaveToolOutput(expect.anything(), '"sunny, 21°C"', { isError: false });
    expect(toolError).toHaveToolError(undefined, 'Unknown city: Atlantis');
    expectTurn(toolError).contains('function_call_output', { output: 'Unknown city: Atlantis', isError: true });
  });

  test('contains_agent_handoff(new_agent_type=...) / containsAgentHandoff({ newAgentType })', () => {
    expect(handoff).toHaveHandedOffTo('booking_agent');
    expect(handoff).toHaveHandedOff(); // contains_agent_handoff() with no filter
    expectTurn(handoff).contains('agent_handoff', { to: 'booking_agent' });
  });
});

describe('EventRangeAssert: searching a slice', () => {
  test('[a:b].contains_function_call(...) / range(a, b).containsFunctionCall(...)', () => {
    expectTurn(weather)
      .range(0, 2)
      .contains('function_call', { name: 'lookup_weather', args: { city: 'London' } });
    expect(() => expectTurn(weather).range(2).contains('function_call')).toThrow('none of its 3 items matches');
  });

  test('[a:b].contains_message(role=...) / range(a, b).containsMessage({ role })', () => {
    expectTurn(weather).range(-1).contains('message', { role: 'assistant' });
    expect(() => expectTurn(weather).range(0, 4).contains('message')).toThrow(TurnAssertionError);
  });

  test('[a:b].contains_function_call_output(...) / range(a, b).containsFunctionCallOutput(...)', () => {
    expectTurn(weather).range(2, 4).contains('function_call_output', { output: '"light rain, 14°C"', isError: false });
  });

  test('[a:b].contains_agent_handoff(...) / range(a, b).containsAgentHandoff(...)', () => {
    expectTurn(handoff).range(2, 4).contains('agent_handoff', { to: 'booking_agent' });
    expect(() => expectTurn(handoff).range(0, 3).contains('agent_handoff')).toThrow(TurnAssertionError);
  });
});

describe('EventAssert: checking one event', () => {
  test('is_function_call(name=..., arguments=...) / isFunctionCall({ name, args }): a partial match', () => {
    // Only the given keys are compared, like LiveKit: forecast is not mentioned.
    expectTurn(weather)
      .at(1)
      .is('function_call', { name: 'lookup_weather', args: { city: 'London' } });
    expectTurn(weather).next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } });
    expect(() => expectTurn(weather).next('function_call', { name: 'lookup_weather', args: { city: 'London' } })).toThrow(
      'Expected: item 0 to be function_call {"name": "lookup_weather", "args": {"city": "London"}}',
    );
  });

  test('is_function_call_output(output=..., is_error=...) / isFunctionCallOutput({ output, isError })', () => {
    // LiveKit compares the output string exactly; the string as sent still matches exactly here.
    expectTurn(weather).at(2).is('function_call_output', { output: '"sunny, 21°C"', isError: false });
    expectTurn(toolError).at(1).is('function_call_output', { output: 'Unknown city: Atlantis', isError: true });
    expect(() => expectTurn(toolError).at(1).is('function_call_output', { isError: false })).toThrow(TurnAssertionError);
  });

  test('is_message(role=...) / isMessage({ role })', () => {
    expectTurn(weather).at(-1).is('message', { role: 'assistant' });
    expect(() => expectTurn(weather).at(0).is('message', { role: 'assistant' })).toThrow('item 0 is function_call');
  });

  test('is_agent_handoff(new_agent_type=...) / isAgentHandoff({ newAgentType })', () => {
    // Over the wire there is no agent class, only its id (the class name in snake_case).
    expectTurn(handoff).at(3).is('agent_handoff', { to: 'booking_agent' });
    expect(() => expectTurn(handoff).at(3).is('agent_handoff', { to: 'weather_agent' })).toThrow(TurnAssertionError);
  });

  test('event() / event()', () => {
    const call = expectTurn(weather).at(0).is('function_call').item;
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(expectTurn(weather).next().current).toBe(weather.items[0]);
  });
});

describe('a full LiveKit-style test', () => {
  test('skip_next_event_if(...), next_event().is_function_call(...), next_event().is_message(...), no_more_events()', () => {
    expectTurn(handoff)
      .skipIf('message', { role: 'assistant' })
      .next('function_call', { name: 'transfer_to_booking', args: { party_size: 2 } })
      .next('function_call_output', { isError: false })
      .next('message', { role: 'assistant' })
      .next('agent_handoff', { from: 'weather_agent', to: 'booking_agent' })
      .noMore();
    // The same as one matcher:
    expect(handoff).toMatchTrajectory([
      { type: 'function_call', name: 'transfer_to_booking', args: { party_size: 2 } },
      { type: 'function_call_output', isError: false },
      { type: 'message', role: 'assistant' },
      { type: 'agent_handoff', from: 'weather_agent', to: 'booking_agent' },
    ]);
  });
});
