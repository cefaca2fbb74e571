import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf } from './helpers.js';

const turn = loadTurn('handoff');

describe('toHaveHandedOffTo', () => {
  test('passes for the agent handed off to, optionally from', () => {
    expect(turn).toHaveHandedOffTo('booking_agent');
    expect(turn).toHaveHandedOffTo('booking_agent', { from: 'weather_agent' });
    expect(turn).toHaveHandedOffTo(/booking/);
    expect(turn).toHaveHandedOffTo(expect.stringMatching(/_agent$/), { from: expect.any(String) });
    expect(turn).not.toHaveHandedOffTo('weather_agent');
    expect(turn).not.toHaveHandedOffTo('booking_agent', { from: 'greeter_agent' });
  });

  test('fails with the handoffs there were', () => {
    expect(failureOf(() => expect(turn).toHaveHandedOffTo('billing_agent'))).toBe(
      [
        'expect(turn).toHaveHandedOffTo(agent)',
        '',
        'Expected: a handoff to "billing_agent"',
        'Received: 1 handoff:',
        '  weather_agent → booking_agent',
        '',
        'Transcript:',
        '  user    Great, can you book me a table for two tonight?',
        '  tool    ✓ transfer_to_booking({"party_size": 2, "when": "tonight"}) → "Transferring you to the booking desk."',
        '  agent   Hello, this is the booking desk. A table for two tonight: what time would suit you?',
        '  handoff weather_agent → booking_agent',
        '  time    1.67 s · first token 455 ms',
      ].join('\n'),
    );
    expect(failureOf(() => expect(loadTurn('reply')).toHaveHandedOffTo('booking_agent'))).toContain(
      'Expected: a handoff to "booking_agent"\nReceived: no handoff\n',
    );
    expect(failureOf(() => expect(turn).toHaveHandedOffTo('booking_agent', { from: 'greeter_agent' }))).toContain(
      'Expected: a handoff to "booking_agent" from "greeter_agent"',
    );
  });

  test('.not fails with the matching handoff', () => {
    expect(failureOf(() => expect(turn).not.toHaveHandedOffTo('booking_agent'))).toContain(
      'expect(turn).not.toHaveHandedOffTo(agent)\n\nExpected: no handoff to "booking_agent"\nReceived: 1 matching handoff:\n  weather_agent → booking_agent\n',
    );
  });

  test('a list of turns, and the turn option', () => {
    const turns = loadSession();
    expect(turns).toHaveHandedOffTo('booking_agent');
    expect(turns).not.toHaveHandedOffTo('booking_agent', { turn: 1 });
  });

  test('rejects a missing agent id', () => {
    expect(() => expect(turn).toHaveHandedOffTo(undefined as never)).toThrow(
      'the agent id must be a string, a RegExp or an asymmetric matcher, received undefined',
    );
  });

  test('agents of one class: told apart by their instructions', () => {
    const desks = loadTurn('handoff');
    desks.handoffs = [{ from: 'base_agent', to: 'base_agent', instructions: 'You are the sales desk. Quote fares.' }];
    expect(desks).toHaveHandedOffTo({ instructions: /sales desk/ });
    expect(desks).toHaveHandedOffTo({ id: 'base_agent', instructions: 'the sales desk' }, { from: 'base_agent' });
    expect(desks).not.toHaveHandedOffTo({ instructions: 'support desk' });
    expect(desks).not.toHaveHandedOffTo({ id: 'sales_agent', instructions: /sales/ });
    // Without known instructions only the id can match.
    expect(turn).not.toHaveHandedOffTo({ instructions: /.*/ });
    expect(failureOf(() => expect(desks).toHaveHandedOffTo({ instructions: /support/ }))).toContain(
      'Expected: a handoff to {"instructions": /support/}\nReceived: 1 handoff:\n  base_agent → base_agent (instructions: "You are the sales desk. Quote fares.")\n',
    );
    expect(() => expect(desks).toHaveHandedOffTo({ name: 'x' } as never)).toThrow('the agent may give `id` and `instructions`, not `name`');
    expect(() => expect(desks).toHaveHandedOffTo({})).toThrow('the agent needs an `id` or `instructions`');
    expect(() => expect(desks).toHaveHandedOffTo({ instructions: 42 } as never)).toThrow(
      '`instructions` must be a string, a RegExp or an asymmetric matcher',
    );
  });
});
