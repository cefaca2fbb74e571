import type { Handoff } from '../turn/types.js';
import { truncate } from '../render/render-turn.js';
import type { AgentPattern, HandedOffToOptions, TextPattern } from './types.js';
import { failureMessage, openMatcher } from './frame.js';
import {
  checkTextArg,
  formatValue,
  isAsymmetricMatcher,
  matchesPattern,
  matchesReply,
  plural,
  type MatcherContext,
  type MatcherResult,
} from './utils.js';

/** A handoff on one line: `weather_agent → booking_agent`, with the new agent's instructions when known. */
export const describeHandoff = (h: Handoff): string =>
  `${h.from ?? '(start)'} → ${h.to}${h.instructions === undefined ? '' : ` (instructions: ${truncate(JSON.stringify(h.instructions), 80)})`}`;

/** The agent to look for: an id pattern, or `{ id?, instructions? }`. */
function toAgentPattern(agent: unknown, header: string): AgentPattern {
  if (agent !== null && typeof agent === 'object' && !(agent instanceof RegExp) && !isAsymmetricMatcher(agent)) {
    const fields = agent as Record<string, unknown>;
    const unknown = Object.keys(fields).filter((k) => k !== 'id' && k !== 'instructions');
    if (unknown.length > 0)
      throw new TypeError(`${header}\n\nthe agent may give \`id\` and \`instructions\`, not ${unknown.map((k) => `\`${k}\``).join(', ')}`);
    if (fields['id'] === undefined && fields['instructions'] === undefined)
      throw new TypeError(`${header}\n\nthe agent needs an \`id\` or \`instructions\``);
    checkTextArg(fields['id'], '`id`', header, true);
    checkTextArg(fields['instructions'], '`instructions`', header, true);
    return fields as AgentPattern;
  }
  checkTextArg(agent, 'the agent id', header, false);
  return { id: agent as TextPattern };
}

/**
 * `expect(turn).toHaveHandedOffTo(agent, { from?, turn? })`: the turn handed off to that agent,
 * from `from` when given. `agent` is its id (the class name in snake_case, e.g. `booking_agent`,
 * unless the agent sets its own) or `{ id?, instructions? }`; a string for `instructions` must be
 * contained in them, which tells apart agents of one class.
 */
export function toHaveHandedOffTo(this: MatcherContext, received: unknown, agent: unknown, options?: HandedOffToOptions): MatcherResult {
  const { isNot, p, header, turns, isList, equals } = openMatcher(
    this,
    'toHaveHandedOffTo',
    received,
    [
      ['agent', agent],
      ['options', options],
    ],
    options,
  );
  const wanted = toAgentPattern(agent, header);
  checkTextArg(options?.from, '`from`', header, true);
  const handoffs = turns.flatMap((t) => t.handoffs);
  const from = options?.from;
  const matching = handoffs.filter(
    (h) =>
      (wanted.id === undefined || matchesPattern(h.to, wanted.id, equals)) &&
      (wanted.instructions === undefined || (h.instructions !== undefined && matchesReply(h.instructions, wanted.instructions, equals))) &&
      (from === undefined || matchesPattern(h.from, from, equals)),
  );
  const pass = matching.length > 0;

  const message = (): string => {
    const what = `handoff to ${p.green(formatValue(agent))}${from === undefined ? '' : ` from ${p.green(formatValue(from))}`}`;
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
