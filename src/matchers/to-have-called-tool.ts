import type { ToolCall } from '../turn/types.js';
import type { CalledToolOptions } from './types.js';
import {
  checkOptions,
  equalsOf,
  failureMessage,
  formatValue,
  hint,
  isAsymmetricMatcher,
  matchesPattern,
  messagePalette,
  plural,
  selectTurns,
  type MatcherContext,
  type MatcherResult,
} from './utils.js';

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
  const isNot = this.isNot === true;
  const p = messagePalette();
  const header = hint(p, 'toHaveCalledTool', received, isNot, [['name', name], ['args', args], ['options', options]]);
  checkOptions(options, header);
  const { turns, isList } = selectTurns(received, options?.turn, header);
  if (name !== undefined && typeof name !== 'string' && !(name instanceof RegExp) && !isAsymmetricMatcher(name)) {
    throw new TypeError(`${header}\n\nthe tool name must be a string, a RegExp or an asymmetric matcher, received ${formatValue(name)}`);
  }
  const times = options?.times;
  if (times !== undefined && !(Number.isInteger(times) && times >= 0)) {
    throw new TypeError(`${header}\n\n\`times\` must be a non-negative integer, received ${formatValue(times)}`);
  }

  const equals = equalsOf(this);
  const calls = turns.flatMap((t) => t.toolCalls);
  const isMatch = (call: ToolCall): boolean =>
    (name === undefined || matchesPattern(call.name, name, equals)) && (args === undefined || matchesPattern(call.args, args, equals));
  const matching = calls.filter(isMatch);
  const pass = times === undefined ? matching.length > 0 : matching.length === times;

  const message = (): string => {
    const [one, many] = name === undefined ? ['tool call', 'tool calls'] : ['call', 'calls'];
    const target = (name === undefined ? '' : ` to ${p.green(formatValue(name))}`) + (args === undefined ? '' : ` with arguments matching ${p.green(formatValue(args))}`);
    const expected =
      times === undefined
        ? isNot
          ? `no ${many}${target}`
          : `a ${one}${target}`
        : `${isNot ? 'not ' : ''}exactly ${times} ${times === 1 ? one : many}${target}`;
    let receivedText: string;
    let details: string[];
    if (isNot) {
      receivedText = `${plural(matching.length, 'matching call')}:`;
      details = matching.map((c) => p.red(describeCall(c)));
    } else if (calls.length === 0) {
      receivedText = 'no tool calls';
      details = [];
    } else {
      receivedText =
        matching.length === 0
          ? `${plural(calls.length, 'tool call')}, none matching:`
          : `${plural(matching.length, 'matching call')} of ${plural(calls.length, 'tool call')}:`;
      details = calls.map((c) => (isMatch(c) ? `${p.red(describeCall(c))} ${p.dim('← matches')}` : p.red(describeCall(c))));
    }
    return failureMessage({ hint: header, expected, received: receivedText, details, turns, isList });
  };
  return { pass, message };
}
