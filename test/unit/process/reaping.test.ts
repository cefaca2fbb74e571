import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { groupExists } from '../../../src/process/exists.js';
import { markReaping, settleReaping, unmarkReaping } from '../../../src/process/reaping.js';

/** A process group that outlives SIGINT, as a Node console agent does. */
function stubborn(): number {
  const child = spawn('bash', ['-c', 'trap "" INT; sleep 30'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}

describe('agents reaped in the background, seen from the run teardown', () => {
  test('one whose worker stopped mid-reap is killed once its grace has run out, and counted', async () => {
    const runId = randomUUID();
    const pgid = stubborn();
    markReaping(runId, pgid, 200);
    expect(await settleReaping(runId)).toBe(1);
    await expect.poll(() => groupExists(pgid), { timeout: 2000, interval: 20 }).toBe(false);
  });

  test('one its worker reaped is not waited for; nor is a run without records', async () => {
    const runId = randomUUID();
    const pgid = stubborn();
    markReaping(runId, pgid, 60_000);
    process.kill(-pgid, 'SIGKILL');
    unmarkReaping(runId, pgid);
    const started = Date.now();
    expect(await settleReaping(runId)).toBe(0);
    expect(await settleReaping(randomUUID())).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('one that exits within its grace is waited for, not killed', async () => {
    const runId = randomUUID();
    const child = spawn('sleep', ['0.3'], { detached: true, stdio: 'ignore' });
    markReaping(runId, child.pid!, 10_000);
    expect(await settleReaping(runId)).toBe(0);
    expect(groupExists(child.pid!)).toBe(false);
  });

  test('records in a folder that is a link (planted in the shared temp folder) are not acted on', async () => {
    const runId = randomUUID();
    const pgid = stubborn();
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'ast-planted-'));
    writeFileSync(path.join(elsewhere, String(pgid)), '0');
    const base = path.join(tmpdir(), `agent-session-test-${userInfo().uid}`);
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const planted = path.join(base, `reaping-${runId}`);
    symlinkSync(elsewhere, planted);
    try {
      expect(await settleReaping(runId)).toBe(0);
      expect(groupExists(pgid)).toBe(true);
    } finally {
      process.kill(-pgid, 'SIGKILL');
      rmSync(planted, { force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
