/**
 * agent-session-test: put real conversational agents under test.
 *
 * Importing the package root registers the turn matchers on Vitest's `expect`, typed for
 * Vitest 4; with Vitest 5 import `agent-session-test/vitest5` instead (the same exports, typed
 * for Vitest 5). Jest users import `agent-session-test/jest`, and `agent-session-test/matchers`
 * has the raw matchers.
 */
import './vitest/matchers.js';

export * from './api.js';
