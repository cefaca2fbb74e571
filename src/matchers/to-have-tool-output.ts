import { shownOutput } from '../turn/derive.js';
import type { ToolCall } from '../turn/types.js';
import type { ToolOutputOptions } from './types.js';
import {
  checkOptions,
  equalsOf,
  failureMessage,
  formatValue,
  hint,
  isAsymmetricMatcher,
  matchesOutput,
  matchesPattern,
  messagePalette,
  plural,
  selectTurns,
  type AnyTurn,
  type Equals,
  type MatcherContext,
  type MatcherResult,
} from './utils.js';

/** A tool call with its output on one line: `lookup_weather → "sunny" (error)`. */
export const describeOutput = (call: ToolCall): string =>
  call.output === undefined
    ? `${call.name || '(unnamed)'}: no output`
    : `${call.name || '(unnamed)'} ${call.isError ? '✗' : '✓'} ${shownOutput({ ...call, output: call.output, isError: call.isError === true })}`;

/** What `toHaveToolOutput` and `toHaveToolError` look for. */
export interface OutputQuery {
  matcherName: string;
  received: unknown;
  name: unknown;
  output: unknown;
  isError: boolean | undefined;
  turn: number | undefined;
  /** The parameters as named in the hint. */
  params: [string, unknown][];
  options: unknown;
}

/** The shared body of the two output matchers. */
export function checkOutputs(context: MatcherContext, q: OutputQuery): MatcherResult {
  const isNot = context.isNot === true;
  const p = messagePalette();
  const header = hint(p, q.matcherName, q.received, isNot, q.params);
  checkOptions(q.options, header);
  const { turns, isList } = selectTurns(q.received, q.turn, header);
  if (q.name !== undefined && typeof q.name !== 'string' && !(q.name instanceof RegExp) && !isAsymmetricMatcher(q.name)) {
    throw new TypeError(`${header}\n\nthe tool name must be a string, a RegExp or an asymmetric matcher, received ${formatValue(q.name)}`);
  }
  if (q.isError !== undefined && typeof q.isError !== 'boolean') {
    throw new TypeError(`${header}\n\n\`isError\` must be a boolean, received ${formatValue(q.isError)}`);
  }
  const equals: Equals = equalsOf(context);
  const calls = turns.flatMap((t: AnyTurn) => t.toolCalls);
  const isMatch = (call: ToolCall): boolean =>
    call.output !== undefined &&
    (q.name === undefined || matchesPattern(call.name, q.name, equals)) &&
    (q.isError === undefined || call.isError === q.isError) &&
    (q.output === undefined || matchesOutput(call, q.output, equals));
  const matching = calls.filter(isMatch);
  const pass = matching.length > 0;

  const message = (): string => {
    const kind = q.isError === true ? 'an error from' : q.isError === false ? 'a successful output of' : 'an output of';
    const tool = q.name === undefined ? 'a tool' : p.green(formatValue(q.name));
    const what = `${kind} ${tool}${q.output === undefined ? '' : ` matching ${p.green(formatValue(q.output))}`}`;
    const expected = isNot ? `no ${what.replace(/^an? /, '')}` : what;
    let receivedText: string;
    let details: string[];
    if (isNot) {
      receivedText = `${plural(matching.length, 'matching output')}:`;
      details = matching.map((c) => p.red(describeOutput(c)));
    } else if (calls.length === 0) {
      receivedText = 'no tool calls';
      details = [];
    } else {
      receivedText = `${plural(calls.length, 'tool call')}, none matching:`;
      details = calls.map((c) => p.red(describeOutput(c)));
    }
    return failureMessage({ hint: header, expected, received: receivedText, details, turns, isList });
  };
  return { pass, message };
}

/**
 * `expect(turn).toHaveToolOutput(name, output?, { isError?, turn? })`: a call of the tool produced
 * an output matching `output`, compared with the output as sent and with its JSON-decoded value
 * (so `'sunny'` matches an output sent as `"sunny"`, and `{ temp: 21 }` matches `{"temp": 21, …}`).
 * `isError` narrows to outputs of tools that raised (`true`) or returned (`false`).
 */
export function toHaveToolOutput(
  this: MatcherContext,
  received: unknown,
  name: unknown,
  output?: unknown,
  options?: ToolOutputOptions,
): MatcherResult {
  return checkOutputs(this, {
    matcherName: 'toHaveToolOutput',
    received,
    name,
    output,
    isError: options?.isError,
    turn: options?.turn,
    params: [['name', name], ['output', output], ['options', options]],
    options,
  });
}
