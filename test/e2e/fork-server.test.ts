/**
 * The fork server that starts Python agents for the pre-spawn broker, driven directly: forked
 * agents connect like spawned ones, live in a process group of their own, report their output and
 * exit, and a server that cannot fork (or dies) says why instead of hanging.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { groupExists } from '../../src/process/exists.js';
import { ForkServer, forkableLaunch } from '../../src/process/fork-server.js';
import { launchGuarded } from '../../src/process/launch.js';
import { untrackAgent } from '../../src/process/registry.js';
import { resolveLaunch } from '../../src/process/runtime.js';
import { CONNECT_PLACEHOLDER } from '../../src/prespawn/spec.js';
import { fixture, pythonAgent, pythonEnv } from './helpers.js';

const servers: ForkServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

const env = { ...process.env, ...pythonEnv, OPENAI_API_KEY: 'unused', PYTHONUNBUFFERED: '1' };

async function serverFor(agentFile: string, interpreter?: string[]): Promise<{ server: ForkServer; argv: string[]; cwd: string }> {
  const launch = resolveLaunch(agentFile, CONNECT_PLACEHOLDER, { env, ...(interpreter && { interpreter }) });
  const forkable = forkableLaunch(launch.argv)!;
  const server = await ForkServer.start({ interpreter: forkable.interpreter, agentFile, cwd: launch.cwd, env, timeoutMs: 120_000 });
  servers.push(server);
  return { server, argv: launch.argv, cwd: launch.cwd };
}

async function fork(server: ForkServer, argv: string[], cwd: string) {
  const launched = await launchGuarded({
    start: (options) => server.fork(options),
    spawnOptions: (connectAddr) => ({ argv: argv.map((a) => a.replace(CONNECT_PLACEHOLDER, connectAddr)), cwd, env }),
  });
  return launched;
}

describe('fork server', () => {
  test('forked agents connect, each in a session and process group of its own, and end on SIGINT', { timeout: 180_000 }, async () => {
    const { server, argv, cwd } = await serverFor(pythonAgent);
    await server.ready;
    for (let i = 0; i < 2; i++) {
      const { agent, listener } = await fork(server, argv, cwd);
      const socket = await listener.connection;
      expect(groupOf(agent.pid!)).toBe(agent.pid);
      expect(agent.pid).not.toBe(server.pid);
      const status = await agent.terminate({ graceMs: 5000 });
      untrackAgent(agent.pid!);
      socket.destroy();
      // The console exits on its own after SIGINT, as a spawned agent does.
      expect(status).toEqual({ exitCode: 0, signal: null });
      expect(agent.output()).toMatch(/starting worker/);
    }
  });

  test(
    'closing the server lets an agent in its shutdown finish it; one nobody ends is killed after the wait',
    { timeout: 180_000 },
    async () => {
      const { server, argv, cwd } = await serverFor(pythonAgent);
      await server.ready;
      const ending = await fork(server, argv, cwd);
      const left = await fork(server, argv, cwd);
      const sockets = await Promise.all([ending.listener.connection, left.listener.connection]);
      // The run's end: the last file's agent was just signalled, and the servers close at once.
      const status = ending.agent.terminate({ graceMs: 5000 });
      const started = Date.now();
      await server.close({ waitMs: 3000 });
      expect(await status).toEqual({ exitCode: 0, signal: null });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
      // Its end is seen after the server's (no status comes through a server that is gone).
      await left.agent.exited;
      // Gone, or a zombie waiting for init to reap it now that its server is gone.
      expect(groupExists(left.agent.pid!)).toBe(false);
      for (const { agent } of [ending, left]) untrackAgent(agent.pid!);
      for (const socket of sockets) socket.destroy();
    },
  );

  test('an agent that fails at import reports its exit and traceback, and the server forks on', { timeout: 180_000 }, async () => {
    const broken = fixture('python/import_error.py');
    const { server, argv, cwd } = await serverFor(broken);
    await server.ready;
    const { agent } = await fork(server, argv, cwd);
    const status = await agent.exited;
    untrackAgent(agent.pid!);
    expect(status.exitCode).not.toBe(0);
    await agent.outputClosed;
    expect(agent.output()).toMatch(/Error/);
    const again = await fork(server, argv, cwd);
    expect((await again.agent.exited).exitCode).not.toBe(0);
    untrackAgent(again.agent.pid!);
  });

  test("a child starts with the server's objects frozen and the first turn's imports done", { timeout: 180_000 }, async () => {
    const { server, argv, cwd } = await serverFor(fixture('python/reports_preload.py'));
    await server.ready;
    const { agent } = await fork(server, argv, cwd);
    expect((await agent.exited).exitCode).toBe(3);
    untrackAgent(agent.pid!);
    await agent.outputClosed;
    const [, frozen, firstUse] = /frozen=(\d+) first_use=(.*)/.exec(agent.output()) ?? [];
    // The SDK and plugins are hundreds of thousands of objects; a child's collections skip them.
    expect(Number(frozen)).toBeGreaterThan(100_000);
    expect(firstUse).toBe('[True, True, True]');
  });

  test('an agent ended the moment its pid is known is ended: it is in its own process group by then', { timeout: 180_000 }, async () => {
    const { server, argv, cwd } = await serverFor(pythonAgent);
    await server.ready;
    for (let i = 0; i < 10; i++) {
      const agent = await server.fork({ argv: argv.map((a) => a.replace(CONNECT_PLACEHOLDER, '127.0.0.1:9')), cwd, env });
      const status = await Promise.race([
        agent.terminate({ signal: 'SIGKILL', graceMs: 0 }),
        new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 10_000)),
      ]);
      expect(status).toEqual({ exitCode: null, signal: 'SIGKILL' });
      untrackAgent(agent.pid!);
    }
  });

  test('a forked agent ignores SIGPIPE as a newly started interpreter does', { timeout: 180_000 }, async () => {
    const { server, argv, cwd } = await serverFor(pythonAgent);
    await server.ready;
    const forked = await fork(server, argv, cwd);
    const cold = await launchGuarded({
      spawnOptions: (connectAddr) => ({ argv: argv.map((a) => a.replace(CONNECT_PLACEHOLDER, connectAddr)), cwd, env }),
    });
    const sockets = await Promise.all([forked.listener.connection, cold.listener.connection]);
    // Bit 13 of the ignored-signals mask: a write to a closed socket raises in the agent instead of killing it.
    const ignoresSigpipe = (pid: number) =>
      (BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]}`) >> 12n) & 1n;
    expect(ignoresSigpipe(cold.agent.pid!)).toBe(1n);
    expect(ignoresSigpipe(forked.agent.pid!)).toBe(1n);
    for (const { agent } of [forked, cold]) {
      await agent.terminate({ graceMs: 5000 });
      untrackAgent(agent.pid!);
    }
    for (const socket of sockets) socket.destroy();
  });

  test('an interpreter without livekit-agents: not ready, with the import error as the reason', { timeout: 60_000 }, async () => {
    const { server } = await serverFor(pythonAgent, ['python3', '-S']);
    await expect(server.ready).rejects.toThrow(/importing livekit\.agents failed: ModuleNotFoundError/);
  });

  test('a server that dies leaves its agents running, and their end is still seen', { timeout: 180_000 }, async () => {
    const { server, argv, cwd } = await serverFor(pythonAgent);
    await server.ready;
    const { agent, listener } = await fork(server, argv, cwd);
    await listener.connection;
    process.kill(server.pid!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.status).toBeUndefined();
    process.kill(-agent.pid!, 'SIGKILL');
    await expect(agent.exited).resolves.toEqual({ exitCode: null, signal: null });
    untrackAgent(agent.pid!);
  });
});
