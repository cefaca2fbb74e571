import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process with this pid exists (one we may not signal, EPERM, exists too). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether any process of the group `pgid` is still running. A zombie does not count: a killed
 * agent whose parent (a worker) died before reaping it waits for init to reap it, which in a
 * container may take long or never happen, and it holds nothing but its pid.
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  // The leader usually tells at once; otherwise look for a member that is not a zombie.
  const leader = procStat(pgid);
  if (leader && leader.pgid === pgid && leader.state !== 'Z') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.pgid === pgid && stat.state !== 'Z') return true;
  }
  return false;
}

/** A process's state letter and process group, from /proc/<pid>/stat (Linux). */
function procStat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}
