/**
 * A lazily started stream-json session behind a stable handle, like `AgentSessionHandle`: test
 * files create it at module level, the CLI starts on first use, every method waits for it.
 */
import { lazySession, withHandleBase, type HandleBase } from '../core/lazy.js';
import type { ToolMap } from '../turn/types.js';
import type { InitMessage } from './messages.js';
import type { StreamJsonSessionOptions } from './options.js';
import type { StreamJsonTurnRecord } from './record.js';
import { startStreamJsonSession, type StreamJsonSayOptions, type StreamJsonSession } from './session.js';

export interface StreamJsonSessionHandle<Tools extends ToolMap = ToolMap> extends HandleBase<
  StreamJsonSession,
  StreamJsonTurnRecord<Tools>
> {
  /** Sends one user turn; resolves with its record at the turn's `result`. Turns run one at a time. */
  say(text: string, options?: StreamJsonSayOptions): Promise<StreamJsonTurnRecord<Tools>>;
  /** Sends the interrupt control request (not queued behind a running turn); resolves with the CLI's answer. */
  interrupt(options?: StreamJsonSayOptions): Promise<Record<string, unknown>>;
  /** The CLI's latest `system`/`init` line (model, tools, session id), once it sent one. */
  readonly init: InitMessage | undefined;
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
  type Own = Omit<StreamJsonSessionHandle<Tools>, keyof HandleBase<StreamJsonSession, StreamJsonTurnRecord<Tools>>>;
  return withHandleBase<StreamJsonSession, StreamJsonTurnRecord<Tools>, Own>(lazy, {
    say: async (text, opts) => (await start()).say<Tools>(text, withSignal(opts)),
    interrupt: async (opts) => (await start()).interrupt(withSignal(opts)),
    get init() {
      return lazy.current()?.init;
    },
  });
}
