/**
 * The agents this process has started and not yet reaped. When the process exits while some
 * are alive (a test runner worker shutting down, an uncaught error), they are SIGKILLed by
 * process group synchronously from the exit handler, the last moment anything can run.
 */
const live = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function trackAgent(pid: number): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', killAll);
  }
  live.add(pid);
}

export function untrackAgent(pid: number): void {
  live.delete(pid);
}

/** Process group ids of the agents this process is responsible for. */
export function liveAgents(): number[] {
  return [...live];
}
