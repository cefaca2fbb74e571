/**
 * Jest global setup: gives the run an id that every agent inherits (Jest starts its workers
 * after this, so they and their agents carry it). Pair it with the global teardown:
 *
 * @example
 * // jest.config.mjs
 * export default {
 *   globalSetup: 'agent-session-test/jest/global-setup',
 *   globalTeardown: 'agent-session-test/jest/global-teardown',
 * };
 */
import { randomUUID } from 'node:crypto';
import { RUN_TAG_ENV } from '../../process/run-tag.js';

export default function globalSetup(): void {
  // Always a fresh id: a run started from inside another run's test must not sweep the outer run's agents.
  process.env[RUN_TAG_ENV] = randomUUID();
}
