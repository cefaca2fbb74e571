import type { NoErrorsOptions } from './types.js';
import { checkOptions, failureMessage, hint, messagePalette, plural, selectTurns, type MatcherContext, type MatcherResult } from './utils.js';

/**
 * `expect(turn).toHaveNoErrors({ allowToolErrors?, turn? })`: no `error` event, no error in the
 * agent's response, no request the scripted LLM had no rule for, and (unless `allowToolErrors`)
 * no tool call that raised.
 */
export function toHaveNoErrors(this: MatcherContext, received: unknown, options?: NoErrorsOptions): MatcherResult {
  const isNot = this.isNot === true;
  const p = messagePalette();
  const header = hint(p, 'toHaveNoErrors', received, isNot, [['options', options]]);
  checkOptions(options, header);
  const { turns, isList } = selectTurns(received, options?.turn, header);
  const problems: string[] = [];
  for (const turn of turns) {
    for (const error of turn.errors) problems.push(`[${error.source}] ${error.message}`);
    if (options?.allowToolErrors) continue;
    for (const call of turn.toolCalls) if (call.isError) problems.push(`[tool] ${call.name} raised: ${call.output ?? ''}`);
  }
  return {
    pass: problems.length === 0,
    message: () =>
      failureMessage({
        hint: header,
        expected: isNot ? 'at least one error' : `no errors${options?.allowToolErrors ? ' (tool errors allowed)' : ''}`,
        received: problems.length === 0 ? 'no errors' : `${plural(problems.length, 'error')}:`,
        details: problems.map((d) => p.red(d)),
        turns,
        isList,
      }),
  };
}
