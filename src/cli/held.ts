/**
 * The one session a daemon holds, whichever kind: a LiveKit agent (a Python or Node file) or a
 * stream-json CLI (Letta Code, Claude Code, a command). The daemon speaks to this shape only, so
 * every command works the same on both, and says so where a kind cannot do something.
 */
import { cliUsage } from '../errors/messages.js';
import type { LlmServerLike } from '../core/model-server.js';
import type { AgentSession } from '../session/livekit-session.js';
import { startAgentSession } from '../session/start.js';
import type { StreamJsonSession } from '../streamjson/session.js';
import type { AgentInfo, TurnRecord } from '../turn/types.js';
import type { StreamJsonTarget } from './state.js';

export interface HeldSession {
  readonly pid: number | undefined;
  /** Settles when the agent went away on its own. */
  readonly ended: Promise<void>;
  say(text: string, timeout: number | undefined): Promise<TurnRecord>;
  /** What the agent said on its own; undefined when nothing came. */
  listen(timeout: number | undefined): Promise<TurnRecord | undefined>;
  /** The greeting, once the first turn has settled it (LiveKit agents that greet). */
  settledGreeting(): Promise<TurnRecord | undefined>;
  /** The agent in charge now: id, tools, instructions, framework. */
  agent(): Promise<Omit<AgentInfo, 'chatContext'>>;
  close(): Promise<void>;
}

export interface HoldOptions {
  llm: LlmServerLike | undefined;
  env: Record<string, string>;
  onOutput: (text: string) => void;
  startupTimeout: number;
}

/** Starts the session a `start` asked for. */
export async function hold(agentFile: string, target: StreamJsonTarget | undefined, options: HoldOptions): Promise<HeldSession> {
  return target ? holdStreamJson(target, options) : holdLiveKit(agentFile, options);
}

async function holdLiveKit(agentFile: string, options: HoldOptions): Promise<HeldSession> {
  const session: AgentSession = await startAgentSession(agentFile, {
    llm: options.llm,
    env: options.env,
    onOutput: options.onOutput,
    startupTimeout: options.startupTimeout,
  });
  return {
    pid: session.pid,
    ended: session.ended,
    say: (text, timeout) => session.say(text, timeout === undefined ? {} : { timeout }),
    listen: (timeout) => session.listen(timeout === undefined ? {} : { timeout }),
    // A greeting already settled comes back at once; none fails at once (NO_GREETING).
    settledGreeting: () => session.greeting({ timeout: 1 }).catch(() => undefined),
    agent: async () => {
      const { chatContext: _history, ...agent } = await session.info();
      return agent;
    },
    close: () => session.close(),
  };
}

async function holdStreamJson(target: StreamJsonTarget, options: HoldOptions): Promise<HeldSession> {
  // Loaded only for these sessions: a LiveKit daemon never pays for the stream-json driver.
  const { startStreamJsonSession } = await import('../streamjson/session.js');
  const { lettaCode, claudeCode } = await import('../streamjson/presets.js');
  const preset =
    target.preset === 'letta'
      ? lettaCode(target.bin === undefined ? {} : { bin: target.bin })
      : target.preset === 'claude'
        ? claudeCode(target.bin === undefined ? {} : { bin: target.bin })
        : { command: target.command, name: target.command[0] };
  const session: StreamJsonSession = await startStreamJsonSession({
    ...preset,
    ...(options.llm && { llm: options.llm }),
    env: options.env,
    permissions: { allow: target.allow },
    onOutput: options.onOutput,
    startupTimeout: options.startupTimeout,
    ...(target.cwd !== undefined && { cwd: target.cwd }),
  });
  return {
    pid: session.pid,
    ended: session.ended,
    say: (text, timeout) => session.say(text, timeout === undefined ? {} : { timeout }),
    listen: () => {
      throw cliUsage({ problem: 'A stream-json CLI speaks only when spoken to: `listen` is for LiveKit agents.' });
    },
    settledGreeting: () => Promise.resolve(undefined),
    agent: () => {
      const init = session.init;
      return Promise.resolve({
        id: init?.session_id ?? '',
        tools: [...(init?.tools ?? [])],
        sdk: 'stream-json',
        sdkVersion: `${target.preset === 'command' ? target.command[0] : target.preset}${init?.model ? `, model ${init.model}` : ''}`,
      });
    },
    close: () => session.close(),
  };
}
