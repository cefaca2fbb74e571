/**
 * Registers the turn matchers on Vitest's `expect` and declares their types for Vitest.
 * Import it once, e.g. in a setup file (`setupFiles`) or at the top of a test file:
 *
 * @example
 * import 'agent-session-test/vitest/matchers';
 * expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
 */
import { expect } from 'vitest';
import { matchers } from '../matchers/index.js';
import type { TurnMatchers } from '../matchers/types.js';

expect.extend(matchers);

declare module 'vitest' {
  // Vitest 4 merges `Matchers<T>` into both `expect(x).…` and `expect.…` (asymmetric use).
  interface Matchers<T = any> extends TurnMatchers<void, T> {}
}

export { matchers };
