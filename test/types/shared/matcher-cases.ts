// The matcher type cases every Vitest major must pass. Each type program brings one major's
// `Matchers` declarations (the Vitest 4 one through test/types/matchers.test-d.ts, the Vitest 5
// one through test/types/vitest5/matchers.test-d.ts) and runs these as its tests; nothing here
// imports either declaration, so the same lines check both.
import { expect, expectTypeOf } from 'vitest';
// Through the package name, which each program resolves its own way (the sources, or the build).
import {
  expectTurn,
  type AsymmetricMatcherLike,
  type FunctionCallItem,
  type TrajectoryStep,
  type TurnItem,
  type TurnRecord,
} from 'agent-session-test/matchers';
import type { WeatherTools } from '../../fixtures/turns/load.js';

declare const typed: TurnRecord<WeatherTools>;
declare const untyped: TurnRecord;
/** What the cases need of a session handle: its turns, typed by the tool map. */
declare const agent: { say(text: string): Promise<TurnRecord<WeatherTools>>; readonly turns: readonly TurnRecord<WeatherTools>[] };

export function everyMatcherCases(): void {
  expectTypeOf(expect(typed).toHaveCalledTool('lookup_weather')).toBeVoid();
  expectTypeOf(expect(typed).not.toHaveCalledTool('lookup_weather')).toBeVoid();
  expectTypeOf(expect(typed).toHaveToolOutput).toBeFunction();
  expectTypeOf(expect(typed).toHaveToolError).toBeFunction();
  expectTypeOf(expect(typed).toHaveReplied).toBeFunction();
  expectTypeOf(expect(typed).toHaveHandedOffTo).toBeFunction();
  expectTypeOf(expect(typed).toHaveHandedOff).toBeFunction();
  expectTypeOf(expect(typed).toHaveNoErrors).toBeFunction();
  expectTypeOf(expect(typed).toMatchTrajectory).toBeFunction();
  expectTypeOf(expect(agent.turns).toMatchConversationSnapshot()).toBeVoid();
  expectTypeOf(expect(typed).toMatchConversationSnapshot('after the handoff')).toBeVoid();
  // The judge is async: its assertion is awaited.
  expectTypeOf(expect(typed).toPassJudge({ criteria: ['answers'] })).toEqualTypeOf<Promise<void>>();
  expectTypeOf(expect(agent.turns).toPassJudge({ criteria: ['answers'], inconclusivePasses: true, turn: -1 })).toEqualTypeOf<
    Promise<void>
  >();
  // @ts-expect-error: criteria are strings
  void expect(typed).toPassJudge({ criteria: [1] });
  // @ts-expect-error: criteria are required
  void expect(typed).toPassJudge({});
  // expect.extend makes each one usable as an asymmetric matcher too.
  expectTypeOf(expect.toHaveReplied).toBeFunction();
}

export async function typedToolCases(): Promise<void> {
  const turn = await agent.say('What is the weather in Paris?');
  expectTypeOf(turn).toEqualTypeOf<TurnRecord<WeatherTools>>();
  expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
  expect(turn).toHaveCalledTool('lookup_weather', { forecast: { days: 3 } }, { times: 1 });
  expect(turn).toHaveCalledTool('transfer_to_booking', { party_size: expect.any(Number) });
  expect(turn).toHaveCalledTool('lookup_weather', { city: /^Par/ });
  expect(turn).toHaveCalledTool();
  expect(agent.turns).toHaveCalledTool('lookup_weather', { city: 'Paris' }, { turn: -1 });
  expect(agent.turns[0]).toHaveCalledTool('lookup_weather');
  // @ts-expect-error: not a tool of this agent
  expect(turn).toHaveCalledTool('get_time');
  // @ts-expect-error: not a tool of this agent (a list of turns)
  expect(agent.turns).toHaveCalledTool('get_time');
  // @ts-expect-error: city is a string
  expect(turn).toHaveCalledTool('lookup_weather', { city: 42 });
  // @ts-expect-error: no such argument
  expect(turn).toHaveCalledTool('lookup_weather', { town: 'Paris' });
  // @ts-expect-error: an argument of the other tool
  expect(turn).toHaveCalledTool('lookup_weather', { party_size: 2 });
  // @ts-expect-error: units is 'metric' | 'imperial'
  expect(turn).toHaveCalledTool('lookup_weather', { forecast: { units: 'kelvin' } });
  // @ts-expect-error: times is a number
  expect(turn).toHaveCalledTool('lookup_weather', undefined, { times: '1' });
  expect(turn).toHaveToolOutput('lookup_weather', 'sunny', { isError: false });
  // @ts-expect-error: not a tool of this agent
  expect(turn).toHaveToolOutput('get_time');
  expect(turn).toHaveToolError('lookup_weather', /unknown/);
  // @ts-expect-error: not a tool of this agent
  expect(turn).toHaveToolError('get_time');
}

