import type { TurnOptions } from './types.js';
import { checkOutputs } from './to-have-tool-output.js';
import type { MatcherContext, MatcherResult } from './utils.js';

/**
 * `expect(turn).toHaveToolError(name?, message?, { turn? })`: a tool call raised (its output is
 * marked as an error); with a name, a call of that tool; with `message`, an error output matching
 * it (a string equals the output, a RegExp or asymmetric matcher as usual).
 */
export function toHaveToolError(
  this: MatcherContext,
  received: unknown,
  name?: unknown,
  message?: unknown,
  options?: TurnOptions,
): MatcherResult {
  return checkOutputs(this, {
    matcherName: 'toHaveToolError',
    received,
    name,
    output: message,
    isError: true,
    params: [
      ['name', name],
      ['message', message],
      ['options', options],
    ],
    options,
  });
}
