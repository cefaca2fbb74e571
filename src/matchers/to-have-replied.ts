import type { TurnOptions } from './types.js';
import { failureMessage, openMatcher } from './frame.js';
import { checkTextArg, formatValue, matchesReply, type MatcherContext, type MatcherResult } from './utils.js';

/**
 * `expect(turn).toHaveReplied(expected?, { turn? })`: the agent's reply (its assistant messages
 * joined with newlines) contains the string, matches the RegExp, or satisfies the asymmetric
 * matcher. Without `expected`, any non-empty reply passes. With a list of turns, any turn's reply.
 */
export function toHaveReplied(this: MatcherContext, received: unknown, expected?: unknown, options?: TurnOptions): MatcherResult {
  const { isNot, p, header, turns, isList, equals } = openMatcher(
    this,
    'toHaveReplied',
    received,
    [
      ['expected', expected],
      ['options', options],
    ],
    options,
  );
  checkTextArg(expected, 'the expected reply', header, true);
  const isMatch = (reply: string): boolean => (expected === undefined ? reply !== '' : matchesReply(reply, expected, equals));
  const pass = turns.some((t) => isMatch(t.reply));

  const message = (): string => {
    const how = typeof expected === 'string' ? 'containing' : 'matching';
    const what = expected === undefined ? 'reply' : `reply ${how} ${p.green(formatValue(expected))}`;
    const replies = turns.map((t) => t.reply);
    const shown = replies.map((r) => (r === '' ? p.dim('(no reply)') : p.red(formatValue(r))));
    const receivedText = replies.length === 1 ? (shown[0] ?? '') : `${replies.length} replies:`;
    return failureMessage({
      hint: header,
      expected: isNot ? `no ${what}` : `a ${what}`,
      received: receivedText,
      details: replies.length === 1 ? [] : shown.map((s, i) => `${p.dim(`turn ${turns[i]?.index}:`)} ${s}`),
      turns,
      isList,
    });
  };
  return { pass, message };
}
