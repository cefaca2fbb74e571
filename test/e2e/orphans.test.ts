import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { groupExists } from '../../src/process/exists.js';
import { startAgentSession } from '../../src/session/agent-session.js';
import { createAgentSessionHandle } from '../../src/session/handle.js';
import { weatherLlm } from '../../examples/weather-llm.js';
import { alive, fixture, killedAfterEach, nodeAgent, pythonEnv, running } from './helpers.js';

const startAgent = fileURLToPath(new URL('../fixtures/runner-death/start-agent.ts', import.meta.url));

/** Helpers the agents under test started. */
const helpers = killedAfterEach();

/** The pid the escaping fixtures' `start_helper` tool reports. */
const helperPid = (output: string | undefined) => Number(/started as (\d+)/.exec(output ?? '')?.[1]);

/** Starts start-agent.ts on `agentFile` in a process of its own, as a runner worker would. */
function startWorker(agentFile: string, ...args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', startAgent, agentFile, ...args], {
    env: { ...process.env, ...pythonEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

interface Started {
  agentPid: number;
  watchdogPid: number;
  helperPid?: number;
}

function started(worker: ReturnType<typeof startWorker>): Promise<Started> {
  return new Promise<Started>((resolve, reject) => {
    let out = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before its agent started`)));
  });
}

describe('orphan guard: agents die with the process that started them', () => {
  test('a worker that is SIGKILLed takes its agent down within seconds', async () => {
    const worker = startWorker(fixture('python/hanging_tool.py'));
    try {
      const { agentPid, watchdogPid } = await started(worker);
      expect(groupExists(agentPid)).toBe(true);
      expect(alive(watchdogPid)).toBe(true);

      // No exit handler runs on SIGKILL: only the watchdog can act.
      worker.kill('SIGKILL');
      await expect.poll(() => groupExists(agentPid), { timeout: 5000, interval: 50 }).toBe(false);
      // The watchdog leaves once it has done its job.
      await expect.poll(() => alive(watchdogPid), { timeout: 5000 }).toBe(false);
    } finally {
      worker.kill('SIGKILL');
    }
  });

  test.each([
    ['Python', 'python/escaping_tool.py'],
    ['Node', 'node/escaping_tool.ts'],
  ])('the watchdog also ends what a %s agent started in a new session', async (_, agentFile) => {
    const worker = startWorker(fixture(agentFile), '--helper');
    try {
      const { agentPid, helperPid } = await started(worker);
      expect(helperPid).toBeGreaterThan(1);
      helpers.push(helperPid!);
      expect(running(helperPid!)).toBe(true);
      worker.kill('SIGKILL');
      await expect.poll(() => groupExists(agentPid), { timeout: 5000, interval: 50 }).toBe(false);
      await expect.poll(() => running(helperPid!), { timeout: 5000, interval: 50 }).toBe(false);
    } finally {
      worker.kill('SIGKILL');
    }
  });
});

describe("a runner's file teardown leaves the agent's exit to the background", () => {
  test('close returns with the agent signalled and still exiting; it is gone once its grace runs out', async () => {
    // The Node agent ignores SIGINT in console mode: it lives out the whole grace.
    const handle = createAgentSessionHandle(nodeAgent, { llm: weatherLlm(), shutdownGrace: 2000, reapInBackground: true });
    const session = await handle.start();
    expect((await handle.say('What is the weather in Paris?')).errors).toEqual([]);
    const pid = session.pid!;
    await handle.close();
    expect(groupExists(pid)).toBe(true);
    await expect.poll(() => groupExists(pid), { timeout: 10_000, interval: 100 }).toBe(false);
  });

  test.each([
    ['Python', 'python/escaping_tool.py'],
    ['Node', 'node/escaping_tool.ts'],
  ])(
    'a worker that exits right after leaves the %s agent the rest of its grace, then its watchdog ends it and its escaped helper',
    async (_, agentFile) => {
      const worker = startWorker(fixture(agentFile), '--helper', '--exit-after-close');
      try {
        const { agentPid, helperPid } = await started(worker);
        helpers.push(helperPid!);
        if (worker.exitCode === null && worker.signalCode === null) await new Promise((resolve) => worker.once('exit', resolve));
        const gone = Date.now();
        expect(worker.exitCode).toBe(0);
        // The Node console ignores SIGINT: it lives on into its 3 s grace, where shutdown callbacks run.
        if (agentFile.startsWith('node/')) expect(groupExists(agentPid)).toBe(true);
        await expect.poll(() => groupExists(agentPid), { timeout: 8000, interval: 50 }).toBe(false);
        await expect.poll(() => running(helperPid!), { timeout: 8000, interval: 50 }).toBe(false);
        if (agentFile.startsWith('node/')) expect(Date.now() - gone).toBeGreaterThan(1500);
      } finally {
        worker.kill('SIGKILL');
      }
    },
  );
});

describe('close() ends what the agent started out of its process group', () => {
  test.each([
    ['Python', 'python/escaping_tool.py'],
    ['Node', 'node/escaping_tool.ts'],
  ])("a %s agent's helper in a new session", async (_, agentFile) => {
    const session = await startAgentSession(fixture(agentFile), {
      env: pythonEnv,
      llm: scriptedLlm([
        { when: { user: /helper/ }, reply: { toolCalls: [{ name: 'start_helper' }] } },
        { when: { toolOutput: /.*/ }, reply: { text: 'started' } },
      ]),
    });
    let helper: number;
    try {
      const turn = await session.say('start the helper');
      helper = helperPid(turn.toolCalls[0]?.output);
      expect(helper, JSON.stringify(turn.toolCalls)).toBeGreaterThan(1);
      helpers.push(helper);
      expect(running(helper)).toBe(true);
    } finally {
      await session.close();
    }
    // Gone when close() resolves, not at the end of the run.
    expect(running(helper)).toBe(false);
  });
});
