/**
 * Tags every agent with the test run that started it, and with a tag of its own, through its
 * environment, so the run's global teardown and the session's own close can find what an agent
 * left behind: a process's environment survives its parent's death, is inherited by everything
 * the agent starts (also what it starts in a new session or process group), and reparenting hides
 * any parent link. Linux reads it from /proc; elsewhere nothing is found and sweeps are no-ops.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { settleReaping } from './reaping.js';

/** The environment variable carrying the run id, set by the global setup and inherited by workers. */
export const RUN_TAG_ENV = 'AGENT_SESSION_TEST_RUN';

/**
 * Set only in agents' environments, to the id of the run that owns them. A separate variable,
 * because the run id itself is inherited by every worker, and workers are not ours to kill.
 */
export const AGENT_TAG_ENV = 'AGENT_SESSION_TEST_AGENT_OF';

/**
 * Set only in agents' environments, to an id of that one agent (so of its session): what its
 * close, the exit handler and the watchdog look for, without touching other sessions of the run.
 */
export const SESSION_TAG_ENV = 'AGENT_SESSION_TEST_SESSION';

/** The environment entry that marks a process as an agent of the current run. */
export function agentTag(): Record<string, string> {
  return { [AGENT_TAG_ENV]: process.env[RUN_TAG_ENV] ?? `pid-${process.pid}` };
}

/** A fresh per-agent tag, the value of {@link SESSION_TAG_ENV}. */
export function newSessionTag(): string {
  return randomUUID();
}

export interface TaggedProcess {
  pid: number;
  command: string;
}

/** The process group of `pid` from /proc (field 5 of stat, after the parenthesised name). */
function processGroup(pid: number | 'self'): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/**
 * Agents of the run `runId` still alive, and whatever they started. Empty where /proc is not
 * available. Only processes marked as agents count (workers inherit the run id, not the mark).
 */
export function findTaggedProcesses(runId: string): TaggedProcess[] {
  return findProcessesWith(AGENT_TAG_ENV, runId);
}

/** Processes still alive that an agent with session tag `tag` left, the agent included. */
export function findSessionProcesses(tag: string): TaggedProcess[] {
  return findProcessesWith(SESSION_TAG_ENV, tag);
}

/**
 * Live processes whose environment holds `variable=value`. The caller's own process group is
 * skipped, since agents are always spawned in a group of their own.
 */
function findProcessesWith(variable: string, value: string): TaggedProcess[] {
  const needle = `${variable}=${value}\0`;
  const ownGroup = processGroup('self');
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: TaggedProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(needle)) continue;
      if (Number(entry) === process.pid || processGroup(Number(entry)) === ownGroup) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      // Zombies have no command line and are already dead.
      if (command !== '') found.push({ pid: Number(entry), command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Signals a tagged process's group (when it leads one), then the process. */
function signalTree({ pid }: TaggedProcess, signal: NodeJS.Signals): void {
  // Agents lead their own process group; take the group, then the process.
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // not a group leader, or already gone
    }
  }
}

/** How long leftovers get to exit after SIGINT before SIGKILL. */
const SWEEP_GRACE_MS = 1000;
/** The most we wait for SIGKILLed processes to be gone. */
const KILL_SETTLE_MS = 1000;

/**
 * Ends each agent of the run still alive: SIGINT to its process group, up to `graceMs` to go,
 * then SIGKILL for what is left. Returns what it found.
 */
export function killTaggedProcesses(runId: string, graceMs = SWEEP_GRACE_MS): Promise<TaggedProcess[]> {
  return endAll(() => findTaggedProcesses(runId), graceMs);
}

/** Like {@link killTaggedProcesses}, for what one agent left (its session tag). */
export function killSessionProcesses(tag: string, graceMs = SWEEP_GRACE_MS): Promise<TaggedProcess[]> {
  return endAll(() => findSessionProcesses(tag), graceMs);
}

/**
 * SIGKILLs at once, synchronously, whatever carries one of these session tags: for exit
 * handlers, which cannot wait. A second pass takes what forked during the first.
 */
export function killSessionProcessesNow(tags: Iterable<string>): void {
  const list = [...tags];
  for (let pass = 0; pass < 2; pass++) {
    for (const tag of list) for (const found of findSessionProcesses(tag)) signalTree(found, 'SIGKILL');
  }
}

async function endAll(find: () => TaggedProcess[], graceMs: number): Promise<TaggedProcess[]> {
  const found = find();
  if (found.length === 0) return found;
  for (const agent of found) signalTree(agent, 'SIGINT');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && find().length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const left = find();
  for (const agent of left) signalTree(agent, 'SIGKILL');
  // A SIGKILLed process is not gone the instant kill() returns (on a busy machine it may wait to
  // be scheduled): wait, briefly and bounded, so the caller's "ended" is true when it resumes.
  const killedBy = Date.now() + KILL_SETTLE_MS;
  while (left.length > 0 && Date.now() < killedBy && find().length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  return found;
}

export interface SweepOptions {
  /** Fail the run (exit code 1) when agents were left behind. Default false: kill them and warn. */
  failOnLeftovers?: boolean;
  /** How long leftovers get after SIGINT before SIGKILL. Default 1 s. */
  graceMs?: number;
}

/** Ends the run's leftover agents and says so; for the runners' global teardowns. */
export async function sweepLeftovers(runId: string, options: SweepOptions = {}): Promise<TaggedProcess[]> {
  // Agents a file teardown left exiting in the background are not leftovers: give them their grace first.
  await settleReaping(runId);
  const leftovers = await killTaggedProcesses(runId, options.graceMs);
  if (leftovers.length === 0) return leftovers;
  const list = leftovers.map((p) => `  ${p.pid} ${p.command}`).join('\n');
  const message = `agent-session-test: ${leftovers.length} agent process(es) of this run were still running at teardown and were stopped:\n${list}`;
  if (options.failOnLeftovers) {
    // Runners report an error thrown from teardown but may still exit 0; make the run fail.
    console.error(message);
    process.exitCode = 1;
  } else {
    console.warn(message);
  }
  return leftovers;
}
