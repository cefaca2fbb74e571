/**
 * The package for Vitest 5: everything the package root and `agent-session-test/vitest` export
 * (`useAgentSession`, `agentSessionFixture`, the matchers registered on `expect`, the session,
 * turn and transcript API), with the matchers typed for Vitest 5's `Matchers<R, T>`.
 *
 * @example
 * import { useAgentSession } from 'agent-session-test/vitest5';
 */
import './matchers.js';

export * from '../api.js';
