/**
 * The lazy start behind every handle: started on first use (or by an explicit `start()`),
 * closed once, refusing to start again, and handing the running test's abort signal to each
 * call that does not bring its own.
 */
import { sessionClosed } from '../errors/index.js';

export interface LazySession<S> {
  /** Starts the session now (idempotent); rejects once the handle is closed. */
  start(): Promise<S>;
  /** The running session, once started. */
  current(): S | undefined;
  /** Closes the session if it was started (idempotent); the handle cannot start again. */
  close(): Promise<void>;
  /** The call's options with the current test's signal filled in. */
  withSignal<O extends { signal?: AbortSignal }>(options: O | undefined): O;
}

export function lazySession<S extends { close(): Promise<void> }>(
  label: string,
  open: () => Promise<S>,
  currentSignal?: () => AbortSignal | undefined,
  closeSession: (session: S) => Promise<void> = (session) => session.close(),
): LazySession<S> {
  let starting: Promise<S> | undefined;
  let session: S | undefined;
  let closing: Promise<void> | undefined;
  return {
    start() {
      if (closing) {
        return Promise.reject(sessionClosed({ label }));
      }
      starting ??= open().then((s) => (session = s));
      return starting;
    },
    current: () => session,
    close() {
      closing ??= (async () => {
        const s = await starting?.catch(() => undefined);
        if (s) await closeSession(s);
      })();
      return closing;
    },
    withSignal<O extends { signal?: AbortSignal }>(options: O | undefined): O {
      const signal = options?.signal ?? currentSignal?.();
      return (signal ? { ...options, signal } : { ...options }) as O;
    },
  };
}

/** What every handle has, whatever drives the session behind it. */
export interface HandleBase<S, Turn> {
  /** Every turn of this session so far. */
  readonly turns: readonly Turn[];
  /** Starts the session now (idempotent); resolves when it is ready for turns. */
  start(): Promise<S>;
  /** Stops the session (idempotent). A closed handle refuses further turns. */
  close(): Promise<void>;
  /** The tail of what the session's process printed so far ('' before it started). */
  output(): string;
}

/** A handle: the session's own `calls` plus the `HandleBase` members, read from the lazy session. */
export function withHandleBase<
  S extends { close(): Promise<void>; output(): string; readonly turns: readonly object[] },
  Turn,
  Calls extends object,
>(lazy: LazySession<S>, calls: Calls): Calls & HandleBase<S, Turn> {
  const base: HandleBase<S, Turn> = {
    get turns() {
      // The handle's tool typing is a view over the same records.
      return (lazy.current()?.turns ?? []) as unknown as readonly Turn[];
    },
    start: () => lazy.start(),
    close: () => lazy.close(),
    output: () => lazy.current()?.output() ?? '',
  };
  // Descriptors, not a spread, so `turns` stays a live getter.
  return Object.defineProperties(calls, Object.getOwnPropertyDescriptors(base)) as Calls & HandleBase<S, Turn>;
}
