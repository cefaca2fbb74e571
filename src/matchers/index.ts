/**
 * The turn matchers as a plain object for `expect.extend`, plus the cursor and the helpers they
 * share. Runner entry points (`agent-session-test/vitest/matchers`, `agent-session-test/jest/matchers`)
 * register these and declare their types; import from here to register them yourself.
 */
import { toHaveCalledTool } from './to-have-called-tool.js';
import { toHaveHandedOff } from './to-have-handed-off.js';
import { toHaveHandedOffTo } from './to-have-handed-off-to.js';
import { toHaveNoErrors } from './to-have-no-errors.js';
import { toHaveReplied } from './to-have-replied.js';
import { toHaveToolError } from './to-have-tool-error.js';
import { toHaveToolOutput } from './to-have-tool-output.js';
import { toMatchTrajectory } from './to-match-trajectory.js';

export { toHaveCalledTool, toHaveToolOutput, toHaveToolError, toHaveReplied };
export { toHaveHandedOffTo, toHaveHandedOff, toHaveNoErrors, toMatchTrajectory };

/**
 * Every matcher, keyed by name, for `expect.extend(matchers)`.
 *
 * @example
 * import { expect } from 'vitest';
 * import { matchers } from 'agent-session-test/matchers';
 * expect.extend(matchers);
 */
export const matchers = {
  toHaveCalledTool,
  toHaveToolOutput,
  toHaveToolError,
  toHaveReplied,
  toHaveHandedOffTo,
  toHaveHandedOff,
  toHaveNoErrors,
  toMatchTrajectory,
};

export { expectTurn, TurnCursor, ItemCheck, RangeCheck, TurnAssertionError } from './cursor.js';
export type { CursorOptions } from './cursor.js';
export { compareTrajectory } from './to-match-trajectory.js';
export type { TrajectoryComparison } from './to-match-trajectory.js';
export { matchesPattern, matchesOutput, defaultEquals, isAsymmetricMatcher, isTurnRecord, formatValue } from './utils.js';
export type { MatcherContext, MatcherResult, Equals } from './utils.js';
export type * from './types.js';
// The turn record types the matchers take, for code that imports only this entry (a Jest setup, a
// runner of its own, a type program that must not load a runner's matcher declarations).
export type * from '../turn/types.js';