export function untypedToolCases(): void {
  expect(untyped).toHaveCalledTool('anything', { deeply: { nested: [1, expect.any(Number)] } });
  expect(untyped).toHaveToolOutput('anything', { decoded: true });
  expect(untyped as any).toHaveCalledTool('anything', { at: 'all' });
  // @ts-expect-error: the name is still a string
  expect(untyped).toHaveCalledTool(42);
}

export function replyHandoffErrorCases(): void {
  expect(typed).toHaveReplied('sunny');
  expect(typed).toHaveReplied(/sunny/);
  expect(typed).toHaveReplied(expect.stringContaining('sunny'));
  expect(typed).toHaveReplied();
  // @ts-expect-error: a reply is text
  expect(typed).toHaveReplied(42);
  expect(typed).toHaveHandedOffTo('booking_agent', { from: 'weather_agent' });
  // @ts-expect-error: the agent id is required
  expect(typed).toHaveHandedOffTo();
  expect(typed).toHaveHandedOff({ turn: 0 });
  expect(typed).toHaveHandedOffTo({ instructions: /sales desk/ });
  expect(typed).toHaveHandedOffTo({ id: 'base_agent', instructions: 'You are the sales desk' }, { from: 'base_agent' });
  // @ts-expect-error: instructions are text
  expect(typed).toHaveHandedOffTo({ instructions: 42 });
  expect(typed).toHaveNoErrors({ allowToolErrors: true });
  // @ts-expect-error: allowToolErrors is a boolean
  expect(typed).toHaveNoErrors({ allowToolErrors: 'yes' });
  expect(typed).toHaveNoErrors({
    ignore: [{ source: 'tool' }, /rate limit/, 'quota', { source: 'llm', message: expect.stringContaining('429') }],
  });
  expect(typed).toHaveNoErrors({ ignore: [{ tool: 'book_trip', message: /sold out/ }] });
  // @ts-expect-error: not a source of errors
  expect(typed).toHaveNoErrors({ ignore: [{ source: 'network' }] });
  // @ts-expect-error: ignore is a list
  expect(typed).toHaveNoErrors({ ignore: /rate limit/ });
}

export function trajectoryCases(): void {
  expect(typed).toMatchTrajectory(
    [
      'function_call',
      { type: 'function_call', name: 'lookup_weather', args: { city: 'Paris' } },
      { type: 'function_call_output', output: 'sunny', isError: false },
      { type: 'agent_handoff', to: 'booking_agent', instructions: /booking/ },
      { type: 'message', role: 'assistant', text: /sunny/ },
    ],
    { mode: 'ordered' },
  );
  // @ts-expect-error: not a tool of this agent
  expect(typed).toMatchTrajectory([{ type: 'function_call', name: 'get_time' }]);
  // @ts-expect-error: not an item type
  expect(typed).toMatchTrajectory(['tool_call']);
  // @ts-expect-error: messages have no name
  expect(typed).toMatchTrajectory([{ type: 'message', name: 'x' }]);
  // @ts-expect-error: not a mode
  expect(typed).toMatchTrajectory([], { mode: 'loose' });
  expectTypeOf<TrajectoryStep>().toMatchTypeOf<string | object>();
}

export function cursorCases(): void {
  const cursor = expectTurn(typed)
    .next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } })
    .seek('message', { text: /sunny/ })
    .skipIf({ type: 'function_call_output', isError: false })
    .skip(1);
  cursor.noMore();
  expectTypeOf(cursor.current).toEqualTypeOf<TurnItem | undefined>();
  expectTypeOf(cursor.at(0).is('function_call').item).toEqualTypeOf<FunctionCallItem>();
  expectTypeOf(cursor.at(0).item.type).toEqualTypeOf<
    'message' | 'function_call' | 'function_call_output' | 'agent_handoff' | 'agent_config_update'
  >();
  cursor.range(0, 2).contains('agent_handoff', { to: expect.stringMatching(/booking/) });
  // @ts-expect-error: not a tool of this agent
  expectTurn(typed).next('function_call', { name: 'get_time' });
  // @ts-expect-error: a message pattern has no args
  expectTurn(typed).next('message', { args: {} });
  // @ts-expect-error: not an item type
  expectTurn(typed).next('tool_call');
  // @ts-expect-error: not a turn
  expectTurn('hello');
  expectTurn(untyped).next('function_call', { name: 'anything', args: { any: 'thing' } });
}

export function asymmetricPatternCases(): void {
  const matcher = {} as AsymmetricMatcherLike;
  expect(typed).toHaveCalledTool('lookup_weather', { city: matcher, forecast: matcher });
  expectTurn(typed).next('function_call', { name: matcher, args: matcher }).next('message', { role: matcher, text: matcher });
}
