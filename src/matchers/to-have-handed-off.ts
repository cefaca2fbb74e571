import type { TurnOptions } from './types.js';
import { describeHandoff } from './to-have-handed-off-to.js';
import { checkOptions, failureMessage, hint, messagePalette, plural, selectTurns, type MatcherContext, type MatcherResult } from './utils.js';

/** `expect(turn).toHaveHandedOff({ turn? })`: the turn handed off to another agent, any agent. */
export function toHaveHandedOff(this: MatcherContext, received: unknown, options?: TurnOptions): MatcherResult {
  const isNot = this.isNot === true;
  const p = messagePalette();
  const header = hint(p, 'toHaveHandedOff', received, isNot, [['options', options]]);
  checkOptions(options, header);
  const { turns, isList } = selectTurns(received, options?.turn, header);
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
