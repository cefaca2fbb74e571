/**
 * Vitest integration for stream-json CLIs: one CLI per test file (or describe), started in a
 * beforeAll and stopped in an afterAll, like `useAgentSession` for LiveKit agents.
 */
import { afterAll, beforeAll } from 'vitest';
import { startAndCloseAround } from '../../core/hooks.js';
import { currentSignal } from './current-signal.js';
import { recordTurnsOnTests } from './test-transcripts.js';
import type { ToolMap } from '../../turn/types.js';
import { createStreamJsonSessionHandle, type StreamJsonSessionHandle } from '../../streamjson/handle.js';
import { STREAM_JSON_DEFAULTS, type StreamJsonSessionOptions } from '../../streamjson/options.js';

/**
 * Declares the stream-json CLI under test for this file.
 *
 * @example
 * const llm = scriptedLlm([{ reply: { text: 'Hello!' } }]);
 * const agent = useStreamJsonSession({ ...lettaCode(), llm, permissions: { allow: ['Read'] } });
 * test('greets', async () => {
 *   expect(await agent.say('hi')).toHaveReplied(/hello/i);
 * });
 */
export function useStreamJsonSession<Tools extends ToolMap = ToolMap>(options: StreamJsonSessionOptions): StreamJsonSessionHandle<Tools> {
  const handle = createStreamJsonSessionHandle<Tools>({ ...options, currentSignal });
  startAndCloseAround({ beforeAll, afterAll }, handle, {
    startMs: options.startupTimeout ?? STREAM_JSON_DEFAULTS.startupTimeout,
    closeMs: (options.shutdownGrace ?? STREAM_JSON_DEFAULTS.shutdownGrace) * 2,
  });
  return recordTurnsOnTests(handle, options.command?.[0] ?? 'stream-json agent');
}
