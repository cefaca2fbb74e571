/**
 * The serial turn queue: a session takes one turn (or greeting wait) at a time, in the order
 * they were asked for, and a job that fails does not hold up the ones behind it.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `job` once every job queued before it has settled; settles as `job` does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(job);
    this.#tail = run.catch(() => {});
    return run;
  }
}
