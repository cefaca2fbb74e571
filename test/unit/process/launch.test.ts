import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { launchGuarded } from '../../../src/process/launch.js';
import { liveAgents } from '../../../src/process/registry.js';

const linux = process.platform === 'linux';

/** A program that connects to the address it is given and stays until the connection closes. */
const connectBack = (connectAddr: string) => [
  process.execPath,
  '-e',
  `const [h, p] = process.argv[1].split(':'); require('node:net').connect(Number(p), h).on('close', () => process.exit(0));`,
  connectAddr,
];

describe('launchGuarded', () => {
  test('spawns the agent with the address it listens on, tracks it, and takes its connection', async () => {
    let given = '';
    const launched = await launchGuarded({
      spawnOptions: (connectAddr) => {
        given = connectAddr;
        return { argv: connectBack(connectAddr), cwd: process.cwd(), env: { PATH: process.env['PATH'] } };
      },
    });
    expect(launched.connectAddr).toBe(given);
    expect(given).toBe(`127.0.0.1:${launched.listener.port}`);
    expect(liveAgents()).toContain(launched.agent.pid);
    const socket = await launched.listener.connection;
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
    await launched.agent.terminate({ graceMs: 0 });
  });

  test.runIf(linux)("refuses a connection from outside the agent's process group", async () => {
    let stranger: net.Socket | undefined;
    const launched = await launchGuarded({
      spawnOptions: (connectAddr) => {
        // Before the agent starts, another process on the machine gets at the port first.
        const [host, port] = connectAddr.split(':');
        stranger = net.connect(Number(port), host);
        stranger.on('error', () => {});
        return { argv: connectBack(connectAddr), cwd: process.cwd(), env: { PATH: process.env['PATH'] } };
      },
    });
    const socket = await launched.listener.connection;
    expect(launched.listener.refusals).toEqual([expect.stringMatching(/is not the spawned agent's/)]);
    socket.destroy();
    stranger?.destroy();
    await launched.agent.terminate({ graceMs: 0 });
  });

  test('a spawn that fails closes the listener and reports AGENT_SPAWN_FAILED', async () => {
    let listening: { connection: Promise<net.Socket> } | undefined;
    const failed = launchGuarded({
      agentFile: '/agents/missing.py',
      onListening: (listener) => (listening = listener),
      spawnOptions: () => ({ argv: ['/nonexistent/interpreter'], cwd: process.cwd(), env: {} }),
    });
    await expect(failed).rejects.toMatchObject({ code: 'AGENT_SPAWN_FAILED', agentFile: '/agents/missing.py' });
    await expect(listening!.connection).rejects.toThrow(/closed before the agent connected/);
  });

  test('giving up in spawnOptions closes the listener and spawns nothing', async () => {
    let listening: { connection: Promise<net.Socket> } | undefined;
    const before = liveAgents().length;
    const failed = launchGuarded({
      onListening: (listener) => (listening = listener),
      spawnOptions: () => {
        throw new Error('stopped');
      },
    });
    await expect(failed).rejects.toThrow('stopped');
    await expect(listening!.connection).rejects.toThrow(/closed before the agent connected/);
    expect(liveAgents()).toHaveLength(before);
  });
});
