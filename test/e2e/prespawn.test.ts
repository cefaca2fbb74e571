/**
 * The plugin's `prespawn` with real agents: a child Vitest run of test/fixtures/prespawn, whose
 * files share an agent. Later files must get a spare, take turns and tool calls through the
 * relay, fail the same way when the agent crashes, and leave no agent behind, also when the
 * runner or a worker is SIGKILLed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { AGENT_TAG_ENV, findTaggedProcesses, RUN_TAG_ENV } from '../../src/process/run-tag.js';
import { availableCores } from '../../src/vitest/node/prespawn-default.js';
import { pythonEnv } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const config = 'test/fixtures/prespawn/vitest.config.ts';
const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');

type Entry = Record<string, unknown> & { event: string; file: string; runId: string; pid: number };

interface Run {
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  output: () => string;
  reports: () => Entry[];
}

const dirs: string[] = [];
const runIds = new Set<string>();
afterEach(() => {
  // Whatever happened, leave nothing of a child run behind.
  for (const runId of runIds) {
    for (const { pid } of findTaggedProcesses(runId)) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
  runIds.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runVitest(files: string[], env: Record<string, string> = {}): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'ast-prespawn-'));
  dirs.push(dir);
  const reportFile = path.join(dir, 'report.jsonl');
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // None of this run's Vitest state, and not our run id: the child's plugin makes its own.
    if (value !== undefined && !key.startsWith('VITEST') && key !== RUN_TAG_ENV) childEnv[key] = value;
  }
  const child = spawn(process.execPath, [vitestBin, 'run', '--config', config, ...files.map((f) => `test/fixtures/prespawn/${f}`)], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A cache of its own unless the test shares one: what one run remembers changes how the next starts.
    env: { ...childEnv, ...pythonEnv, CASE_REPORT: reportFile, CASE_CACHE_DIR: path.join(dir, 'cache'), CI: '', FORCE_COLOR: '0', ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    pid: child.pid!,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    output: () => output,
    reports: () => {
      let entries: Entry[] = [];
      try {
        entries = readFileSync(reportFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Entry);
      } catch {
        // nothing reported yet
      }
      for (const entry of entries) runIds.add(entry.runId);
      return entries;
    },
  };
}

async function until(predicate: () => boolean, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function finished(run: Run): Promise<{ code: number | null; signal: string | null }> {
  const exit = await Promise.race([run.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 150_000))]);
  if (exit === 'hung') throw new Error(`the child run did not finish:\n${run.output()}`);
  return exit;
}

/** No process of the run that is an agent (spares, forked agents and fork servers included) is left, within a few seconds. */
async function expectNoAgents(run: Run, runId: string): Promise<void> {
  // A forked agent's command line is its fork server's.
  const agents = () =>
    findTaggedProcesses(runId).filter((p) => p.command.includes('--connect-addr') || p.command.includes('fork_server.py'));
  await until(() => agents().length === 0, 10_000, "the run's agents to go").catch((error: Error) => {
    throw new Error(
      `${error.message}: ${agents()
        .map((p) => p.command)
        .join('\n')}\nrunner output:\n${run.output()}`,
    );
  });
}

/** The fork server a runner started, if any: its child whose command line is the server's. */
function warmServerOf(runner: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === runner && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('fork_server.py')) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** The run an agent process belongs to, from its environment. */
function agentTagOf(pid: number): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((line) => line.startsWith(`${AGENT_TAG_ENV}=`));
    return entry?.slice(AGENT_TAG_ENV.length + 1);
  } catch {
    return undefined;
  }
}

