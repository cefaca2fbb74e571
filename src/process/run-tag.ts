/**
 * Tags every agent with the test run that started it, through its environment, so the run's
 * global teardown can find agents a crashed worker left behind: a process's environment survives
 * its parent's death, and reparenting hides any parent link. Linux reads it from /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable carrying the run id, set by the global setup and inherited by workers. */
export const RUN_TAG_ENV = 'AGENT_SESSION_TEST_RUN';

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
 * Processes whose environment carries `runId`. Empty where /proc is not available. The runner's
 * own process group is skipped: its workers inherit the tag too, but agents are always spawned
 * in a group of their own.
 */
export function findTaggedProcesses(runId: string): TaggedProcess[] {
  const needle = `${RUN_TAG_ENV}=${runId}\0`;
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

/** SIGKILLs each tagged process and its process group; returns what it found. */
export function killTaggedProcesses(runId: string): TaggedProcess[] {
  const found = findTaggedProcesses(runId);
  for (const { pid } of found) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // not a group leader, or already gone
      }
    }
  }
  return found;
}
