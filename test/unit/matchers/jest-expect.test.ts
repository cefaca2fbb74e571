// The same matchers under Jest's assertion engine (the `expect` package Jest is built on), to
// show they rely only on what both runners give a matcher: `this.isNot` and `this.equals`.
import { expect as jestExpect } from 'expect';
import { describe, expect, test } from 'vitest';
import { matchers } from '../../../src/matchers/index.js';
import 'agent-session-test/vitest';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf } from './helpers.js';

jestExpect.extend(matchers);

const turn = loadTurn('tool-calls');

describe("under Jest's expect", () => {
  test('every matcher passes and fails, with .not', () => {
    jestExpect(turn).toHaveCalledTool('lookup_weather', { city: jestExpect.stringMatching(/^Par/), forecast: undefined });
    jestExpect(turn).toHaveCalledTool(
      'lookup_weather',
      { forecast: jestExpect.objectContaining({ days: jestExpect.any(Number) }) },
      { times: 1 },
    );
    jestExpect(turn).not.toHaveCalledTool('get_time');
    jestExpect(turn).toHaveToolOutput('lookup_weather', jestExpect.stringContaining('rain'));
    jestExpect(loadTurn('tool-error')).toHaveToolError('lookup_weather', /Atlantis/);
    jestExpect(turn).toHaveReplied(/sunny/);
    jestExpect(loadTurn('handoff')).toHaveHandedOffTo('booking_agent');
    jestExpect(loadTurn('handoff')).toHaveHandedOff();
    jestExpect(loadSession()).toHaveNoErrors();
    jestExpect(loadTurn('error')).not.toHaveNoErrors();
    jestExpect(turn).toMatchTrajectory(['function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
  });

  test('failure messages are the same as under Vitest', () => {
    const jest = failureOf(() => jestExpect(turn).toHaveCalledTool('lookup_weather', { city: 'Berlin' }));
    const vitest = failureOf(() => expect(turn).toHaveCalledTool('lookup_weather', { city: 'Berlin' }));
    expect(jest).toBe(vitest);
    expect(jest).toContain('Expected: a call to "lookup_weather" with arguments matching {"city": "Berlin"}');
    expect(failureOf(() => jestExpect(turn).not.toHaveReplied('Paris'))).toContain('expect(turn).not.toHaveReplied(expected)');
  });

  test('a received value that is not a turn is an error, also with .not', () => {
    expect(() => jestExpect(null).not.toHaveHandedOff()).toThrow(
      'expected a turn record returned by say(), or a list of them, received null',
    );
  });
});
