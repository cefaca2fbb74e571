/**
 * What `prespawn: 'auto'` (the plugin's default) decides: spares are kept when the project's
 * workers leave a core free, so a spare starts on a core no test file is using. On two cores that
 * paid with one worker, while with two workers the spare competed with the two running agents
 * (`npm run bench:scaling`; the figures are in docs/performance.md).
 */
import os from 'node:os';

/** The CPU cores Vitest counts. */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export interface WorkerSettings {
  /** The project's `maxWorkers`, as configured (a number, or a percentage of the cores). */
  project?: number | string | undefined;
  /** The root config's (or the command line's) `maxWorkers`. */
  root?: number | string | undefined;
  watch?: boolean | undefined;
}

/**
 * The number of workers Vitest will run the project with, resolved the way Vitest 4 and 5 do
 * (which have already turned `fileParallelism: false` into 1 and percentages into numbers).
 */
export function projectWorkers(settings: WorkerSettings, cores = availableCores()): number {
  const configured = settings.project || settings.root;
  if (typeof configured === 'number') return Math.max(1, configured);
  if (typeof configured === 'string') {
    const value = Number.parseFloat(configured);
    if (configured.trim().endsWith('%')) return Math.max(1, Math.min(cores, Math.round((value / 100) * cores)));
    if (Number.isFinite(value)) return Math.max(1, value);
  }
  return settings.watch ? Math.max(Math.floor(cores / 2), 1) : Math.max(cores - 1, 1);
}

/** Whether `prespawn: 'auto'` keeps spares for a project run with `workers` workers. */
export function autoPrespawn(workers: number, cores = availableCores()): boolean {
  return workers < cores;
}
