/**
 * Agents whose exit a runner's file teardown left to the background (signalled, not yet reaped),
 * recorded where the run's global teardown can see them: one file per agent, named by its
 * process group, in a private folder of the run. The teardown waits for them to go within their
 * grace, and only then takes what is still running for a leftover; a worker thread that was
 * terminated mid-reap leaves its agents to the teardown, which ends them quietly.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { groupExists } from './exists.js';

/** The most the teardown waits for agents still in their grace. */
const MAX_WAIT_MS = 30_000;
/** How long past its grace an agent may take to be reaped by its worker before the teardown acts. */
const REAP_SLACK_MS = 1000;

function folder(runId: string): string {
  // The run id is random and the folder private: another user can neither find nor fill it.
  return path.join(tmpdir(), `agent-session-test-${userInfo().uid}`, `reaping-${runId}`);
}

/**
 * Whether `dir` and its parent are real folders of ours, not a link or a folder another user made
 * in the shared temp folder to have our teardown signal the process groups it names.
 */
function ours(dir: string): boolean {
  const uid = userInfo().uid;
  try {
    return [path.dirname(dir), dir].every((p) => {
      const stat = lstatSync(p);
      return stat.isDirectory() && stat.uid === uid;
    });
  } catch {
    return false;
  }
}

/**
 * Records that the agent leading `pgid`, of the run `runId`, is being reaped in the background
 * within `graceMs`. Outside a run (no global setup) there is no teardown to tell.
 */
export function markReaping(runId: string | undefined, pgid: number, graceMs: number): void {
  if (runId === undefined) return;
  try {
    const dir = folder(runId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ours(dir)) return;
    writeFileSync(path.join(dir, String(pgid)), String(Date.now() + graceMs), { mode: 0o600 });
  } catch {
    // Without the record the teardown may report the agent as a leftover; it still ends it.
  }
}

/** The agent leading `pgid` has been reaped. */
export function unmarkReaping(runId: string | undefined, pgid: number): void {
  if (runId !== undefined) rmSync(path.join(folder(runId), String(pgid)), { force: true });
}

/**
 * Waits for the run's agents still being reaped to be gone, each at most until its grace ran out
 * (plus a little), then SIGKILLs the groups left, and forgets the run's records. Resolves with
 * how many had to be killed.
 */
export async function settleReaping(runId: string): Promise<number> {
  const dir = folder(runId);
  if (!ours(dir)) return 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  const pending = new Map<number, number>();
  for (const entry of entries) {
    const killAt = Number(readFileSync(path.join(dir, entry), 'utf8'));
    if (/^\d+$/.test(entry) && Number.isFinite(killAt)) pending.set(Number(entry), killAt + REAP_SLACK_MS);
  }
  const giveUpAt = Date.now() + MAX_WAIT_MS;
  let killed = 0;
  while (pending.size > 0) {
    const now = Date.now();
    for (const [pgid, killAt] of pending) {
      if (!groupExists(pgid)) pending.delete(pgid);
      else if (now >= killAt || now >= giveUpAt) {
        // Its worker would have SIGKILLed it by now: it was stopped mid-reap.
        pending.delete(pgid);
        try {
          process.kill(-pgid, 'SIGKILL');
          killed++;
        } catch {
          // gone meanwhile
        }
      }
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  rmSync(dir, { recursive: true, force: true });
  return killed;
}
