/**
 * Presets: the command line, environment and config files that run a real coding-agent CLI
 * headless, offline, against the session's scripted LLM, with its state in the session's own
 * work dir so tests share nothing. Spread one into the session options:
 * `useStreamJsonSession({ ...lettaCode(), llm, permissions })`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrepareContext, StreamJsonSessionOptions } from './options.js';

/** The part of the session options a preset fills in. */
export type StreamJsonPreset = Required<Pick<StreamJsonSessionOptions, 'command' | 'name' | 'prepare'>>;

export interface LettaCodeOptions {
  /** The `letta` executable. Default: `$LETTA_CLI_PATH`, else `letta` on the PATH. */
  bin?: string;
  /**
   * Letta's permission mode. Default `'default'`, which asks through `can_use_tool` (Letta's own
   * headless default, `unrestricted`, approves every tool without asking).
   */
  permissionMode?: 'default' | 'acceptEdits' | 'plan' | 'bypassPermissions' | (string & {});
  /** The OpenAI-compatible base URL (`…/v1`) when the session has no `llm`. */
  baseUrl?: string;
  /** More arguments, appended. */
  args?: readonly string[];
}

/**
 * Letta Code (`@letta-ai/letta-code`, tested with 0.25.9) in its local backend, with an
 * OpenAI-compatible provider pointed at the scripted LLM, telemetry and self-update off.
 */
export function lettaCode(options: LettaCodeOptions = {}): StreamJsonPreset {
  const bin = options.bin ?? process.env['LETTA_CLI_PATH'] ?? 'letta';
  return {
    name: 'letta-code',
    command: [
      bin,
      '--backend',
      'local',
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--permission-mode',
      options.permissionMode ?? 'default',
      ...(options.args ?? []),
    ],
    async prepare({ llmEnv, workDir }: PrepareContext) {
      const baseUrl = options.baseUrl ?? llmEnv?.['OPENAI_BASE_URL'];
      if (baseUrl === undefined) {
        throw new TypeError(
          'lettaCode() needs a model to talk to: give the session { llm: scriptedLlm([...]) } or the preset { baseUrl }.',
        );
      }
      const home = path.join(workDir, 'home');
      const state = path.join(workDir, 'letta-state');
      await mkdir(path.join(state, 'providers'), { recursive: true });
      await mkdir(home, { recursive: true });
      const now = new Date().toISOString();
      // What `letta --backend local connect lmstudio --base-url …` writes, without its network check.
      const auth = {
        version: 1,
        providers: {
          'lc-lmstudio': {
            id: 'local-provider-lc-lmstudio',
            name: 'lc-lmstudio',
            provider_type: 'lmstudio',
            provider_category: 'byok',
            // The model server's per-session credential: it answers nothing without it.
            auth: { type: 'api', key: llmEnv?.['OPENAI_API_KEY'] ?? 'not-needed' },
            base_url: baseUrl,
            created_at: now,
            updated_at: now,
          },
        },
      };
      await writeFile(path.join(state, 'providers', 'auth.json'), `${JSON.stringify(auth, null, 2)}\n`);
      return {
        HOME: home,
        LETTA_LOCAL_BACKEND_DIR: state,
        LETTA_CODE_TELEM: '0',
        DO_NOT_TRACK: '1',
        DISABLE_AUTOUPDATER: '1',
        // The real service must never be reached from a test.
        LETTA_API_KEY: undefined,
        LETTA_BASE_URL: undefined,
        // With these set Letta Code routes the model through its own OpenAI provider, not the one written above.
        OPENAI_BASE_URL: undefined,
        OPENAI_API_KEY: undefined,
      };
    },
  };
}

export interface ClaudeCodeOptions {
  /** The `claude` executable. Default: `$CLAUDE_CLI_PATH`, else `claude` on the PATH. */
  bin?: string;
  /** The Anthropic base URL when the session's `llm` does not serve the Messages API. */
  baseUrl?: string;
  /** `--bare`: three tools, no hooks, plugins or CLAUDE.md, one request per model call. Default true. */
  bare?: boolean;
  /** More arguments, appended. */
  args?: readonly string[];
}

/**
 * Claude Code (`@anthropic-ai/claude-code`) headless, asking permissions over stdio, with its
 * config in the session's work dir and non-essential traffic off. It talks the Anthropic
 * Messages API, so the `llm` must serve `POST /v1/messages` (its env then carries
 * `ANTHROPIC_BASE_URL`), or give `{ baseUrl }`.
 */
export function claudeCode(options: ClaudeCodeOptions = {}): StreamJsonPreset {
  const bin = options.bin ?? process.env['CLAUDE_CLI_PATH'] ?? 'claude';
  return {
    name: 'claude-code',
    command: [
      bin,
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-prompt-tool',
      'stdio',
      '--no-session-persistence',
      ...(options.bare === false ? [] : ['--bare']),
      ...(options.args ?? []),
    ],
    async prepare({ llmEnv, workDir }: PrepareContext) {
      const baseUrl = options.baseUrl ?? llmEnv?.['ANTHROPIC_BASE_URL'];
      if (baseUrl === undefined) {
        throw new TypeError(
          'claudeCode() needs an Anthropic Messages API: give the session an { llm } whose env has ANTHROPIC_BASE_URL, or the preset { baseUrl }.',
        );
      }
      const home = path.join(workDir, 'home');
      const config = path.join(workDir, 'claude');
      await mkdir(home, { recursive: true });
      await mkdir(config, { recursive: true });
      return {
        HOME: home,
        CLAUDE_CONFIG_DIR: config,
        ANTHROPIC_BASE_URL: baseUrl,
        // The model server's per-session credential: it answers nothing without it.
        ANTHROPIC_API_KEY: llmEnv?.['ANTHROPIC_API_KEY'] ?? 'dummy-anthropic-api-key',
        ANTHROPIC_AUTH_TOKEN: undefined,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
      };
    },
  };
}
