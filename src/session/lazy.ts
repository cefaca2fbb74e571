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
        await s?.close();
      })();
      return closing;
    },
    withSignal<O extends { signal?: AbortSignal }>(options: O | undefined): O {
      const signal = options?.signal ?? currentSignal?.();
      return (signal ? { ...options, signal } : { ...options }) as O;
    },
  };
}
