/** Options of an agent session, with their defaults in one place. */
import type { LlmServerLike } from '../core/model-server.js';
import type { LaunchOptions } from '../process/runtime.js';
import { DEFAULT_MAX_RECEIVED_FRAME_BYTES } from '../protocol/framing.js';
import type { ToolMocks } from './mocks/types.js';

// The model server's shape is shared with stream-json sessions, so it lives in the core.
export type { LlmListening, LlmServerLike, ModelToolCall } from '../core/model-server.js';

export interface AgentSessionOptions extends Omit<LaunchOptions, 'env'> {
  /**
   * Extra environment for the agent, over the test process's own. `undefined` removes a variable.
   * Applied after the runner's variables were removed, so it can pass any of them back.
   */
  env?: Record<string, string | undefined>;
  /**
   * Keep the test runner's variables in the agent's environment (`VITEST*`, `JEST_WORKER_ID`,
   * Vitest's `TEST` and Vite's `MODE`/`BASE_URL`/`PROD`/`DEV`/`SSR`, `NODE_ENV=test`, and the runner's flags in
   * `NODE_OPTIONS`). Default false: the agent runs as it would outside the tests, since agents
   * such as LiveKit's Node examples skip `cli.runApp` when `VITEST` is set.
   */
  keepRunnerEnv?: boolean;
  /**
   * The LLM the agent talks to: a scripted server (`scriptedLlm(...)`), started for the session
   * and stopped with it, its URL given to the agent through OPENAI_BASE_URL and LIVEKIT_INFERENCE_URL.
   */
  llm?: LlmServerLike;
  /**
   * Tool mocks for the whole session, by tool name: the agent's calls of these tools are answered
   * by the functions here, in the test process, and every other tool runs for real. Give `{}` to
   * mock later, with `mockTools()` or `say(text, { tools })`: the agent starts with the preload
   * that makes mocking possible only when this option is given.
   */
  tools?: ToolMocks;
  /** How long the agent may take from spawn to answering a ping. Default 60 s (Python imports are slow on a cold disk). */
  startupTimeout?: number;
  /** How long one `say()` may take. Default 30 s. */
  turnTimeout?: number;
  /** How long other requests (history, info, ...) may take. Default 10 s. */
  requestTimeout?: number;
  /**
   * How long the agent gets to exit after SIGINT before SIGKILL. Default 1 s for Python agents
   * (they exit within it) and for a `command`; 0 for Node agents, which ignore SIGINT in console
   * mode (docs/performance.md). In a runner's file teardown the wait happens in the background.
   */
  shutdownGrace?: number;
  /**
   * The largest protocol frame accepted from the agent, in bytes. Default 64 MiB. The agents send
   * frames above the 1 MiB they accept themselves (a large tool output, a long chat history);
   * a larger length than this is taken for garbage on the connection.
   */
  maxFrameBytes?: number;
  /** Bytes of agent output kept for error messages. Default 64 KiB. */
  outputLimit?: number;
  /** Receives everything the agent prints (e.g. `(text) => process.stderr.write(text)` while debugging). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /**
   * More environment variables whose values are secrets, by name or pattern. Values of variables
   * named like KEY, TOKEN, SECRET, PASSWORD or AUTH are always redacted from output, errors and
   * turn records.
   */
  secretEnv?: readonly (string | RegExp)[];
  /** Aborts startup. */
  signal?: AbortSignal;
}

export const DEFAULTS = {
  startupTimeout: 60_000,
  turnTimeout: 30_000,
  requestTimeout: 10_000,
  shutdownGrace: 1_000,
  pingInterval: 500,
  maxFrameBytes: DEFAULT_MAX_RECEIVED_FRAME_BYTES,
} as const;

/**
 * The grace an agent gets after SIGINT: the option when given; else none for a Node agent
 * launched as detected (console mode ignores SIGINT and SIGTERM, so waiting only delays the
 * SIGKILL), the default for anything else.
 */
export function shutdownGraceFor(kind: 'python' | 'node', options: Pick<AgentSessionOptions, 'shutdownGrace' | 'command'>): number {
  if (options.shutdownGrace !== undefined) return options.shutdownGrace;
  return kind === 'node' && options.command === undefined ? 0 : DEFAULTS.shutdownGrace;
}
