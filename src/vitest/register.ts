/**
 * Registers the turn matchers on Vitest's `expect`, at run time only. Their types live in one
 * module per Vitest major (`./matchers.ts` for Vitest 4, `../vitest5/matchers.ts` for Vitest 5):
 * the majors declare `Matchers` with different type parameters, and every declaration of an
 * interface must repeat its parameters, so no single augmentation fits both.
 */
import { expect } from 'vitest';
import { matchers } from '../matchers/index.js';

expect.extend(matchers);

export { matchers };
