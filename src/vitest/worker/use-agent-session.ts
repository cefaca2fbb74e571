/**
 * Vitest integration: one agent per test file, started before the file's first test and
 * stopped after its last, with paths resolved against the test file like an import.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { startAndCloseAround } from '../../core/hooks.js';
import { currentSignal } from './current-signal.js';
import { createAgentSessionHandle, type AgentSessionHandle } from '../../session/handle.js';
import { DEFAULTS, type AgentSessionOptions } from '../../session/options.js';
import type { ToolMap } from '../../turn/types.js';
import { recordTurnsOnTests } from './test-transcripts.js';
import { withProjectDefaults } from './provided.js';
import { runCutShort } from './left-out.js';

/** The test file being collected or run. */
function currentTestFile(): string | undefined {
  const testPath = expect.getState().testPath;
  if (testPath) return testPath;
  // Fallback: the first stack frame outside this package.
  const here = fileURLToPath(import.meta.url);
  for (const line of new Error().stack?.split('\n').slice(1) ?? []) {
    const match = line.match(/\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/);
    const file = match?.[1]?.startsWith('file://') ? fileURLToPath(match[1]) : match?.[1];
    if (file && file !== here && !file.includes(`${path.sep}node_modules${path.sep}`)) return file;
  }
  return undefined;
}

/** Resolves an agent path like an import: relative to the test file, absolute as given. */
function resolveAgentFile(file: string): string {
  if (path.isAbsolute(file)) return file;
  const testFile = currentTestFile();
  return path.resolve(testFile ? path.dirname(testFile) : process.cwd(), file);
}

/**
 * Declares the agent under test for this file. Call it at the top level of a test file (or
 * inside a describe): the agent starts in a beforeAll and stops in an afterAll. The path is
 * resolved relative to the test file.
 *
 * @example
 * const agent = useAgentSession('./agents/weather.py', { llm: scriptedLlm([...]) });
 * test('looks up the weather', async () => {
 *   const turn = await agent.say("what's the weather in Paris?");
 *   expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
 * });
 */
export function useAgentSession<Tools extends ToolMap = ToolMap>(
  file: string,
  fileOptions: AgentSessionOptions = {},
): AgentSessionHandle<Tools> {
  // Earlier versions took stream-json options here too; say where they went.
  if (typeof file !== 'string')
    throw new TypeError('useAgentSession takes the path of an agent file; start a stream-json CLI with useStreamJsonSession(options)');
  // The plugin's project-wide defaults, under this file's own options.
  const options = withProjectDefaults(fileOptions);
  const agentFile = resolveAgentFile(file);
  // A file run in part, or with a failed test, may not reach the agent a file-wide tool mock is for: only a whole, passing run checks them.
  let wholeRun = false;
  const handle = createAgentSessionHandle<Tools>(agentFile, {
    ...options,
    currentSignal,
    checkMocksAtClose: () => wholeRun,
    reapInBackground: true,
  });
  const hooks = {
    beforeAll,
    afterAll: (fn: () => Promise<void>, timeout: number) =>
      // Vitest reads hook fixtures from the first parameter, which must be a destructuring pattern; the suite comes second.
      // eslint-disable-next-line no-empty-pattern
      afterAll(({}: object, suite: unknown) => {
        wholeRun = !runCutShort(suite);
        return fn();
      }, timeout),
  };
  startAndCloseAround(hooks, handle, {
    startMs: options.startupTimeout ?? DEFAULTS.startupTimeout,
    closeMs: options.shutdownGrace ?? DEFAULTS.shutdownGrace,
  });
  return recordTurnsOnTests(handle, agentFile);
}

/**
 * The same, as a file-scoped Vitest fixture:
 *
 * @example
 * const test = base.extend<{ agent: AgentSessionHandle }>({ agent: agentSessionFixture('./agents/weather.py') });
 * test('greets', async ({ agent }) => { await agent.say('hi'); });
 */
export function agentSessionFixture<Tools extends ToolMap = ToolMap>(
  file: string,
  fileOptions: AgentSessionOptions = {},
): [(context: object, use: (handle: AgentSessionHandle<Tools>) => Promise<void>) => Promise<void>, { scope: 'file' }] {
  const agentFile = resolveAgentFile(file);
  const options = withProjectDefaults(fileOptions);
  return [
    // Vitest reads fixture dependencies from the first parameter, which must be a destructuring pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}: object, use: (handle: AgentSessionHandle<Tools>) => Promise<void>) => {
      // A fixture does not see which tests the run left out: its file-wide mocks are not checked at the end.
      const handle = createAgentSessionHandle<Tools>(agentFile, {
        ...options,
        currentSignal,
        checkMocksAtClose: () => false,
        reapInBackground: true,
      });
      try {
        await handle.start();
        await use(recordTurnsOnTests(handle, agentFile));
      } finally {
        await handle.close();
      }
    },
    { scope: 'file' },
  ];
}
