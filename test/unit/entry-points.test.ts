import { expect, test } from 'vitest';

// Each public subpath resolves and exposes what the README documents.
test('the package entry points load', async () => {
  const root = await import('agent-session-test');
  expect(typeof root.useAgentSession).toBe('function');
  expect(typeof root.startAgentSession).toBe('function');
  expect(typeof root.renderTurn).toBe('function');
  expect(Object.keys((await import('agent-session-test/matchers')).matchers)).toContain('toHaveCalledTool');
  expect(typeof (await import('agent-session-test/llm')).scriptedLlm).toBe('function');
  expect(typeof (await import('agent-session-test/vitest')).useAgentSession).toBe('function');
  expect(typeof (await import('agent-session-test/vitest/matchers')).matchers).toBe('object');
  expect(typeof (await import('agent-session-test/vitest/global-setup')).default).toBe('function');
});

test('importing the root registers the matchers on Vitest expect', async () => {
  await import('agent-session-test');
  expect(() => expect({}).toHaveReplied('x')).toThrow(/expected a turn record/);
});
