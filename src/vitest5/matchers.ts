/**
 * Registers the turn matchers on Vitest's `expect` and declares their types for Vitest 5.
 * Import it once, e.g. in a setup file (`setupFiles`) or at the top of a test file:
 *
 * @example
 * import 'agent-session-test/vitest5/matchers';
 * expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
 */
import type {} from 'vitest';
import type { TurnMatchers } from '../matchers/types.js';

export { matchers } from '../vitest/register.js';

declare module 'vitest' {
  // Vitest 5 merges `Matchers<R, T>` into `expect(x).…` (`R` is `void`, or `Promise<void>` after
  // `.resolves` / `.rejects`) and into `expect.…` (asymmetric use). The build compiles this next
  // to the Vitest 4 declaration (../vitest/matchers.ts), whose type parameters differ; each type
  // program sees only one of the two.
  // @ts-ignore TS2428 in the build only
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown>
    extends TurnMatchers<R, T> {}
}
