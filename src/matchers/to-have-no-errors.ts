import type { AsymmetricMatcherLike, ErrorFilter, NoErrorsOptions } from './types.js';
import { failureMessage, openMatcher } from './frame.js';
import { formatValue, isAsymmetricMatcher, matchesReply, plural, type Equals, type MatcherContext, type MatcherResult } from './utils.js';

/** One problem the matcher found: where from, the message, and for tool errors the tool. */
interface Problem {
  source: 'event' | 'response' | 'llm' | 'tool';
  message: string;
  tool?: string;
}

const SOURCES = ['event', 'response', 'llm', 'tool'];
const FILTER_KEYS = ['source', 'message', 'tool'];

const isText = (value: unknown): boolean => typeof value === 'string' || value instanceof RegExp || isAsymmetricMatcher(value);

/** Throws for an `ignore` entry that could never be meant: a typo must not silently ignore nothing. */
function checkIgnore(ignore: unknown, header: string): readonly ErrorFilter[] {
  if (ignore === undefined) return [];
  const fail = (what: string): never => {
    throw new TypeError(`${header}\n\n\`ignore\` ${what}`);
  };
  if (!Array.isArray(ignore)) return fail(`must be an array, received ${formatValue(ignore)}`);
  for (const entry of ignore as unknown[]) {
    if (isText(entry)) continue;
    if (entry === null || typeof entry !== 'object')
      fail(`entries must be a string, a RegExp or { source?, message?, tool? }, received ${formatValue(entry)}`);
    const fields = entry as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((k) => !FILTER_KEYS.includes(k));
    if (unknown.length > 0)
      fail(`entry ${formatValue(entry)}: ${unknown.map((k) => `\`${k}\``).join(', ')} is not a filter field; use source, message, tool`);
    if (fields['source'] !== undefined && !SOURCES.includes(fields['source'] as string)) {
      fail(`entry ${formatValue(entry)}: \`source\` must be one of ${SOURCES.join(', ')}`);
    }
    for (const key of ['message', 'tool']) {
      if (fields[key] !== undefined && !isText(fields[key]))
        fail(`entry ${formatValue(entry)}: \`${key}\` must be a string, a RegExp or an asymmetric matcher`);
    }
  }
  return ignore as readonly ErrorFilter[];
}

/** A string is looked for in the text; RegExps and asymmetric matchers as usual. */
const textMatches = (text: string | undefined, expected: unknown, equals: Equals): boolean =>
  text !== undefined && matchesReply(text, expected, equals);

function isIgnored(problem: Problem, filters: readonly ErrorFilter[], equals: Equals): boolean {
  return filters.some((filter) => {
    if (isText(filter)) return textMatches(problem.message, filter, equals);
    const { source, message, tool } = filter as Exclude<ErrorFilter, string | RegExp | AsymmetricMatcherLike>;
    return (
      (source === undefined || source === problem.source) &&
      (message === undefined || textMatches(problem.message, message, equals)) &&
      (tool === undefined || textMatches(problem.tool, tool, equals))
    );
  });
}

const describeProblem = (problem: Problem): string =>
  problem.source === 'tool' ? `[tool] ${problem.tool} raised: ${problem.message}` : `[${problem.source}] ${problem.message}`;

/**
 * `expect(turn).toHaveNoErrors({ allowToolErrors?, ignore?, turn? })`: no `error` event, no error
 * in the agent's response, no request the scripted LLM had no rule for, and (unless
 * `allowToolErrors`) no tool call that raised; errors an `ignore` entry matches do not count.
 */
export function toHaveNoErrors(this: MatcherContext, received: unknown, options?: NoErrorsOptions): MatcherResult {
  const { isNot, p, header, turns, isList, equals } = openMatcher(this, 'toHaveNoErrors', received, [['options', options]], options);
  const filters = checkIgnore(options?.ignore, header);
  const found: Problem[] = [];
  for (const turn of turns) {
    for (const error of turn.errors) found.push({ source: error.source, message: error.message });
    if (options?.allowToolErrors) continue;
    for (const call of turn.toolCalls) if (call.isError) found.push({ source: 'tool', message: call.output ?? '', tool: call.name });
  }
  const problems = found.filter((problem) => !isIgnored(problem, filters, equals));
  const ignored = found.length - problems.length;
  const notes = [options?.allowToolErrors && 'tool errors allowed', ignored > 0 && `${plural(ignored, 'error')} ignored`].filter(Boolean);
  return {
    pass: problems.length === 0,
    message: () =>
      failureMessage({
        hint: header,
        expected: isNot ? 'at least one error' : `no errors${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
        received: problems.length === 0 ? 'no errors' : `${plural(problems.length, 'error')}:`,
        details: problems.map((problem) => p.red(describeProblem(problem))),
        turns,
        isList,
      }),
  };
}
