/**
 * Jest integration: one agent per test file, started in a beforeAll and stopped in an afterAll
 * (both from `@jest/globals`), with the path resolved against the test file like an import.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { createAgentSessionHandle, type AgentSessionHandle } from '../../session/handle.js';
import { DEFAULTS, type AgentSessionOptions } from '../../session/options.js';
import type { ToolMap } from '../../turn/types.js';

/** Slack on top of the session's own timeouts, so our error (with the agent's output) wins over Jest's hook timeout. */
const HOOK_SLACK_MS = 5_000;

/** Resolves an agent path like an import: relative to the running test file, absolute as given. */
function resolveAgentFile(file: string): string {
  if (path.isAbsolute(file)) return file;
  // Jest sets the test path in expect's state before it evaluates the test file.
  const testPath = expect.getState().testPath;
  return path.resolve(testPath ? path.dirname(testPath) : process.cwd(), file);
}

/**
 * Declares the agent under test for this file. Call it at the top level of a test file (or
 * inside a describe).
 *
 * @example
 * import { expect, test } from '@jest/globals';
 * import { useAgentSession } from 'agent-session-test/jest';
 *
 * const agent = useAgentSession('./weather_agent.py', { llm });
 * test('looks up the weather', async () => {
 *   expect(await agent.say('weather in Paris?')).toHaveCalledTool('lookup_weather', { city: 'Paris' });
 * });
 */
export function useAgentSession<Tools extends ToolMap = ToolMap>(
  file: string,
  options: AgentSessionOptions = {},
): AgentSessionHandle<Tools> {
  const handle = createAgentSessionHandle<Tools>(resolveAgentFile(file), options);
  beforeAll(
    async () => {
      await handle.start();
    },
    (options.startupTimeout ?? DEFAULTS.startupTimeout) + HOOK_SLACK_MS,
  );
  afterAll(
    async () => {
      await handle.close();
    },
    (options.shutdownGrace ?? DEFAULTS.shutdownGrace) + HOOK_SLACK_MS,
  );
  return handle;
}
