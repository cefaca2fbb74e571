import type { ToolCall } from '../turn/types.js';
import type { CalledToolOptions } from './types.js';
import { failureMessage, openMatcher, receivedCalls } from './frame.js';
import { checkTextArg, formatValue, matchesPattern, type MatcherContext, type MatcherResult } from './utils.js';

/** A tool call on one line: `lookup_weather({"city": "Paris"})`. */
export const describeCall = (call: ToolCall): string => `${call.name}(${call.rawArgs})`;

/**
 * `expect(turn).toHaveCalledTool(name?, args?, { times?, turn? })`: the turn called the tool
 * (any tool without a name) with arguments matching `args` partially, at any depth, asymmetric
 * matchers included. With `times`, exactly that many matching calls.
 */
export function toHaveCalledTool(
  this: MatcherContext,
  received: unknown,
  name?: unknown,
  args?: unknown,
  options?: CalledToolOptions,
): MatcherResult {
  const frame = openMatcher(
    this,
    'toHaveCalledTool',
    received,
    [
      ['name', name],
      ['args', args],
      ['options', options],
    ],
    options,
  );
  const { isNot, p, header, turns, isList, equals } = frame;
  checkTextArg(name, 'the tool name', header, true);
  const times = options?.times;
  if (times !== undefined && !(Number.isInteger(times) && times >= 0)) {
    throw new TypeError(`${header}\n\n\`times\` must be a non-negative integer, received ${formatValue(times)}`);
  }

  const calls = turns.flatMap((t) => t.toolCalls);
  const isMatch = (call: ToolCall): boolean =>
    (name === undefined || matchesPattern(call.name, name, equals)) && (args === undefined || matchesPattern(call.args, args, equals));
  const matching = calls.filter(isMatch);
  const pass = times === undefined ? matching.length > 0 : matching.length === times;

  const message = (): string => {
    const [one, many] = name === undefined ? ['tool call', 'tool calls'] : ['call', 'calls'];
    const target =
      (name === undefined ? '' : ` to ${p.green(formatValue(name))}`) +
      (args === undefined ? '' : ` with arguments matching ${p.green(formatValue(args))}`);
    const expected =
      times === undefined
        ? isNot
          ? `no ${many}${target}`
          : `a ${one}${target}`
        : `${isNot ? 'not ' : ''}exactly ${times} ${times === 1 ? one : many}${target}`;
    return failureMessage({ hint: header, expected, ...receivedCalls(frame, calls, matching, describeCall, 'call'), turns, isList });
  };
  return { pass, message };
}
