import type { TurnItem } from '../turn/types.js';
import { describeItem, describePattern, matchesItem, toItemPattern } from './item-pattern.js';
import type { ItemPattern, TrajectoryMode, TrajectoryOptions } from './types.js';
import { failureMessage, openMatcher } from './frame.js';
import { formatValue, plural, type Equals, type MatcherContext, type MatcherResult } from './utils.js';

const MODES: readonly TrajectoryMode[] = ['strict', 'ordered', 'unordered', 'subset', 'superset'];

/** The outcome of comparing steps with items: pass or fail, and why, in a few lines. */
export interface TrajectoryComparison {
  pass: boolean;
  /** What went wrong (or, when it passed, how the steps were matched), for the message. */
  details: string[];
}

/**
 * A maximum matching between steps and items (each item answers for at most one step), by
 * augmenting paths. Trajectories are short, so the simple algorithm is plenty.
 */
function maxMatching(fits: boolean[][], itemCount: number): (number | undefined)[] {
  const itemToStep: (number | undefined)[] = new Array<number | undefined>(itemCount).fill(undefined);
  const tryStep = (step: number, visited: boolean[]): boolean => {
    for (let item = 0; item < itemCount; item++) {
      if (!fits[step]?.[item] || visited[item]) continue;
      visited[item] = true;
      const owner = itemToStep[item];
      if (owner === undefined || tryStep(owner, visited)) {
        itemToStep[item] = step;
        return true;
      }
    }
    return false;
  };
  fits.forEach((_, step) => tryStep(step, []));
  return itemToStep;
}

/** Compares items with expected steps under a mode. Exported for the cursor and for tests. */
export function compareTrajectory(
  items: readonly TurnItem[],
  steps: readonly ItemPattern[],
  mode: TrajectoryMode,
  equals: Equals,
): TrajectoryComparison {
  const fit = (step: ItemPattern, item: TurnItem | undefined): boolean => item !== undefined && matchesItem(item, step, equals);
  const step = (i: number): string => `step ${i} (${describePattern(steps[i] as ItemPattern)})`;
  const item = (i: number): string => `item ${i} (${describeItem(items[i] as TurnItem)})`;

  if (mode === 'strict') {
    for (let i = 0; i < Math.max(items.length, steps.length); i++) {
      const s = steps[i];
      if (s === undefined)
        return { pass: false, details: [`${item(i)} is not expected: ${plural(steps.length, 'step')}, ${plural(items.length, 'item')}`] };
      if (items[i] === undefined) return { pass: false, details: [`${step(i)} has no item: the turn has ${plural(items.length, 'item')}`] };
      if (!fit(s, items[i])) return { pass: false, details: [`${step(i)} does not match ${item(i)}`] };
    }
    return { pass: true, details: [`all ${plural(steps.length, 'step')} match, in order`] };
  }

  if (mode === 'ordered') {
    let next = 0;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as ItemPattern;
      let found = -1;
      for (let j = next; j < items.length; j++) {
        if (fit(s, items[j])) {
          found = j;
          break;
        }
      }
      if (found === -1) {
        const after = next === 0 ? 'in the turn' : `after item ${next - 1}`;
        return { pass: false, details: [`${step(i)} is not found ${after}`] };
      }
      next = found + 1;
    }
    return { pass: true, details: [`all ${plural(steps.length, 'step')} appear in order`] };
  }

  const fits = steps.map((s) => items.map((it) => fit(s, it)));
  const itemToStep = maxMatching(fits, items.length);
  const matchedSteps = new Set(itemToStep.filter((s): s is number => s !== undefined));
  const missingSteps = steps.map((_, i) => i).filter((i) => !matchedSteps.has(i));
  const extraItems = items.map((_, i) => i).filter((i) => itemToStep[i] === undefined);
  const checkSteps = mode === 'unordered' || mode === 'superset';
  const checkItems = mode === 'unordered' || mode === 'subset';
  const details = [
    ...(checkSteps ? missingSteps.map((i) => `${step(i)} matches no item`) : []),
    ...(checkItems ? extraItems.map((i) => `${item(i)} matches no step`) : []),
  ];
  return details.length === 0
    ? { pass: true, details: [`every ${checkSteps ? 'step' : 'item'} is matched${checkSteps && checkItems ? ' one to one' : ''}`] }
    : { pass: false, details };
}

/**
 * `expect(turn).toMatchTrajectory(steps, { mode?, turn? })`: the turn's items (for a list of
 * turns, all their items in order; the user's messages are not items) against expected steps.
 * A step is an item type (`'function_call'`) or a pattern (`{ type: 'function_call', name, args }`).
 * Modes: `strict` (default), `ordered`, `unordered`, `subset`, `superset`; see `TrajectoryMode`.
 */
export function toMatchTrajectory(this: MatcherContext, received: unknown, expected: unknown, options?: TrajectoryOptions): MatcherResult {
  const { isNot, p, header, turns, isList, equals } = openMatcher(
    this,
    'toMatchTrajectory',
    received,
    [
      ['steps', expected],
      ['options', options],
    ],
    options,
  );
  const mode = options?.mode ?? 'strict';
  if (!MODES.includes(mode)) throw new TypeError(`${header}\n\n\`mode\` must be one of ${MODES.join(', ')}; received ${formatValue(mode)}`);
  if (!Array.isArray(expected))
    throw new TypeError(`${header}\n\nthe expected trajectory must be an array of steps, received ${formatValue(expected)}`);
  const steps = expected.map((s, i) => {
    try {
      return toItemPattern(s, `step ${i}`);
    } catch (error) {
      throw new TypeError(`${header}\n\n${(error as Error).message}`);
    }
  });
  const items = turns.flatMap((t) => t.items);
  const result = compareTrajectory(items, steps, mode, equals);

  const message = (): string =>
    failureMessage({
      hint: header,
      expected: `items ${isNot ? 'not ' : ''}matching ${plural(steps.length, 'step')} (${mode} mode)`,
      received: result.details.join('; '),
      details: [
        '',
        p.bold('Steps:'),
        ...steps.map((s, i) => p.green(`${String(i).padStart(2)}  ${describePattern(s)}`)),
        p.bold(`Items (${items.length}):`),
        ...items.map((it, i) => p.red(`${String(i).padStart(2)}  ${describeItem(it)}`)),
      ],
      turns,
      isList,
    });
  return { pass: result.pass, message };
}
