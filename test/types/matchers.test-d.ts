import { describe, expectTypeOf, test } from 'vitest';
import 'agent-session-test/vitest';
import type { ToolNameOf, ToolsOf } from '../../src/matchers/index.js';
import type { ToolCall, ToolMap, TurnRecord } from '../../src/turn/types.js';
import type { WeatherTools } from '../fixtures/turns/load.js';
import {
  asymmetricPatternCases,
  cursorCases,
  everyMatcherCases,
  replyHandoffErrorCases,
  trajectoryCases,
  typedToolCases,
  untypedToolCases,
} from './shared/matcher-cases.js';

declare const typed: TurnRecord<WeatherTools>;
declare const untyped: TurnRecord;

describe('the tool map of a received value', () => {
  test('comes from a typed turn, a list of them, or a possibly missing one', () => {
    expectTypeOf<ToolsOf<TurnRecord<WeatherTools>>>().toEqualTypeOf<WeatherTools>();
    expectTypeOf<ToolsOf<readonly TurnRecord<WeatherTools>[]>>().toEqualTypeOf<WeatherTools>();
    expectTypeOf<ToolsOf<TurnRecord<WeatherTools> | undefined>>().toEqualTypeOf<WeatherTools>();
    expectTypeOf<ToolNameOf<TurnRecord<WeatherTools>>>().toEqualTypeOf<'lookup_weather' | 'transfer_to_booking'>();
  });

  test('is open for untyped turns, any, and other values', () => {
    expectTypeOf<ToolsOf<TurnRecord>>().toEqualTypeOf<ToolMap>();
    expectTypeOf<ToolsOf<any>>().toEqualTypeOf<ToolMap>();
    expectTypeOf<ToolsOf<number>>().toEqualTypeOf<ToolMap>();
    expectTypeOf<ToolNameOf<TurnRecord>>().toEqualTypeOf<string>();
  });

  test('types toolCalls by name', () => {
    expectTypeOf(typed.toolCalls).items.toEqualTypeOf<
      ToolCall<'lookup_weather', WeatherTools['lookup_weather']> | ToolCall<'transfer_to_booking', WeatherTools['transfer_to_booking']>
    >();
    expectTypeOf(untyped.toolCalls).items.toEqualTypeOf<ToolCall>();
  });
});

describe('Vitest augmentation', () => {
  test('every matcher is on expect(turn) and on .not, returning void', () => {
    everyMatcherCases();
  });

  test('typed turns check tool names and arguments', typedToolCases);
  test('untyped turns take any name and arguments', untypedToolCases);
  test('replies, handoffs, errors', replyHandoffErrorCases);
  test('trajectories are checked against the item types and the tool map', trajectoryCases);
});

describe('cursor', () => {
  test('patterns are typed by the tool map and checks narrow the item', cursorCases);
  test("Jest's asymmetric matchers fit every pattern position", asymmetricPatternCases);
});
