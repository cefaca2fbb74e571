// The matcher types as a Vitest 5 user sees them through `agent-session-test/vitest5`. Checked only
// under Vitest 5 (scripts/test-vitest5.sh): against the sources (./tsconfig.json) and against the
// built package (./tsconfig.dist.json), where this import resolves through package.json `exports`.
// The cases both majors share are in ../shared/matcher-cases.ts.
import { describe, expect, expectTypeOf, test } from 'vitest';
import type { AgentSessionHandle, StreamJsonSessionHandle, ToolCall, ToolMap, TurnRecord } from 'agent-session-test';
import { agentSessionFixture, useAgentSession, useStreamJsonSession } from 'agent-session-test/vitest5';
import type { ToolNameOf, ToolsOf } from 'agent-session-test/matchers';
import {
  asymmetricPatternCases,
  cursorCases,
  everyMatcherCases,
  replyHandoffErrorCases,
  trajectoryCases,
  typedToolCases,
  untypedToolCases,
} from '../shared/matcher-cases.js';

type WeatherTools = {
  lookup_weather: { city: string; forecast?: { days: number; units: 'metric' | 'imperial' } };
  transfer_to_booking: { party_size: number; when: string };
};

declare const typed: TurnRecord<WeatherTools>;
declare const agent: AgentSessionHandle<WeatherTools>;

describe('the Vitest 5 entry', () => {
  test('exports the same API as the Vitest entry', () => {
    expectTypeOf(useAgentSession<WeatherTools>('./weather_agent.py')).toEqualTypeOf<AgentSessionHandle<WeatherTools>>();
    expectTypeOf(useAgentSession('./weather_agent.py')).toEqualTypeOf<AgentSessionHandle<ToolMap>>();
    expectTypeOf(useStreamJsonSession<WeatherTools>({ command: ['letta'] })).toEqualTypeOf<StreamJsonSessionHandle<WeatherTools>>();
    // One way to start a stream-json CLI: useAgentSession takes an agent file only.
    expectTypeOf(useAgentSession).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(typed.toolCalls).items.toEqualTypeOf<
      ToolCall<'lookup_weather', WeatherTools['lookup_weather']> | ToolCall<'transfer_to_booking', WeatherTools['transfer_to_booking']>
    >();
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
    everyMatcherCases();
    expectTypeOf(expect.soft(typed).toHaveReplied('sunny')).toBeVoid();
    expectTypeOf(expect.not.toHaveReplied).toBeFunction();
  });

  test('.resolves and expect.poll return a promise and keep the tool map', () => {
    const pending: Promise<TurnRecord<WeatherTools>> = agent.say('What is the weather in Paris?');
    expectTypeOf(expect(pending).resolves.toHaveCalledTool('lookup_weather', { city: 'Paris' })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(expect(pending).resolves.not.toHaveReplied(/snow/)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: not a tool of this agent
    void expect(pending).resolves.toHaveCalledTool('get_time');
    expectTypeOf(expect.poll(() => agent.turns).toHaveCalledTool('lookup_weather', { city: 'Paris' }, { turn: -1 })).toEqualTypeOf<
      Promise<void>
    >();
    // @ts-expect-error: city is a string
    void expect.poll(() => agent.turns).toHaveCalledTool('lookup_weather', { city: 42 });
  });

  test('typed turns check tool names and arguments', typedToolCases);
  test('untyped turns take any name and arguments', untypedToolCases);
  test('replies, handoffs, errors', replyHandoffErrorCases);
  test('trajectories are checked against the item types and the tool map', trajectoryCases);
});

describe('cursor', () => {
  test('patterns are typed by the tool map and checks narrow the item', cursorCases);
  test('asymmetric matchers fit every pattern position', asymmetricPatternCases);
});
