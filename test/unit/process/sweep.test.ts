// The run's sweep asks leftovers to stop, then forces the ones that do not.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect, test, vi } from 'vitest';
import {
  AGENT_TAG_ENV,
  findSessionProcesses,
  killSessionProcesses,
  SESSION_TAG_ENV,
  sweepLeftovers,
} from '../../../src/process/run-tag.js';

function leftover(runId: string, ignoreSigint: boolean) {
  // `trap '' INT` makes the shell and its child ignore SIGINT, like a Node agent does.
  const script = ignoreSigint ? "trap '' INT; sleep 60 & wait" : 'sleep 60 & wait';
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore', env: { ...process.env, [AGENT_TAG_ENV]: runId } });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { pid: child.pid!, exited };
}

test('SIGINT first; what ignores it is SIGKILLed after the grace period', async () => {
  const runId = randomUUID();
  const polite = leftover(runId, false);
  const stubborn = leftover(runId, true);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const started = performance.now();
  const found = await sweepLeftovers(runId, { graceMs: 300 });
  const elapsed = performance.now() - started;
  // The shells and their sleeping children all carry the mark; each is found.
  expect(found.map((p) => p.pid)).toEqual(expect.arrayContaining([polite.pid, stubborn.pid]));
  expect(await polite.exited).toBe('SIGINT');
  expect(await stubborn.exited).toBe('SIGKILL');
  expect(elapsed).toBeGreaterThanOrEqual(250);
  expect(warn).toHaveBeenCalledWith(
    expect.stringMatching(/agent process\(es\) of this run were still running at teardown and were stopped/),
  );
  warn.mockRestore();
});

test("a session's sweep returns only once what it SIGKILLed is gone", async () => {
  const tag = randomUUID();
  // Ignores SIGINT, and is not our child: nothing here reaps it, as with a helper an agent left.
  const child = spawn('sh', ['-c', "trap '' INT; sleep 60 & wait"], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [SESSION_TAG_ENV]: tag },
  });
  child.unref();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const found = await killSessionProcesses(tag, 0);
  expect(found.length).toBeGreaterThanOrEqual(2);
  // Checked at once: "ended" must already be true, not in a moment.
  expect(findSessionProcesses(tag)).toEqual([]);
});
