/**
 * The timeout-and-abort race every wait of a session runs: the work, a timer, and the caller's
 * abort signal, whichever comes first. It only says which came first; what that means (a turn
 * timeout, an aborted start, a late exit) is the caller's to word. The timer and the abort
 * listener are gone once it settles, so a finished wait holds no process open.
 */
export type RaceOutcome<T> = { kind: 'done'; value: T } | { kind: 'timeout' } | { kind: 'aborted'; reason: unknown };

export interface RaceOptions {
  /** How long to wait; at most 0 means the timer fires at the next turn of the event loop. */
  ms: number;
  signal?: AbortSignal | undefined;
}

/**
 * Waits for `work`, at most `ms`, unless `signal` aborts first (an already aborted signal wins
 * at once). A rejection of `work` rejects the race.
 */
export async function race<T>(work: Promise<T>, { ms, signal }: RaceOptions): Promise<RaceOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work.then((value) => ({ kind: 'done', value }) as const),
      new Promise<RaceOutcome<T>>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, ms)))),
      new Promise<RaceOutcome<T>>((resolve) => {
        onAbort = () => resolve({ kind: 'aborted', reason: signal?.reason });
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
