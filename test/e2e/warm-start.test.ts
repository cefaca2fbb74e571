/**
 * Fork servers started with the run, for the Python launches the run's test files used last
 * time: the first session of a launch gets an agent forked from one instead of a cold start, only
 * when its environment would import the same, and what is remembered holds no environment.
 * The whole path through the plugin (two runs sharing the runner's cache) is in prespawn.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { SpareBroker } from '../../src/prespawn/broker.js';
import { BrokeredAgent, requestFork, requestSpare, useBroker } from '../../src/prespawn/client.js';
import { forkIdentity, writeRemembered } from '../../src/prespawn/remembered.js';
import { CONNECT_PLACEHOLDER, spawnSpec, type SpawnSpec } from '../../src/prespawn/spec.js';
import { untrackAgent } from '../../src/process/registry.js';
import { RUN_TAG_ENV } from '../../src/process/run-tag.js';
import { withoutRunnerEnv } from '../../src/process/runner-env.js';
import { resolveLaunch } from '../../src/process/runtime.js';
import { alive, pythonAgent, pythonEnv } from './helpers.js';

async function until(predicate: () => boolean, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const SECRET = 'sk-warm-start-not-to-be-stored';
const testFile = '/project/agent.test.ts';

const dirs: string[] = [];
const brokers: SpareBroker[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The spec a session of this process would launch the example agent with; `env` on top. */
function agentSpec(env: Record<string, string> = {}): SpawnSpec {
  const agentEnv = { ...withoutRunnerEnv(process.env), ...pythonEnv, PYTHONUNBUFFERED: '1', OPENAI_API_KEY: SECRET, ...env };
  const launch = resolveLaunch(pythonAgent, CONNECT_PLACEHOLDER, { env: agentEnv });
  return spawnSpec(pythonAgent, launch.argv, launch.cwd, agentEnv);
}

/** A broker whose cache remembers that `testFile` used the example agent's launch. */
async function brokerRemembering(): Promise<{ broker: SpareBroker; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ast-warm-'));
  dirs.push(dir);
  const file = path.join(dir, 'forks.json');
  writeRemembered(file, [{ ...forkIdentity(agentSpec())!, testFiles: [testFile] }]);
  const broker = await SpareBroker.start({ spares: 1, rememberIn: file });
  brokers.push(broker);
  return { broker, file };
}

// The warm server gets the runner's own environment: the agent's interpreter must be found the same way.
const savedVirtualEnv = process.env['VIRTUAL_ENV'];
afterEach(() => {
  if (savedVirtualEnv === undefined) delete process.env['VIRTUAL_ENV'];
  else process.env['VIRTUAL_ENV'] = savedVirtualEnv;
});

describe('fork servers started with the run', () => {
  test(
    "the run's first session of a remembered launch gets an agent forked from the server started with the run",
    { timeout: 120_000 },
    async () => {
      process.env['VIRTUAL_ENV'] = pythonEnv.VIRTUAL_ENV;
      const { broker } = await brokerRemembering();
      broker.expect([testFile, '/project/other.test.ts']);
      expect(broker.stats.warmed).toBe(1);
      broker.queued(testFile);
      const offer = await requestFork(broker.address, { spec: agentSpec(), startupTimeout: 60_000 }, 60_000);
      expect(offer, 'an agent forked for the session').toBeDefined();
      const agent = await offer!.claim(agentSpec(), undefined);
      expect(agent).toBeInstanceOf(BrokeredAgent);
      const brokered = agent as BrokeredAgent;
      await brokered.connection;
      // A forked agent's command line is its server's.
      expect(readFileSync(`/proc/${brokered.pid}/cmdline`, 'utf8')).toContain('fork_server.py');
      expect(broker.stats).toMatchObject({ warmed: 1, forkedOnRequest: 1, forked: 1 });
      const status = await brokered.terminate({ graceMs: 5000 });
      untrackAgent(brokered.pid);
      expect(status, brokered.output()).toEqual({ exitCode: 0, signal: null });
    },
  );

  test('an agent forked for a session that lets it go is ended, never offered to another file', { timeout: 120_000 }, async () => {
    process.env['VIRTUAL_ENV'] = pythonEnv.VIRTUAL_ENV;
    const { broker } = await brokerRemembering();
    broker.expect([testFile, '/project/other.test.ts']);
    broker.queued(testFile);
    const offer = await requestFork(broker.address, { spec: agentSpec(), startupTimeout: 60_000 }, 60_000);
    expect(offer).toBeDefined();
    offer!.release();
    await until(() => !alive(offer!.pid), 'the agent to be ended');
    // Another file asking for the agent file gets an agent of its own, if any.
    const next = await requestSpare(broker.address, pythonAgent);
    expect(next?.pid).not.toBe(offer!.pid);
    next?.release();
  });

  test("no server starts for a launch none of the run's files used last time", async () => {
    process.env['VIRTUAL_ENV'] = pythonEnv.VIRTUAL_ENV;
    const { broker } = await brokerRemembering();
    broker.expect(['/project/other.test.ts']);
    expect(broker.stats.warmed).toBe(0);
  });

  test('a session whose environment would import differently gets no agent of it, and starts cold', { timeout: 120_000 }, async () => {
    process.env['VIRTUAL_ENV'] = pythonEnv.VIRTUAL_ENV;
    const { broker } = await brokerRemembering();
    broker.expect([testFile]);
    broker.queued(testFile);
    const spec = agentSpec({ PYTHONHASHSEED: '7' });
    const started = Date.now();
    expect(await requestFork(broker.address, { spec, startupTimeout: 60_000 }, 60_000)).toBeUndefined();
    // Answered at once: the session does not wait for a server of its own.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(broker.stats).toMatchObject({ warmed: 1, forkedOnRequest: 0, spawned: 0 });
  });

  test('after the run, the launch is remembered for the file that used it, without its environment', async () => {
    process.env['VIRTUAL_ENV'] = pythonEnv.VIRTUAL_ENV;
    const { broker, file } = await brokerRemembering();
    broker.expect(['/project/new.test.ts']);
    broker.queued('/project/new.test.ts');
    // What the plugin's setup file does in each worker: sessions name their test file.
    useBroker(broker.address, () => '/project/new.test.ts');
    try {
      // Answered `none` (nothing importing, no file left to come); the use is noted all the same.
      expect(await requestFork(broker.address, { spec: agentSpec(), startupTimeout: 60_000 }, 10_000)).toBeUndefined();
    } finally {
      useBroker(undefined, () => undefined);
    }
    await broker.stopSpares();
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(SECRET);
    const { launches } = JSON.parse(stored) as { launches: { testFiles: string[] }[] };
    expect(launches.map((l) => l.testFiles)).toEqual([[testFile, '/project/new.test.ts']]);
  });

  test('what earlier runs remembered is kept when the run ends before it had its id', async () => {
    const { broker, file } = await brokerRemembering();
    const runId = process.env[RUN_TAG_ENV];
    delete process.env[RUN_TAG_ENV];
    try {
      broker.expect(['/project/new.test.ts']);
      broker.queued('/project/new.test.ts');
      await broker.stopSpares();
    } finally {
      if (runId !== undefined) process.env[RUN_TAG_ENV] = runId;
    }
    const { launches } = JSON.parse(readFileSync(file, 'utf8')) as { launches: { testFiles: string[] }[] };
    expect(launches.map((l) => l.testFiles)).toEqual([[testFile]]);
  });
});
