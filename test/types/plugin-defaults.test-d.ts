import { expectTypeOf, test } from 'vitest';
import { agentSession } from '../../src/vitest/node/plugin.js';
import type { AgentSessionDefaults } from '../../src/vitest/provided.js';

test('project-wide defaults take the plain-data session options, frame cap and runner env included', () => {
  expectTypeOf(agentSession).toBeCallableWith({ defaults: { turnTimeout: 20_000, maxFrameBytes: 128 << 20, keepRunnerEnv: true } });
  expectTypeOf<AgentSessionDefaults>().toHaveProperty('maxFrameBytes').toEqualTypeOf<number | undefined>();
  expectTypeOf(agentSession).toBeCallableWith({ defaults: { compile: false } });
  // Functions and servers cannot cross to the workers: they are per-file options only.
  expectTypeOf<AgentSessionDefaults>().not.toHaveProperty('llm');
  expectTypeOf<AgentSessionDefaults>().not.toHaveProperty('onOutput');
});
