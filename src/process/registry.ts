/**
 * The agents this process has started and not yet reaped, and the session tags of agents whose
 * leftovers have not been swept yet. When the process exits while some are alive (a test runner
 * worker shutting down, an uncaught error), they are SIGKILLed by process group synchronously
 * from the exit handler, the last moment anything can run, and so is every process carrying one
 * of the tags (what an agent started in a session or group of its own). When the process dies
 * without running it (SIGKILL, OOM), the watchdog does the same.
 */
import { killSessionProcessesNow } from './run-tag.js';
import { guardEnding, guardGroup, guardTag, unguardGroup, unguardTag } from './watchdog.js';

const live = new Set<number>();
const tags = new Set<string>();
/** Agents signalled to end whose grace the watchdog keeps should this process die: pid to tag and deadline. */
const ending = new Map<number, { tag: string; deadline: number }>();
let hooked = false;

function killAll(): void {
  // An agent in its grace is the watchdog's from here: it gets the rest of it to finish its shutdown.
  const spared = new Set<number>();
  for (const [pid, end] of ending) if (end.deadline > Date.now()) spared.add(pid);
  for (const pid of live) {
    if (spared.has(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
  const sparedTags = new Set([...spared].map((pid) => ending.get(pid)!.tag));
  killSessionProcessesNow([...tags].filter((tag) => !sparedTags.has(tag)));
  tags.clear();
  ending.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  watchParent();
}

/** How often a worker checks that the runner that started it is still there. */
const PARENT_CHECK_MS = 500;

/**
 * A runner's worker can outlive the runner (its main process SIGKILLed) while a turn is still
 * waiting, and then neither its exit handler nor the watchdog fires: notice the loss of the
 * parent (the IPC channel closing, or being reparented) and end the agents then.
 */
function watchParent(): void {
  // Only a process started by a runner over IPC (a forked worker) knows its parent is the runner;
  // a runner's main process may well outlive the shell that launched it.
  if (!process.connected) return;
  process.once('disconnect', killAll);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) killAll();
  }, PARENT_CHECK_MS);
  timer.unref();
}

export function trackAgent(pid: number): void {
  hook();
  live.add(pid);
  guardGroup(pid);
}

export function untrackAgent(pid: number): void {
  ending.delete(pid);
  if (live.delete(pid)) unguardGroup(pid);
}

/**
 * The agent `pid` (carrying `tag`) was signalled to end and has until `deadline`: should this
 * process exit or die meanwhile, it is not killed at once but when its grace is over.
 */
export function endingAgent(pid: number, tag: string, deadline: number): void {
  if (live.has(pid) && guardEnding(pid, deadline, tag)) ending.set(pid, { tag, deadline });
}

/** Sweeps the processes carrying this session tag should this process die before the agent's own sweep. */
export function trackSessionTag(tag: string): void {
  hook();
  tags.add(tag);
  guardTag(tag);
}

/** After the agent's own sweep: nothing carries the tag any more. */
export function untrackSessionTag(tag: string): void {
  if (tags.delete(tag)) unguardTag(tag);
}

/** Process group ids of the agents this process is responsible for. */
export function liveAgents(): number[] {
  return [...live];
}
