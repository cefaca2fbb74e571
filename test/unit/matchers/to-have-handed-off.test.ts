import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf } from './helpers.js';

describe('toHaveHandedOff', () => {
  test('passes when the turn handed off to any agent', () => {
    expect(loadTurn('handoff')).toHaveHandedOff();
    expect(loadTurn('tool-calls')).not.toHaveHandedOff();
  });

  test('fails without a handoff', () => {
    const message = failureOf(() => expect(loadTurn('reply')).toHaveHandedOff());
    expect(message).toBe(
      [
        'expect(turn).toHaveHandedOff()',
        '',
        'Expected: a handoff to another agent',
        'Received: no handoff',
        '',
        'Transcript:',
        '  user    Hello!',
        '  agent   Hi! I can tell you the weather or book you a table. What would you like?',
        '  time    697 ms · first token 318 ms',
      ].join('\n'),
    );
  });

  test('.not fails with the handoff', () => {
    expect(failureOf(() => expect(loadTurn('handoff')).not.toHaveHandedOff())).toContain(
      'expect(turn).not.toHaveHandedOff()\n\nExpected: no handoff\nReceived: 1 handoff:\n  weather_agent → booking_agent\n',
    );
  });

  test('a list of turns, and the turn option', () => {
    expect(loadSession()).toHaveHandedOff();
    expect(loadSession()).not.toHaveHandedOff({ turn: 0 });
    expect(failureOf(() => expect(loadSession()).toHaveHandedOff({ turn: 1 }))).toContain('expect(turns).toHaveHandedOff(options)');
  });
});
