/**
 * A lazily started session behind a stable handle. Test files create the handle at module
 * level, before any hook runs, so the agent starts on first use (or in a beforeAll that calls
 * `start()`), and every method waits for it.
 */
import type { AgentInfo, SessionState, SessionUsage, TurnItem, TurnRecord, ToolMap } from '../turn/types.js';
import { startAgentSession, type AgentSession, type GreetingOptions, type RequestCallOptions, type SayOptions } from './agent-session.js';
import { lazySession, withHandleBase, type HandleBase } from '../core/lazy.js';
import type { AgentSessionOptions } from './options.js';
import type { MockedCall, ToolMocks } from './mocks/types.js';

export interface AgentSessionHandle<Tools extends ToolMap = ToolMap> extends HandleBase<AgentSession, TurnRecord<Tools>> {
  /** Sends one user turn; resolves with its record. Turns run one at a time. */
  say(text: string, options?: SayOptions): Promise<TurnRecord<Tools>>;
  /**
   * The agent's greeting (what it did before the first turn, e.g. from on_enter), once it is over:
   * a record with `input: ''` and `index: -1`. Rejects with NO_GREETING when none comes in time.
   */
  greeting(options?: GreetingOptions): Promise<TurnRecord<Tools>>;
  /**
   * What the agent said on its own, once it is over: its greeting before the first turn, later
   * what it said unprompted since the last turn (a timer, a background task). Resolves
   * `undefined` when nothing came within the timeout.
   */
  listen(options?: GreetingOptions): Promise<TurnRecord<Tools> | undefined>;
  /**
   * Mocks tools from now on (needs the `tools` option at `useAgentSession`, `{}` will do); the
   * returned function restores what was in force before.
   */
  mockTools(mocks: ToolMocks): Promise<() => void>;
  /** Every call a tool mock answered in this session, in order. */
  mockCalls(): Promise<readonly MockedCall[]>;
  /** The agent's whole chat history (GetChatHistory). */
  history(options?: RequestCallOptions): Promise<TurnItem[]>;
  /** The current agent's id, instructions, tools, chat context, and framework (sdk, version). */
  info(options?: RequestCallOptions): Promise<AgentInfo>;
  /** The agent and user states and the session options. */
  state(options?: RequestCallOptions): Promise<SessionState>;
  /** The session's model usage so far. */
  usage(options?: RequestCallOptions): Promise<SessionUsage>;
}

export interface HandleOptions extends AgentSessionOptions {
  /** Supplies the abort signal of the current test, when the runner has one. */
  currentSignal?: () => AbortSignal | undefined;
  /**
   * Whether closing checks the file's tool mocks against the agents that ran (default: yes); a
   * runner says no when it left tests out (a name filter, `.only`), which might have reached them.
   */
  checkMocksAtClose?: () => boolean;
  /**
   * Whether `close()` returns once the agent is signalled, reaping it in the background (a
   * runner's file teardown: the next file need not wait out the agent's exit).
   */
  reapInBackground?: boolean;
}

/** Creates a handle for the agent in `agentFile` (an absolute path). */
export function createAgentSessionHandle<Tools extends ToolMap = ToolMap>(
  agentFile: string,
  options: HandleOptions = {},
): AgentSessionHandle<Tools> {
  const { currentSignal, checkMocksAtClose, reapInBackground, ...sessionOptions } = options;
  const lazy = lazySession(
    agentFile,
    () => startAgentSession(agentFile, sessionOptions),
    currentSignal,
    (session) => session.close({ checkMocks: checkMocksAtClose?.() ?? true, waitForExit: reapInBackground !== true }),
  );
  const { start, withSignal } = lazy;
  return withHandleBase<
    AgentSession,
    TurnRecord<Tools>,
    Omit<AgentSessionHandle<Tools>, keyof HandleBase<AgentSession, TurnRecord<Tools>>>
  >(lazy, {
    say: async (text, opts) => (await start()).say(text, withSignal(opts)) as unknown as Promise<TurnRecord<Tools>>,
    greeting: async (opts) => (await start()).greeting(withSignal(opts)) as unknown as Promise<TurnRecord<Tools>>,
    listen: async (opts) => (await start()).listen(withSignal(opts)) as unknown as Promise<TurnRecord<Tools> | undefined>,
    mockTools: async (mocks) => (await start()).mockTools(mocks),
    mockCalls: async () => (await start()).mockCalls,
    history: async (opts) => (await start()).history(withSignal(opts)),
    info: async (opts) => (await start()).info(withSignal(opts)),
    state: async (opts) => (await start()).state(withSignal(opts)),
    usage: async (opts) => (await start()).usage(withSignal(opts)),
  });
}
