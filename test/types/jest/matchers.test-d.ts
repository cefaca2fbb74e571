// Jest's view of the matcher types. This file is also part of the repository-wide program (and
// Vitest's type check), so it only uses what compiles there too: the `expect` of @jest/globals
// and the `jest.Matchers` interface that @types/jest's global `expect(x)` returns.
import { describe, expect, test } from '@jest/globals';
import { expectTypeOf } from 'expect-type';
import '../../../src/jest/index.js';
import type { TurnRecord } from '../../../src/turn/types.js';
import type { WeatherTools } from '../../fixtures/turns/load.js';

declare const typed: TurnRecord<WeatherTools>;
declare const untyped: TurnRecord;
declare const turns: readonly TurnRecord<WeatherTools>[];

describe('@jest/globals expect', () => {
  test('has every matcher, with .not, returning void', () => {
    expectTypeOf(expect(typed).toHaveCalledTool('lookup_weather')).toBeVoid();
    expectTypeOf(expect(typed).not.toHaveCalledTool('lookup_weather')).toBeVoid();
    expectTypeOf(expect(typed).toHaveToolOutput).toBeFunction();
    expectTypeOf(expect(typed).toHaveToolError).toBeFunction();
    expectTypeOf(expect(typed).toHaveReplied).toBeFunction();
    expectTypeOf(expect(typed).toHaveHandedOffTo).toBeFunction();
    expectTypeOf(expect(typed).toHaveHandedOff).toBeFunction();
    expectTypeOf(expect(typed).toHaveNoErrors).toBeFunction();
    expectTypeOf(expect(typed).toMatchTrajectory).toBeFunction();
    expectTypeOf(expect(typed).toPassJudge({ criteria: ['answers'] })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(expect(typed).toMatchConversationSnapshot()).toBeVoid();
  });

  test('checks tool names and arguments of typed turns', () => {
    expect(typed).toHaveCalledTool('lookup_weather', { city: 'Paris' });
    expect(typed).toHaveCalledTool('lookup_weather', {
      city: expect.stringMatching(/^Par/),
      forecast: expect.objectContaining({ days: 3 }),
    });
    expect(turns).toHaveCalledTool('transfer_to_booking', { party_size: expect.any(Number) }, { turn: -1 });
    // @ts-expect-error: not a tool of this agent
    expect(typed).toHaveCalledTool('get_time');
    // @ts-expect-error: city is a string
    expect(typed).toHaveCalledTool('lookup_weather', { city: 42 });
    // @ts-expect-error: no such argument
    expect(typed).toHaveCalledTool('lookup_weather', { town: 'Paris' });
    // @ts-expect-error: not an item type
    expect(typed).toMatchTrajectory(['tool_call']);
    expect(typed).toMatchTrajectory([{ type: 'function_call', name: 'lookup_weather', args: { city: 'Paris' } }], { mode: 'superset' });
  });

  test('leaves untyped turns free-form', () => {
    expect(untyped).toHaveCalledTool('anything', { nested: { value: expect.anything() } });
    expect(untyped).toHaveReplied(expect.stringContaining('hi'));
    // @ts-expect-error: a reply is text
    expect(untyped).toHaveReplied(42);
  });
});

describe('jest.Matchers (the global expect of @types/jest)', () => {
  test('has every matcher, checked against the tool map', () => {
    const matchers = {} as jest.Matchers<void, TurnRecord<WeatherTools>>;
    expectTypeOf(matchers.toHaveCalledTool('lookup_weather', { city: 'Paris' })).toBeVoid();
    matchers.toHaveToolOutput('lookup_weather', 'sunny');
    matchers.toHaveToolError('lookup_weather');
    matchers.toHaveReplied(/sunny/);
    matchers.toHaveHandedOffTo('booking_agent');
    matchers.toHaveHandedOffTo({ instructions: /booking/ });
    matchers.toHaveHandedOff();
    matchers.toHaveNoErrors();
    matchers.toHaveNoErrors({ ignore: [{ source: 'tool' }, /rate limit/] });
    // @ts-expect-error: not a source of errors
    matchers.toHaveNoErrors({ ignore: [{ source: 'network' }] });
    matchers.toMatchTrajectory(['message']);
    // @ts-expect-error: not a tool of this agent
    matchers.toHaveCalledTool('get_time');
    // @ts-expect-error: city is a string
    matchers.toHaveCalledTool('lookup_weather', { city: 42 });
    const untypedMatchers = {} as jest.Matchers<Promise<void>, TurnRecord>;
    expectTypeOf(untypedMatchers.toHaveCalledTool('anything', { at: 'all' })).toEqualTypeOf<Promise<void>>();
  });
});
