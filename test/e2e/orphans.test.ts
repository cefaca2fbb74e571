import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { alive, fixture, pythonEnv } from './helpers.js';

const startAgent = fileURLToPath(new URL('../fixtures/runner-death/start-agent.ts', import.meta.url));

/** True while any process of group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('orphan guard: agents die with the process that started them', () => {
  test('a worker that is SIGKILLed takes its agent down within seconds', async () => {
    const worker = spawn(process.execPath, ['--import', 'tsx', startAgent, fixture('python/hanging_tool.py')], {
      env: { ...process.env, ...pythonEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const started = await new Promise<{ agentPid: number; watchdogPid: number }>((resolve, reject) => {
        let out = '';
        worker.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolve(JSON.parse(line));
        });
        worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before its agent started`)));
      });
      expect(groupAlive(started.agentPid)).toBe(true);
      expect(alive(started.watchdogPid)).toBe(true);

      // No exit handler runs on SIGKILL: only the watchdog can act.
      worker.kill('SIGKILL');
      await expect.poll(() => groupAlive(started.agentPid), { timeout: 5000, interval: 50 }).toBe(false);
      // The watchdog leaves once it has done its job.
      await expect.poll(() => alive(started.watchdogPid), { timeout: 5000 }).toBe(false);
    } finally {
      worker.kill('SIGKILL');
    }
  });
});
