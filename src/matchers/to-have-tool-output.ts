import { shownOutput } from '../turn/derive.js';
import type { ToolCall } from '../turn/types.js';
import type { ToolOutputOptions } from './types.js';
import { failureMessage, openMatcher, receivedCalls } from './frame.js';
import { checkTextArg, formatValue, matchesOutput, matchesPattern, type MatcherContext, type MatcherResult } from './utils.js';

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
  /** The parameters as named in the hint. */
  params: [string, unknown][];
  /** The options object, with `turn`. */
  options: unknown;
}

/** The shared body of the two output matchers. */
export function checkOutputs(context: MatcherContext, q: OutputQuery): MatcherResult {
  const frame = openMatcher(context, q.matcherName, q.received, q.params, q.options);
  const { isNot, p, header, turns, isList, equals } = frame;
  checkTextArg(q.name, 'the tool name', header, true);
  if (q.isError !== undefined && typeof q.isError !== 'boolean') {
    throw new TypeError(`${header}\n\n\`isError\` must be a boolean, received ${formatValue(q.isError)}`);
  }
  const calls = turns.flatMap((t) => t.toolCalls);
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
    // Without `.not` the message shows only on failure, when no output matched.
    return failureMessage({ hint: header, expected, ...receivedCalls(frame, calls, matching, describeOutput, 'output'), turns, isList });
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
    params: [
      ['name', name],
      ['output', output],
      ['options', options],
    ],
    options,
  });
}
