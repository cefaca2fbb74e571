/**
 * `agent-session-test/matchers`: the turn matchers free of any test runner, as a plain object for
 * `expect.extend`, their types, and `expectTurn`, the cursor that needs no runner. The runner
 * entries (`agent-session-test/vitest`, `/vitest5`, `/jest`) register these and declare their
 * types; import from here to register them on an `expect` of your own.
 */
import { toHaveCalledTool } from './to-have-called-tool.js';
import { toHaveHandedOff } from './to-have-handed-off.js';
import { toHaveHandedOffTo } from './to-have-handed-off-to.js';
import { toHaveNoErrors } from './to-have-no-errors.js';
import { toHaveReplied } from './to-have-replied.js';
import { toHaveToolError } from './to-have-tool-error.js';
import { toHaveToolOutput } from './to-have-tool-output.js';
import { toMatchTrajectory } from './to-match-trajectory.js';
import { toPassJudge } from './to-pass-judge.js';

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
  toPassJudge,
};

export { expectTurn, TurnCursor, TurnAssertionError } from './cursor.js';
export type { CursorOptions, ItemCheck, RangeCheck } from './cursor.js';
export type * from './types.js';
// The turn record types the matchers take, for code that imports only this entry (a Jest setup, a
// runner of its own, a type program that must not load a runner's matcher declarations).
export type * from '../turn/types.js';
