/**
 * Registers the turn matchers on Vitest's `expect` and declares their types for Vitest 4.
 * Import it once, e.g. in a setup file (`setupFiles`) or at the top of a test file:
 *
 * @example
 * import 'agent-session-test/vitest/matchers';
 * expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
 *
 * With Vitest 5, import `agent-session-test/vitest5/matchers` instead.
 */
import type {} from 'vitest';
import type { TurnMatchers } from '../matchers/types.js';

export { matchers } from './register.js';

declare module 'vitest' {
  // Vitest 4 merges `Matchers<T>` into both `expect(x).…` and `expect.…` (asymmetric use).
  // The build compiles this next to the Vitest 5 declaration (../vitest5/matchers.ts), whose
  // type parameters differ; each type program sees only one of the two.
  // @ts-ignore TS2428 in the build only
  interface Matchers<T = any>
    extends TurnMatchers<void, T> {}
}
