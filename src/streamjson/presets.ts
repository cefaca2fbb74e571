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

const LETTA_NEEDS_MODEL = 'lettaCode() needs a model to talk to: give the session { llm: scriptedLlm([...]) } or the preset { baseUrl }.';
const CLAUDE_NEEDS_MODEL =
  'claudeCode() needs an Anthropic Messages API: give the session an { llm } whose env has ANTHROPIC_BASE_URL, or the preset { baseUrl }.';

/** The model URL a preset points its CLI at; without one the CLI could only reach a real service. */
function modelUrl(url: string | undefined, missing: string): string {
  if (url === undefined) throw new TypeError(missing);
  return url;
}

/** Folders in the session's work dir, created: the CLI's home and its config, never the user's. */
async function workDirs<N extends readonly string[]>(workDir: string, ...names: N): Promise<{ [K in keyof N]: string }> {
  const dirs = names.map((name) => path.join(workDir, name));
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
  return dirs as { [K in keyof N]: string };
}

/** The CLI to run: the preset's `bin`, else the path in `envVar`, else `name` on the PATH. */
function executable(bin: string | undefined, envVar: string, name: string): string {
  return bin ?? process.env[envVar] ?? name;
}

/** Both CLIs read and write stream-json lines with the same two flags. */
const STREAM_JSON_IO = ['--input-format', 'stream-json', '--output-format', 'stream-json'] as const;

/**
 * Letta Code (`@letta-ai/letta-code`, tested with 0.25.9) in its local backend, with an
 * OpenAI-compatible provider pointed at the scripted LLM, telemetry and self-update off.
 */
export function lettaCode(options: LettaCodeOptions = {}): StreamJsonPreset {
  return {
    name: 'letta-code',
    command: [
      executable(options.bin, 'LETTA_CLI_PATH', 'letta'),
      '--backend',
      'local',
      '-p',
      ...STREAM_JSON_IO,
      '--permission-mode',
      options.permissionMode ?? 'default',
      ...(options.args ?? []),
    ],
    async prepare({ llmEnv, workDir }: PrepareContext) {
      const baseUrl = modelUrl(options.baseUrl ?? llmEnv?.['OPENAI_BASE_URL'], LETTA_NEEDS_MODEL);
      const [home, providers] = await workDirs(workDir, 'home', 'letta-state/providers');
      const state = path.dirname(providers);
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
      await writeFile(path.join(providers, 'auth.json'), `${JSON.stringify(auth, null, 2)}\n`);
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
  const command = [
    executable(options.bin, 'CLAUDE_CLI_PATH', 'claude'),
    '-p',
    ...STREAM_JSON_IO,
    '--verbose',
    '--permission-prompt-tool',
    'stdio',
    '--no-session-persistence',
    ...(options.bare === false ? [] : ['--bare']),
    ...(options.args ?? []),
  ];
  return {
    name: 'claude-code',
    command,
    async prepare({ llmEnv, workDir }: PrepareContext) {
      const baseUrl = modelUrl(options.baseUrl ?? llmEnv?.['ANTHROPIC_BASE_URL'], CLAUDE_NEEDS_MODEL);
      const [home, config] = await workDirs(workDir, 'home', 'claude');
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
