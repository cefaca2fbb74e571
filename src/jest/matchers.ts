/**
 * Registers the turn matchers for Jest and declares their types: on the `expect` of
 * `@jest/globals` (and on the global `expect` when Jest injects one), typed for both
 * `import { expect } from '@jest/globals'` and the global `expect` of `@types/jest`.
 * Add it to `setupFilesAfterEnv`, or import it at the top of a test file:
 *
 * @example
 * // jest.config.js
 * export default { setupFilesAfterEnv: ['agent-session-test/jest/matchers'] };
 */
import { expect } from '@jest/globals';
import { matchers } from '../matchers/index.js';
import type { TurnMatchers } from '../matchers/types.js';

expect.extend(matchers);

// With injected globals the global `expect` is normally the same object; extend it too when it
// is not, so both spellings work.
const globalExpect = (globalThis as { expect?: { extend?: (m: typeof matchers) => void } }).expect;
if (globalExpect !== undefined && (globalExpect as unknown) !== expect && typeof globalExpect.extend === 'function') {
  globalExpect.extend(matchers);
}

declare module '@jest/expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends TurnMatchers<R, T> {}
}

declare global {
  // The global `expect` of @types/jest reads `jest.Matchers`; the type parameters must repeat
  // its declaration exactly.
  namespace jest {
    interface Matchers<R, T = {}> extends TurnMatchers<R, T> {}
  }
}

export { matchers };
