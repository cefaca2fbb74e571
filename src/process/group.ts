/**
 * Ending an agent's process group, the same way whether we spawned the agent or a fork server
 * forked it: a signal, its grace, SIGKILL, then whatever escaped the group by the agent's tag.
 */
import type { ExitStatus } from './agent-process.js';
import { processExists } from './exists.js';
import { endingAgent, untrackSessionTag } from './registry.js';
import { killSessionProcesses } from './run-tag.js';

/** At most this long for escaped descendants to go after SIGINT; they had the agent's grace already. */
const SWEEP_GRACE_MS = 1000;

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves after `ms`, or sooner when `promise` settles. */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export interface GroupLeader {
  /** The value of the agent's session tag, inherited by all it starts. */
  readonly sessionTag: string;
  readonly exited: Promise<ExitStatus>;
  readonly status: ExitStatus | undefined;
}

/**
 * Signals the group of the leader `pid`, waits `graceMs` for the leader to exit, SIGKILLs the group if it has
 * not, waits for the exit, then ends what carries the session tag outside the group.
 */
export async function endGroup(pid: number, leader: GroupLeader, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (leader.status === undefined) {
    if (graceMs > 0) endingAgent(pid, leader.sessionTag, Date.now() + graceMs);
    signalGroup(pid, signal);
    await waitAtMost(leader.exited, graceMs);
  }
  // Still running after the grace period: the group is certainly ours.
  if (leader.status === undefined) signalGroup(pid, 'SIGKILL');
  await leader.exited;
  // Our leader is reaped now, so a live process with its pid is a newcomer that reused the
  // number (the kernel does not hand out an id still in use as a group), and the group it
  // leads is not ours. Only when no such process exists can stragglers of ours remain.
  if (!processExists(pid)) signalGroup(pid, 'SIGKILL');
  // What the agent started in a session or group of its own (setsid, a detached spawn) escaped
  // the group kill but still carries the tag. Linux only; elsewhere this finds nothing.
  await killSessionProcesses(leader.sessionTag, Math.min(graceMs, SWEEP_GRACE_MS));
  untrackSessionTag(leader.sessionTag);
}
