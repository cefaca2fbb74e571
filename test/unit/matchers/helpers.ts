import { stripAnsi } from '../../../src/render/color.js';

/** Runs an assertion that must fail and returns its message without colour. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return stripAnsi((error as Error).message);
  }
  throw new Error('expected the assertion to fail, but it passed');
}
