import type { Handoff } from '../turn/types.js';
import type { HandedOffToOptions } from './types.js';
import {
  checkOptions,
  checkTextArg,
  equalsOf,
  failureMessage,
  formatValue,
  hint,
  matchesPattern,
  messagePalette,
  plural,
  selectTurns,
  type MatcherContext,
  type MatcherResult,
} from './utils.js';

/** A handoff on one line: `weather_agent → booking_agent`. */
export const describeHandoff = (h: Handoff): string => `${h.from ?? '(start)'} → ${h.to}`;

/**
 * `expect(turn).toHaveHandedOffTo(agentId, { from?, turn? })`: the turn handed off to that agent
 * (ids are the agent class name in snake_case, e.g. `booking_agent`), from `from` when given.
 */
export function toHaveHandedOffTo(this: MatcherContext, received: unknown, agentId: unknown, options?: HandedOffToOptions): MatcherResult {
  const isNot = this.isNot === true;
  const p = messagePalette();
  const header = hint(p, 'toHaveHandedOffTo', received, isNot, [['agentId', agentId], ['options', options]]);
  checkOptions(options, header);
  const { turns, isList } = selectTurns(received, options?.turn, header);
  checkTextArg(agentId, 'the agent id', header, false);
  checkTextArg(options?.from, '`from`', header, true);
  const equals = equalsOf(this);
  const handoffs = turns.flatMap((t) => t.handoffs);
  const from = options?.from;
  const matching = handoffs.filter((h) => matchesPattern(h.to, agentId, equals) && (from === undefined || matchesPattern(h.from, from, equals)));
  const pass = matching.length > 0;

  const message = (): string => {
    const what = `handoff to ${p.green(formatValue(agentId))}${from === undefined ? '' : ` from ${p.green(formatValue(from))}`}`;
    const shown = isNot ? matching : handoffs;
    return failureMessage({
      hint: header,
      expected: isNot ? `no ${what}` : `a ${what}`,
      received: shown.length === 0 ? 'no handoff' : `${plural(shown.length, isNot ? 'matching handoff' : 'handoff')}:`,
      details: shown.map((h) => p.red(describeHandoff(h))),
      turns,
      isList,
    });
  };
  return { pass, message };
}
