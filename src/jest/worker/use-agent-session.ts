/**
 * Jest integration: one agent per test file, started in a beforeAll and stopped in an afterAll
 * (both from `@jest/globals`), with the path resolved against the test file like an import.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { startAndCloseAround } from '../../core/hooks.js';
import { createAgentSessionHandle, type AgentSessionHandle } from '../../session/handle.js';
import { DEFAULTS, type AgentSessionOptions } from '../../session/options.js';
import type { ToolMap } from '../../turn/types.js';

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
  // Jest does not tell a hook which tests a name filter left out, and a file run in part may not
  // reach the agent a file-wide tool mock is for: only turn and mockTools() scopes are checked.
  const handle = createAgentSessionHandle<Tools>(resolveAgentFile(file), {
    ...options,
    checkMocksAtClose: () => false,
    reapInBackground: true,
  });
  startAndCloseAround({ beforeAll, afterAll }, handle, {
    startMs: options.startupTimeout ?? DEFAULTS.startupTimeout,
    closeMs: options.shutdownGrace ?? DEFAULTS.shutdownGrace,
  });
  return handle;
}
