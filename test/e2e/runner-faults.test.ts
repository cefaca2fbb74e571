/**
 * Runs a small Vitest project (test/fixtures/runner-faults) in a child process and ends it the ways
 * runs end badly: a test timeout, a thrown error, --bail, Ctrl-C, and SIGKILL of the runner or
 * of a worker. Each time, no agent of that run may be left once the runner is gone, nor anything an
 * agent (or Letta Code's Bash tool) started in a session of its own.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { findTaggedProcesses, RUN_TAG_ENV } from '../../src/process/run-tag.js';
import { pythonEnv, running } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const config = 'test/fixtures/runner-faults/vitest.config.ts';
const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const isAgent = (command: string) => command.includes('--connect-addr');

interface Run {
  runId: string;
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  output: () => string;
  reports: () => Record<string, unknown>[];
  agents: () => { pid: number; command: string }[];
}

const dirs: string[] = [];
const runs: Run[] = [];
afterEach(() => {
  // Whatever happened, leave nothing of a child run behind.
  for (const run of runs.splice(0)) {
    for (const { pid } of findTaggedProcesses(run.runId)) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runVitest(files: string[], args: string[] = [], env: Record<string, string> = {}): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'ast-runner-'));
  dirs.push(dir);
  const reportFile = path.join(dir, 'report.jsonl');
  const runId = `runner-faults-${randomUUID()}`;
  const child = spawn(
    process.execPath,
    [vitestBin, 'run', '--config', config, ...files.map((f) => `test/fixtures/runner-faults/${f}`), ...args],
    {
      cwd: root,
      // Its own process group, like a run started from a terminal: Ctrl-C goes to the whole group.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...pythonEnv, [RUN_TAG_ENV]: runId, CASE_REPORT: reportFile, CI: '', FORCE_COLOR: '0', ...env },
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const run: Run = {
    runId,
    pid: child.pid!,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    output: () => output,
    reports: () => {
      try {
        return readFileSync(reportFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line));
      } catch {
        return [];
      }
    },
    agents: () => findTaggedProcesses(runId).filter((p) => isAgent(p.command)),
  };
  runs.push(run);
  return run;
}

async function until(predicate: () => boolean, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** After the runner has exited: every agent of the run gone within a few seconds, nothing else of it left. */
async function expectNothingLeft(run: Run): Promise<void> {
  const exit = await Promise.race([run.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
  expect(exit, `the runner did not exit:\n${run.output()}`).not.toBe('hung');
  await until(
    () => run.agents().length === 0,
    5000,
    `the run's agents to go:\n${run
      .agents()
      .map((p) => p.command)
      .join('\n')}`,
  ).catch((error) => {
    throw new Error(`${error.message}\nrunner output:\n${run.output()}`);
  });
  await until(() => findTaggedProcesses(run.runId).length === 0, 5000, "the run's workers to go");
}

const reported = (run: Run, event: string) => run.reports().some((r) => r['event'] === event);

describe('no agent outlives a run that ends badly', () => {
  test('a test timeout aborts the hanging say at once; the file ends and its agent is stopped', async () => {
    const run = runVitest(['hang.case.ts'], [], { CASE_TEST_TIMEOUT: '3000' });
    await expectNothingLeft(run);
    expect(run.output()).toMatch(/Test timed out in 3000ms/);
    const rejected = run.reports().find((r) => r['event'] === 'say-rejected');
    expect(rejected, run.output()).toMatchObject({ code: 'ABORTED' });
    // Aborted by the test's signal, not by the 120 s turn timeout.
    expect(rejected!['ms']).toBeLessThan(10_000);
  });

  test('a thrown error', async () => {
    const run = runVitest(['throws.case.ts']);
    await expectNothingLeft(run);
    expect(reported(run, 'turn-done')).toBe(true);
    expect(run.output()).toMatch(/thrown on purpose/);
    expect((await run.exited).code).toBe(1);
  });

  test('--bail while another file is mid-turn', async () => {
    const run = runVitest(['fails-fast.case.ts', 'hang.case.ts'], ['--bail', '1']);
    await until(() => reported(run, 'failing') || run.output().includes('FAIL'), 90_000, 'the failing test');
    await expectNothingLeft(run);
    expect(reported(run, 'turn-started')).toBe(true);
    expect((await run.exited).code).not.toBe(0);
  });

  test("Ctrl-C (SIGINT to the runner's process group) mid-turn", async () => {
    const run = runVitest(['hang.case.ts']);
    await until(() => reported(run, 'turn-started'), 90_000, 'the turn to start');
    process.kill(-run.pid, 'SIGINT');
    await expectNothingLeft(run);
  });

  test("SIGKILL of the runner's main process mid-turn", async () => {
    const run = runVitest(['hang.case.ts']);
    await until(() => reported(run, 'turn-started'), 90_000, 'the turn to start');
    process.kill(run.pid, 'SIGKILL');
    await expectNothingLeft(run);
  });

  test('SIGKILL of the worker running the file, mid-turn', async () => {
    const run = runVitest(['hang.case.ts']);
    await until(() => reported(run, 'turn-started'), 90_000, 'the turn to start');
    const worker = run.reports().find((r) => r['event'] === 'turn-started')!['pid'] as number;
    process.kill(worker, 'SIGKILL');
    await expectNothingLeft(run);
  });
});

/** The two ways a runner ends without its teardown, as a user causes them. */
const endings: [string, (run: Run) => void][] = [
  ['Ctrl-C', (run) => process.kill(-run.pid, 'SIGINT')],
  ['SIGKILL of the runner', (run) => process.kill(run.pid, 'SIGKILL')],
];

describe('nothing an agent started in a new session outlives the run either', () => {
  for (const agent of ['python', 'node']) {
    test.each(endings)(`${agent} agent, %s`, async (_, end) => {
      const run = runVitest(['escape.case.ts'], [], { CASE_AGENT: agent });
      await until(() => reported(run, 'helper-started'), 90_000, 'the helper to start');
      const helper = run.reports().find((r) => r['event'] === 'helper-started')!['helper'] as number;
      expect(running(helper), run.output()).toBe(true);
      end(run);
      // expectNothingLeft waits for every process carrying the run's tag, the helper included.
      await expectNothingLeft(run);
      expect(running(helper)).toBe(false);
    });
  }
});

describe('nor a Letta Code Bash command, which runs in a session of its own', () => {
  test.each(endings)('%s mid-command', async (_, end) => {
    const run = runVitest(['letta-bash.case.ts']);
    const command = () => findTaggedProcesses(run.runId).find((p) => p.command.startsWith('sleep 987'));
    await until(() => command() !== undefined, 90_000, 'the Bash command to start');
    const sleeper = command()!.pid;
    end(run);
    await expectNothingLeft(run);
    expect(running(sleeper)).toBe(false);
  });
});
