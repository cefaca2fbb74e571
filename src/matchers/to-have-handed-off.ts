import type { TurnOptions } from './types.js';
import { describeHandoff } from './to-have-handed-off-to.js';
import { failureMessage, openMatcher } from './frame.js';
import { plural, type MatcherContext, type MatcherResult } from './utils.js';

/** `expect(turn).toHaveHandedOff({ turn? })`: the turn handed off to another agent, any agent. */
export function toHaveHandedOff(this: MatcherContext, received: unknown, options?: TurnOptions): MatcherResult {
  const { isNot, p, header, turns, isList } = openMatcher(this, 'toHaveHandedOff', received, [['options', options]], options);
  const handoffs = turns.flatMap((t) => t.handoffs);
  return {
    pass: handoffs.length > 0,
    message: () =>
      failureMessage({
        hint: header,
        expected: isNot ? 'no handoff' : 'a handoff to another agent',
        received: handoffs.length === 0 ? 'no handoff' : `${plural(handoffs.length, 'handoff')}:`,
        details: handoffs.map((h) => p.red(describeHandoff(h))),
        turns,
        isList,
      }),
  };
}
