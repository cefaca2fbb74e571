// The Jest global teardown kills agents of its run that are still alive, and only those.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, expect, test, vi } from 'vitest';
import { createGlobalTeardown } from '../../../src/jest/node/global-teardown.js';
import globalSetup from '../../../src/jest/node/global-setup.js';
import { AGENT_TAG_ENV, RUN_TAG_ENV } from '../../../src/process/run-tag.js';
import { alive } from '../../e2e/helpers.js';

const saved = process.env[RUN_TAG_ENV];
afterEach(() => {
  process.env[RUN_TAG_ENV] = saved;
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** A stand-in for a leftover agent: a process marked as an agent of the run, in its own group. */
function leftover(runId: string, tag = AGENT_TAG_ENV) {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { ...process.env, [tag]: runId } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { pid: child.pid!, exited };
}

test('global setup gives each run a fresh id, never an inherited one', () => {
  process.env[RUN_TAG_ENV] = 'outer-run';
  globalSetup();
  const id = process.env[RUN_TAG_ENV];
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  globalSetup();
  expect(process.env[RUN_TAG_ENV]).not.toBe(id);
});

test('teardown kills a leftover of this run and warns; another run is left alone', async () => {
  const runId = randomUUID();
  process.env[RUN_TAG_ENV] = runId;
  const mine = leftover(runId);
  const other = leftover(randomUUID());
  // A worker of this run inherits the run id but is not an agent.
  const worker = leftover(runId, RUN_TAG_ENV);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    await createGlobalTeardown()();
    await mine.exited;
    expect(alive(mine.pid)).toBe(false);
    expect(alive(other.pid)).toBe(true);
    expect(alive(worker.pid)).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${mine.pid} sleep 60`));
    expect(process.exitCode).toBeUndefined();
  } finally {
    for (const p of [other, worker]) {
      if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    }
  }
});

test('with failOnLeftovers the run fails', async () => {
  const runId = randomUUID();
  process.env[RUN_TAG_ENV] = runId;
  const mine = leftover(runId);
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  await createGlobalTeardown({ failOnLeftovers: true })();
  await mine.exited;
  expect(error).toHaveBeenCalledWith(expect.stringMatching(/1 agent process\(es\) of this run/));
  expect(process.exitCode).toBe(1);
});
