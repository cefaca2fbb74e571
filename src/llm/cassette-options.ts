/**
 * What `cassetteLlm` is given and how it reads it: the options and the server's public types, the
 * mode (option, environment, CI default) and the cassette's file name.
 */
import path from 'node:path';

import type { Secret } from '../process/redact.js';
import type { ScriptedLlmEnv } from './scripted-llm.js';

/** How the cassette is used; see {@link CassetteLlmOptions.mode}. */
export type CassetteMode = 'record' | 'replay' | 'auto' | 'off';

/** The environment variable that selects the mode when the option does not. */
export const CASSETTE_MODE_ENV = 'AGENT_SESSION_TEST_LLM_MODE';

const MODES: readonly CassetteMode[] = ['record', 'replay', 'auto', 'off'];

/** A real OpenAI-compatible endpoint to record from. */
export interface CassetteUpstream {
  /** The base URL, as for `OPENAI_BASE_URL` (e.g. `https://api.openai.com/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. Without it none is sent: the agent's own (the session credential) never goes upstream. */
  apiKey?: string | undefined;
  /** Extra request headers (never stored). */
  headers?: Record<string, string>;
}

/** A local server to record from, e.g. a `scriptedLlm(...)` standing in for the real model. */
export interface ListenableUpstream {
  listen(): Promise<{ url?: string; env: Record<string, string>; close(): Promise<void> }>;
}

/** Options of {@link cassetteLlm}. */
export interface CassetteLlmOptions {
  /**
   * The cassette file. A relative path is resolved against the test file's folder. Defaults to
   * `__cassettes__/<test file name without extension>.jsonl` next to the test file.
   */
  cassette?: string;
  /**
   * - `replay`: answer from the cassette only, never touching the network; a request not in it
   *   is answered with HTTP 400 and becomes a turn error showing how it differs from the closest
   *   recorded one.
   * - `record`: forward every request upstream and store the answers, replacing what the tests
   *   that ran had recorded before.
   * - `auto`: replay what is recorded, record what is missing.
   * - `off`: forward everything, store nothing.
   *
   * Defaults to `$AGENT_SESSION_TEST_LLM_MODE`, else `replay` when `CI` is set, else `auto`. Leave
   * it unset in suites so the environment decides.
   */
  mode?: CassetteMode;
  /**
   * Where requests made through `OPENAI_BASE_URL` are recorded from. Defaults to the test
   * process's own `OPENAI_BASE_URL` (else the OpenAI API) with its `OPENAI_API_KEY`, read when the
   * cassette is created (the agent itself is pointed at this server). A listenable server such as
   * `scriptedLlm(...)` is started only when something must be recorded, and then serves the
   * LiveKit inference route too unless `inferenceUpstream` is given.
   */
  upstream?: CassetteUpstream | ListenableUpstream;
  /**
   * Where requests made through `LIVEKIT_INFERENCE_URL` (LiveKit inference) are recorded from.
   * Defaults to the test process's `LIVEKIT_INFERENCE_URL`, else the LiveKit Cloud gateway, with
   * a token this server signs from the test process's `LIVEKIT_API_KEY`/`LIVEKIT_API_SECRET` (the
   * agent only ever has the session credential).
   */
  inferenceUpstream?: CassetteUpstream;
  /**
   * Strings and patterns replaced by `[redacted]` in everything stored (and in the session's turn
   * records). Added to the default: the values of the environment's secret-looking variables
   * (names containing KEY, SECRET, TOKEN, PASSWORD, CREDENTIAL, PRIVATE or AUTH, replaced by
   * `[redacted $NAME]`) and the upstream API keys. Headers are never stored.
   */
  redact?: readonly (string | RegExp)[];
  /** Body fields left out of the stored request and its key. Default: {@link VOLATILE_FIELDS}. */
  ignoreFields?: readonly string[];
  /** Record when each streamed event arrived, and replay at the same pace. Default `false`. */
  timing?: boolean;
}

/** One request the server received, and how it was answered. */
export interface CassetteRecordedRequest {
  /** When it arrived, in ms since the epoch. */
  at: number;
  /** The running test's full name (`''` outside a test). */
  test: string;
  path: string;
  /** The normalised, redacted body as matched and stored. */
  body: unknown;
  key: string;
  /** The occurrence of the key within the test. */
  n: number;
  /** `replay`: from the cassette; `upstream`: forwarded (and recorded unless mode is `off`); `miss`: answered with an error. */
  source: 'replay' | 'upstream' | 'miss';
  response: { status: number; error?: string };
}

/** A running cassette server. */
export interface CassetteLlmServer {
  /** The OpenAI base URL, `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Variables to pass to the agent process: the server's URLs, and its per-session credential as the agent's keys. */
  readonly env: ScriptedLlmEnv;
  /** The credential every request must carry. */
  readonly credential: string;
  /** What the harness must redact besides the environment's secrets: the upstream keys and the `redact` list. */
  readonly secrets: readonly Secret[];
  /** Stops the server and saves what was recorded. Safe to call more than once. */
  close(): Promise<void>;
}

export const PREFIX = 'agent-session-test:';

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The mode from the option, else the environment variable, else the CI default. */
export function resolveCassetteMode(option: CassetteMode | undefined, env: NodeJS.ProcessEnv = process.env): CassetteMode {
  if (option !== undefined) {
    if (!MODES.includes(option))
      throw new TypeError(`${PREFIX} cassetteLlm \`mode\` must be one of ${MODES.join(', ')}; got ${JSON.stringify(option)}`);
    return option;
  }
  const fromEnv = env[CASSETTE_MODE_ENV]?.trim().toLowerCase();
  if (fromEnv) {
    if (!MODES.includes(fromEnv as CassetteMode))
      throw new TypeError(
        `${PREFIX} ${CASSETTE_MODE_ENV} must be one of ${MODES.join(', ')}; got ${JSON.stringify(env[CASSETTE_MODE_ENV])}`,
      );
    return fromEnv as CassetteMode;
  }
  return isCi(env) ? 'replay' : 'auto';
}

/** Resolves the cassette path against the test file, or defaults it from the test file's name. */
export function resolveCassetteFile(option: string | undefined, testPath: string | undefined): string {
  if (option !== undefined) {
    if (typeof option !== 'string' || option === '') throw new TypeError(`${PREFIX} cassetteLlm \`cassette\` must be a file path`);
    return path.resolve(testPath ? path.dirname(testPath) : process.cwd(), option);
  }
  if (!testPath) {
    throw new TypeError(
      `${PREFIX} cassetteLlm could not tell which test file it is in, so it cannot name the cassette; pass \`cassette: './__cassettes__/name.jsonl'\``,
    );
  }
  const base = path.basename(testPath).replace(/\.[cm]?[jt]sx?$/, '');
  return path.join(path.dirname(testPath), '__cassettes__', `${base}.jsonl`);
}

export function isListenable(upstream: CassetteLlmOptions['upstream']): upstream is ListenableUpstream {
  return typeof (upstream as ListenableUpstream | undefined)?.listen === 'function';
}