describe('prespawn', () => {
  test(
    'files after the first get a spare of the Node agent; turns and tool calls work; no agent is left',
    { timeout: 240_000 },
    async () => {
      const run = runVitest(['weather-1.case.ts', 'weather-2.case.ts', 'weather-3.case.ts', 'weather-4.case.ts']);
      const exit = await finished(run);
      expect(exit.code, run.output()).toBe(0);
      const done = run.reports().filter((e) => e.event === 'done');
      expect(done).toHaveLength(4);
      // One worker: the first file starts its own agent and teaches the broker; the rest find one waiting.
      expect(done.map((e) => e.prespawned)).toEqual([false, true, true, true]);
      expect(new Set(done.map((e) => e.agentPid)).size).toBe(4);
      expect(run.output()).not.toMatch(/still running at teardown/);
      await expectNoAgents(run, done[0]!.runId);
    },
  );

  test('the Python agent too, with two workers and two spares', { timeout: 240_000 }, async () => {
    const run = runVitest(['weather-1.case.ts', 'weather-2.case.ts', 'weather-3.case.ts', 'weather-4.case.ts'], {
      CASE_SDK: 'python',
      CASE_WORKERS: '2',
      PRESPAWN_SPARES: '2',
    });
    const exit = await finished(run);
    expect(exit.code, run.output()).toBe(0);
    const done = run.reports().filter((e) => e.event === 'done');
    expect(done).toHaveLength(4);
    // The run's first file starts cold, and gets a fork server importing; a file that finds no spare
    // while it imports (the other worker's first) waits for it and gets an agent forked for it.
    expect(done.filter((e) => !e.prespawned)).toHaveLength(1);
    expect(done.filter((e) => e.prespawned).length).toBe(3);
    // Spares of a Python agent are forked from a server that did the imports once.
    expect(done.filter((e) => e.prespawned).every((e) => e.forked)).toBe(true);
    expect(done.filter((e) => !e.prespawned).some((e) => e.forked)).toBe(false);
    await expectNoAgents(run, done[0]!.runId);
  });

  test("a later run forks its first file's Python agent from a fork server started with the run", { timeout: 300_000 }, async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'ast-prespawn-cache-'));
    dirs.push(cache);
    const files = ['weather-1.case.ts', 'weather-2.case.ts'];
    const firstAgents = [];
    for (let round = 0; round < 2; round++) {
      const run = runVitest(files, { CASE_SDK: 'python', CASE_CACHE_DIR: cache });
      const exit = await finished(run);
      expect(exit.code, run.output()).toBe(0);
      const done = run.reports().filter((e) => e.event === 'done');
      expect(done.map((e) => e.file)).toEqual(files);
      firstAgents.push(done[0]!);
      await expectNoAgents(run, done[0]!.runId);
    }
    // The first run's first file starts cold and the run remembers its launch; the next run's does not start cold.
    expect(firstAgents.map((e) => [e.prespawned, e.forked])).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  test.each(['python', 'node'])(
    "a %s spare's greeting that asks the model before a file takes it is answered once the file does",
    { timeout: 240_000 },
    async (sdk) => {
      // Each file stays 8 s after its turns: the next file's spare asked for its greeting long before.
      const run = runVitest(['desk-1.case.ts', 'desk-2.case.ts', 'desk-3.case.ts'], { CASE_HOLD_MS: '8000', CASE_SDK: sdk });
      const exit = await finished(run);
      expect(exit.code, run.output()).toBe(0);
      const done = run.reports().filter((e) => e.event === 'done');
      expect(done).toHaveLength(3);
      expect(done.filter((e) => e.prespawned).length, run.output()).toBeGreaterThanOrEqual(2);
      await expectNoAgents(run, done[0]!.runId);
    },
  );

  test("the default ('auto') keeps spares when a core is free, and none when every core runs a worker", { timeout: 300_000 }, async () => {
    const cores = availableCores();
    const spareUse = async (workers: number, files: string[], sdk = 'node') => {
      const run = runVitest(files, { PRESPAWN_SPARES: 'auto', CASE_WORKERS: String(workers), CASE_SDK: sdk });
      const exit = await finished(run);
      expect(exit.code, run.output()).toBe(0);
      const done = run.reports().filter((e) => e.event === 'done');
      expect(done).toHaveLength(files.length);
      await expectNoAgents(run, done[0]!.runId);
      return done.map((e) => e.prespawned);
    };
    // One worker: the second file finds a spare, unless the machine has a single core.
    expect(await spareUse(1, ['weather-1.case.ts', 'weather-2.case.ts'])).toEqual([false, cores > 1]);
    // As many workers as cores: the third file starts after one of the first two has taught the
    // launch, so with spares on it would take one; with the default it must not.
    expect((await spareUse(cores, ['weather-1.case.ts', 'weather-2.case.ts', 'weather-3.case.ts'])).filter(Boolean)).toEqual([]);
    // A forked spare costs little CPU: the Python agent gets them even then, once its fork server has imported.
    const python = ['weather-1.case.ts', 'weather-2.case.ts', 'weather-3.case.ts', 'weather-4.case.ts', 'weather-5.case.ts'];
    expect((await spareUse(cores, python, 'python')).filter(Boolean).length).toBeGreaterThan(0);
  });

  test('a spare no file takes is ended before the leftover sweep', { timeout: 240_000 }, async () => {
    // The first file teaches its launch and a spare starts for the file still queued, which runs another agent.
    const run = runVitest(['weather-1.case.ts', 'crash-1.case.ts']);
    const exit = await finished(run);
    // failOnLeftovers is on: a spare found by the sweep would fail the run.
    expect(exit.code, run.output()).toBe(0);
    expect(run.output()).not.toMatch(/still running at teardown/);
    const reports = run.reports();
    expect(reports.map((e) => e.prespawned)).toEqual([false, false]);
    await expectNoAgents(run, reports[0]!.runId);
  });

  test('an agent that crashes mid-turn through the relay fails as a cold-started one does', { timeout: 240_000 }, async () => {
    const run = runVitest(['crash-1.case.ts', 'crash-2.case.ts']);
    const exit = await finished(run);
    expect(exit.code, run.output()).toBe(0);
    const crashed = run.reports().filter((e) => e.event === 'crashed');
    expect(crashed.map((e) => e.prespawned)).toEqual([false, true]);
    expect(crashed.map((e) => e.forked)).toEqual([false, true]);
    for (const entry of crashed) {
      expect(entry).toMatchObject({ code: 'AGENT_EXITED', exitCode: 3 });
      expect(entry['output']).toContain('self_destruct: exiting with code 3');
    }
    await expectNoAgents(run, crashed[0]!.runId);
  });

  test("a LiveKit-style agent forked for a later run's first file greets through its own model server", { timeout: 300_000 }, async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'ast-prespawn-cache-'));
    dirs.push(cache);
    const firsts = [];
    for (let round = 0; round < 2; round++) {
      // The greeting (on_enter asks the model) and a tool returning a dict, in one file.
      const run = runVitest(['desk-1.case.ts'], { CASE_SDK: 'python', CASE_CACHE_DIR: cache });
      const exit = await finished(run);
      expect(exit.code, run.output()).toBe(0);
      const done = run.reports().filter((e) => e.event === 'done');
      expect(done).toHaveLength(1);
      firsts.push([done[0]!.prespawned, done[0]!.forked]);
      await expectNoAgents(run, done[0]!.runId);
    }
    expect(firsts).toEqual([
      [false, false],
      [true, true],
    ]);
  });

  test('SIGKILL of the runner while the fork server started with the run imports leaves nothing', { timeout: 300_000 }, async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'ast-prespawn-cache-'));
    dirs.push(cache);
    const env = { CASE_SDK: 'python', CASE_CACHE_DIR: cache };
    const first = runVitest(['weather-1.case.ts'], env);
    expect((await finished(first)).code, first.output()).toBe(0);
    const run = runVitest(['weather-1.case.ts'], env);
    await until(() => warmServerOf(run.pid) !== undefined, 60_000, 'the fork server started with the run');
    const tag = agentTagOf(warmServerOf(run.pid)!);
    // The run's own id, which its teardown and watchdog sweep by (not a stand-in from before the run had one).
    expect(tag).toMatch(/^[0-9a-f-]{36}$/);
    runIds.add(tag!);
    process.kill(run.pid, 'SIGKILL');
    await finished(run).catch(() => process.kill(-run.pid, 'SIGKILL'));
    await expectNoAgents(run, tag!);
  });

  for (const victim of ['runner', 'worker'] as const) {
    test(`SIGKILL of the ${victim} while a brokered agent is mid-turn leaves no agent`, { timeout: 240_000 }, async () => {
      const run = runVitest(['hang-1.case.ts', 'hang-2.case.ts']);
      await until(() => run.reports().some((e) => e.event === 'turn-started'), 120_000, 'the brokered turn to start').catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${run.output()}`);
        },
      );
      const started = run.reports().find((e) => e.event === 'turn-started')!;
      // The agent mid-turn is a spare forked by the fork server: it, the server and the rest must go.
      expect(started.forked).toBe(true);
      process.kill(victim === 'runner' ? run.pid : started.pid, 'SIGKILL');
      await finished(run).catch(() => process.kill(-run.pid, 'SIGKILL'));
      await expectNoAgents(run, started.runId);
    });
  }
});
