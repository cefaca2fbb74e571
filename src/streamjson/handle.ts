/**
 * A lazily started stream-json session behind a stable handle, like `AgentSessionHandle`: test
 * files create it at module level, the CLI starts on first use, every method waits for it.
 */
import { lazySession } from '../session/lazy.js';
import type { ToolMap } from '../turn/types.js';
import type { InitMessage } from './messages.js';
import type { StreamJsonSessionOptions } from './options.js';
import type { StreamJsonTurnRecord } from './record.js';
import { startStreamJsonSession, type StreamJsonSayOptions, type StreamJsonSession } from './session.js';

export interface StreamJsonSessionHandle<Tools extends ToolMap = ToolMap> {
  /** Sends one user turn; resolves with its record at the turn's `result`. Turns run one at a time. */
  say(text: string, options?: StreamJsonSayOptions): Promise<StreamJsonTurnRecord<Tools>>;
  /** Sends the interrupt control request (not queued behind a running turn); resolves with the CLI's answer. */
  interrupt(options?: StreamJsonSayOptions): Promise<Record<string, unknown>>;
  /** Every turn of this session so far. */
  readonly turns: readonly StreamJsonTurnRecord<Tools>[];
  /** The CLI's latest `system`/`init` line (model, tools, session id), once it sent one. */
  readonly init: InitMessage | undefined;
  /** Starts the CLI now (idempotent); resolves when it is ready for turns. */
  start(): Promise<StreamJsonSession>;
  /** Stops the CLI (idempotent). A closed handle refuses further turns. */
  close(): Promise<void>;
  /** The tail of what the CLI wrote to stderr so far. */
  output(): string;
}

export interface StreamJsonHandleOptions extends StreamJsonSessionOptions {
  /** Supplies the abort signal of the current test, when the runner has one. */
  currentSignal?: () => AbortSignal | undefined;
}

export function createStreamJsonSessionHandle<Tools extends ToolMap = ToolMap>(
  options: StreamJsonHandleOptions,
): StreamJsonSessionHandle<Tools> {
  const { currentSignal, ...sessionOptions } = options;
  const lazy = lazySession(options.command[0] ?? 'the stream-json CLI', () => startStreamJsonSession(sessionOptions), currentSignal);
  const { start, withSignal } = lazy;
  return {
    say: async (text, opts) => (await start()).say<Tools>(text, withSignal(opts)),
    interrupt: async (opts) => (await start()).interrupt(withSignal(opts)),
    get turns() {
      return (lazy.current()?.turns ?? []) as unknown as readonly StreamJsonTurnRecord<Tools>[];
    },
    get init() {
      return lazy.current()?.init;
    },
    start,
    close: () => lazy.close(),
    output: () => lazy.current()?.output() ?? '',
  };
}
