// The matcher types as a Vitest 5 user sees them through `agent-session-test/vitest5`. Checked only
// under Vitest 5 (scripts/test-vitest5.sh): against the sources (./tsconfig.json) and against the
// built package (./tsconfig.dist.json), where this import resolves through package.json `exports`.
import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  agentSessionFixture,
  expectTurn,
  matchers,
  useAgentSession,
  type AgentSessionHandle,
  type FunctionCallItem,
  type ToolCall,
  type ToolMap,
  type TurnItem,
  type TurnRecord,
} from 'agent-session-test/vitest5';
import type { AsymmetricMatcherLike, ToolNameOf, ToolsOf, TrajectoryStep } from 'agent-session-test/matchers';

type WeatherTools = {
  lookup_weather: { city: string; forecast?: { days: number; units: 'metric' | 'imperial' } };
  transfer_to_booking: { party_size: number; when: string };
};

declare const typed: TurnRecord<WeatherTools>;
declare const untyped: TurnRecord;
declare const agent: AgentSessionHandle<WeatherTools>;

describe('the Vitest 5 entry', () => {
  test('exports the same API as the package root', () => {
    expectTypeOf(useAgentSession<WeatherTools>('./weather_agent.py')).toEqualTypeOf<AgentSessionHandle<WeatherTools>>();
    expectTypeOf(useAgentSession('./weather_agent.py')).toEqualTypeOf<AgentSessionHandle<ToolMap>>();
    expectTypeOf(matchers).toHaveProperty('toHaveCalledTool');
    expectTypeOf(typed.toolCalls).items.toEqualTypeOf<ToolCall<'lookup_weather', WeatherTools['lookup_weather']> | ToolCall<'transfer_to_booking', WeatherTools['transfer_to_booking']>>();
    expectTypeOf<ToolsOf<TurnRecord<WeatherTools>>>().toEqualTypeOf<WeatherTools>();
    expectTypeOf<ToolNameOf<TurnRecord<WeatherTools>>>().toEqualTypeOf<'lookup_weather' | 'transfer_to_booking'>();
  });

  test('agentSessionFixture fits test.extend', () => {
    const it = test.extend<{ agent: AgentSessionHandle<WeatherTools> }>({ agent: agentSessionFixture<WeatherTools>('./weather_agent.py') });
    it('is typed', async ({ agent: fixture }) => {
      expectTypeOf(fixture).toEqualTypeOf<AgentSessionHandle<WeatherTools>>();
      expect(await fixture.say('hi')).toHaveCalledTool('lookup_weather', { city: 'Paris' });
      // @ts-expect-error: not a tool of this agent
      expect(await fixture.say('hi')).toHaveCalledTool('get_time');
    });
  });
});

describe('Vitest 5 augmentation', () => {
  test('every matcher is on expect(turn) and on .not, returning void', () => {
    expectTypeOf(expect(typed).toHaveCalledTool('lookup_weather')).toBeVoid();
    expectTypeOf(expect(typed).not.toHaveCalledTool('lookup_weather')).toBeVoid();
    expectTypeOf(expect.soft(typed).toHaveReplied('sunny')).toBeVoid();
    expectTypeOf(expect(typed).toHaveToolOutput).toBeFunction();
    expectTypeOf(expect(typed).toHaveToolError).toBeFunction();
    expectTypeOf(expect(typed).toHaveReplied).toBeFunction();
    expectTypeOf(expect(typed).toHaveHandedOffTo).toBeFunction();
    expectTypeOf(expect(typed).toHaveHandedOff).toBeFunction();
    expectTypeOf(expect(typed).toHaveNoErrors).toBeFunction();
    expectTypeOf(expect(typed).toMatchTrajectory).toBeFunction();
    // expect.extend makes each one usable as an asymmetric matcher too.
    expectTypeOf(expect.toHaveReplied).toBeFunction();
    expectTypeOf(expect.not.toHaveReplied).toBeFunction();
  });

  test('.resolves and expect.poll return a promise and keep the tool map', () => {
    const pending: Promise<TurnRecord<WeatherTools>> = agent.say('What is the weather in Paris?');
    expectTypeOf(expect(pending).resolves.toHaveCalledTool('lookup_weather', { city: 'Paris' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(expect(pending).resolves.not.toHaveReplied(/snow/)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: not a tool of this agent
    void expect(pending).resolves.toHaveCalledTool('get_time');
    expectTypeOf(expect.poll(() => agent.turns).toHaveCalledTool('lookup_weather', { city: 'Paris' }, { turn: -1 })).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: city is a string
    void expect.poll(() => agent.turns).toHaveCalledTool('lookup_weather', { city: 42 });
  });

  test('typed turns check tool names and arguments', async () => {
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
  });

  test('untyped turns take any name and arguments', () => {
    expect(untyped).toHaveCalledTool('anything', { deeply: { nested: [1, expect.any(Number)] } });
    expect(untyped).toHaveToolOutput('anything', { decoded: true });
    expect(untyped as any).toHaveCalledTool('anything', { at: 'all' });
    // @ts-expect-error: the name is still a string
    expect(untyped).toHaveCalledTool(42);
  });

  test('replies, handoffs, errors', () => {
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
    expect(typed).toHaveNoErrors({ allowToolErrors: true });
    // @ts-expect-error: allowToolErrors is a boolean
    expect(typed).toHaveNoErrors({ allowToolErrors: 'yes' });
  });

  test('trajectories are checked against the item types and the tool map', () => {
    expect(typed).toMatchTrajectory(
      [
        'function_call',
        { type: 'function_call', name: 'lookup_weather', args: { city: 'Paris' } },
        { type: 'function_call_output', output: 'sunny', isError: false },
        { type: 'agent_handoff', to: 'booking_agent' },
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
  });
});

describe('cursor', () => {
  test('patterns are typed by the tool map and checks narrow the item', () => {
    const cursor = expectTurn(typed)
      .next('function_call', { name: 'lookup_weather', args: { city: 'Paris' } })
      .seek('message', { text: /sunny/ })
      .skipIf({ type: 'function_call_output', isError: false })
      .skip(1);
    cursor.noMore();
    expectTypeOf(cursor.current).toEqualTypeOf<TurnItem | undefined>();
    expectTypeOf(cursor.at(0).is('function_call').item).toEqualTypeOf<FunctionCallItem>();
    cursor.range(0, 2).contains('agent_handoff', { to: expect.stringMatching(/booking/) });
    // @ts-expect-error: not a tool of this agent
    expectTurn(typed).next('function_call', { name: 'get_time' });
    // @ts-expect-error: a message pattern has no args
    expectTurn(typed).next('message', { args: {} });
    expectTurn(untyped).next('function_call', { name: 'anything', args: { any: 'thing' } });
  });

  test('asymmetric matchers fit every pattern position', () => {
    const matcher = {} as AsymmetricMatcherLike;
    expect(typed).toHaveCalledTool('lookup_weather', { city: matcher, forecast: matcher });
    expectTurn(typed).next('function_call', { name: matcher, args: matcher }).next('message', { role: matcher, text: matcher });
  });
});
