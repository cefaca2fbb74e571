import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { groupExists } from '../../../src/process/exists.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A parent that forks a child into a group of its own, lets it exit and never reaps it; prints both pids. */
const UNREAPED = `
import os, sys, time
child = os.fork()
if child == 0:
    os.setpgid(0, 0)
    os._exit(0)
# Wait for its exit without reaping it (WNOWAIT): it stays a zombie in its own group.
os.waitid(os.P_PID, child, os.WEXITED | os.WNOWAIT)
print(os.getpid(), child, flush=True)
time.sleep(60)
`;

describe.runIf(process.platform === 'linux')('groupExists', () => {
  test('a group whose only member is a zombie (exited, not yet reaped) is gone; a running one is not', async () => {
    const parent = spawn('python3', ['-c', UNREAPED], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(parent.pid!);
    // A pipe may deliver the line in more than one chunk: read up to its end.
    const line = await new Promise<string>((resolve, reject) => {
      let text = '';
      parent.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text);
      });
      parent.once('exit', () => reject(new Error(`the script exited early, having printed: ${text}`)));
    });
    const [, parentPid, childPid] = (/^(\d+) (\d+)$/m.exec(line) ?? []).map(Number);
    expect(childPid, line).toBeGreaterThan(0);
    // The kernel still counts the zombie as a member of its group.
    expect(() => process.kill(-childPid!, 0)).not.toThrow();
    expect(groupExists(childPid!)).toBe(false);
    expect(groupExists(parentPid!)).toBe(true);
    expect(groupExists(2 ** 22 + 1)).toBe(false);
  });
});
