/** Options of a stream-json session. */
import type { LlmServerLike } from '../session/options.js';
import type { PermissionPolicy } from './policy.js';
import type { ExternalTool } from './tools.js';

/** What a preset's `prepare` gets, after the scripted LLM listens and before the CLI starts. */
export interface PrepareContext {
  /** The scripted LLM's variables (`OPENAI_BASE_URL`, …), when the session has one. */
  llmEnv: Readonly<Record<string, string>> | undefined;
  /** A fresh directory for this session's state, removed when the session closes. */
  workDir: string;
  /** The directory the CLI will run in. */
  cwd: string;
}

export interface StreamJsonSessionOptions {
  /** The CLI and its arguments, e.g. `['letta', '-p', '--input-format', 'stream-json', '--output-format', 'stream-json']`. */
  command: readonly string[];
  /** Names the wire protocol; only `'stream-json'` exists. */
  protocol?: 'stream-json';
  /** A label for the CLI in usage records and errors (presets set it). */
  name?: string;
  /**
   * Directory the CLI runs in, also for a relative `command[0]`. Default: a fresh empty directory
   * inside the session's work dir, removed at close.
   */
  cwd?: string;
  /** Extra environment over the test process's own (and the preset's). `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The scripted LLM the CLI talks to, started with the session and stopped with it. */
  llm?: LlmServerLike;
  /** Writes config files and returns environment for the CLI; presets use it to point the CLI at the LLM. */
  prepare?: (context: PrepareContext) => Record<string, string | undefined> | void | Promise<Record<string, string | undefined> | void>;
  /**
   * Answers `can_use_tool` requests. Default: deny all but the test's own `tools`. Allow/deny lists
   * also allow the test's own tools unless `deny` names them; a function decides every request
   * itself, the test's own tools included.
   */
  permissions?: PermissionPolicy;
  /** Tools implemented in the test, registered with `register_external_tools` at start-up (Letta Code). */
  tools?: readonly ExternalTool[];
  /** Sends the `initialize` control request at start-up and waits for its answer. Default true. */
  initialize?: boolean;
  /** What to do with a line of a type the harness does not know: fail the session (default) or skip it. */
  unknownMessages?: 'error' | 'ignore';
  /** From spawn to the answer to `initialize` (and tool registration). Default 60 s. */
  startupTimeout?: number;
  /** How long one `say()` may take. Default 60 s. */
  turnTimeout?: number;
  /** How long a control request (interrupt) may wait for its answer. Default 10 s. */
  requestTimeout?: number;
  /** After closing stdin, how long the CLI gets to exit before SIGTERM, then SIGKILL. Default 2 s. */
  shutdownGrace?: number;
  /** Bytes of stderr kept for error messages. Default 64 KiB. */
  outputLimit?: number;
  /** The longest accepted stdout line, in characters. Default 16 MiB. */
  maxLineLength?: number;
  /** Receives everything the CLI writes to stderr. */
  onOutput?: (text: string) => void;
  /** Receives every line the CLI writes to stdout, parsed (e.g. to log the raw protocol while debugging). */
  onMessage?: (message: Record<string, unknown>) => void;
  /** Aborts startup. */
  signal?: AbortSignal;
}

export const STREAM_JSON_DEFAULTS = {
  startupTimeout: 60_000,
  turnTimeout: 60_000,
  requestTimeout: 10_000,
  shutdownGrace: 2_000,
} as const;
